"""The customer record's loans section: the customer's loans (in scope) with their plans."""

from xindai.customers.detail_sections import register
from xindai.loans.selectors import customer_loans, plan_rows


@register
def loans_section(user, customer):
    if not user.has_perm("loans.view"):
        return None
    loans = list(customer_loans(user, customer).prefetch_related("installments"))
    for loan in loans:
        loan.plan, loan.plan_totals = plan_rows(loan)
    return {"template": "loans/_customer_loans.html", "loans": loans}
