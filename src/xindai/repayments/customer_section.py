"""The customer record's repayment section: the latest repayments and reversals of the customer's loans."""

from xindai.customers.detail_sections import register
from xindai.repayments.selectors import customer_repayments


@register
def repayments_section(user, customer):
    if not user.has_perm("loans.view"):
        return None
    return {"template": "repayments/_customer_repayments.html", "repayments": list(customer_repayments(user, customer))}
