"""Warnings and inspections on the loan page, warnings on the customer record."""

from django.utils import timezone

from xindai.customers.detail_sections import register as register_customer_section
from xindai.loans.detail_sections import register_section as register_loan_section
from xindai.postloan.schedule import with_schedule
from xindai.postloan.selectors import customer_warnings, loan_inspections, loan_warnings


@register_loan_section
def postloan_section(user, loan):
    if not user.has_perm("loans.view"):
        return None
    from xindai.loans.models import Loan

    today = timezone.localdate()
    scheduled = with_schedule(Loan.objects.visible_to(user).filter(pk=loan.pk), today).values("next_inspection")
    return {
        "template": "postloan/_loan_section.html",
        "warnings": loan_warnings(user, loan, today),
        "inspections": loan_inspections(loan),
        "next_inspection": scheduled[0]["next_inspection"] if scheduled and not loan.settled_on else None,
        "today": today,
    }


@register_customer_section
def customer_warning_section(user, customer):
    if not user.has_perm("loans.view"):
        return None
    loans = customer_warnings(user, customer, timezone.localdate())
    if not loans:
        return None
    return {"template": "postloan/_customer_warnings.html", "loans": loans}
