"""What the loans app adds to the customers module: the record's loans section, the search's
loan criteria (has loans, has overdue loans) and the check that keeps a customer with loans."""

import django_filters as filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core.scope import system_scope
from xindai.customers.detail_sections import register
from xindai.customers.filters import register_filters
from xindai.customers.models import Customer
from xindai.customers.services import register_loans_check
from xindai.loans.models import Installment, Loan
from xindai.loans.selectors import customer_loans, plan_rows

YES_NO = [("", "---------"), ("true", _("yes")), ("false", _("no"))]


@register
def loans_section(user, customer):
    if not user.has_perm("loans.view"):
        return None
    loans = list(customer_loans(user, customer).prefetch_related("installments"))
    for loan in loans:
        loan.plan, loan.plan_totals = plan_rows(loan)
    return {"template": "loans/_customer_loans.html", "loans": loans}


@register_loans_check
def has_loans_anywhere(customer: Customer) -> bool:
    """Any loan in the bank (a customer with a loan elsewhere is kept too: only "has loans" shows)."""
    return Loan.objects.visible_to(system_scope("integrity check")).filter(customer=customer).exists()


class HasLoansFilter(filters.BooleanFilter):
    """Loans the viewer sees: a loan of another branch is not theirs to know of."""

    def filter(self, qs, value):
        if value is None:
            return qs
        loans = Exists(Loan.objects.visible_to(self.parent.viewer).filter(customer=OuterRef("pk")))
        return qs.filter(loans if value else ~loans)


class HasOverdueFilter(filters.BooleanFilter):
    def filter(self, qs, value):
        if value is None:
            return qs
        installments = Installment.objects.visible_to(self.parent.viewer)
        overdue = Exists(
            installments.filter(
                loan__customer=OuterRef("pk"), settled_on__isnull=True, due_date__lt=timezone.localdate()
            )
        )
        return qs.filter(overdue if value else ~overdue)


register_filters(
    has_loans=HasLoansFilter(label=_("has loans"), widget=forms.Select(choices=YES_NO)),
    has_overdue=HasOverdueFilter(label=_("has overdue loans"), widget=forms.Select(choices=YES_NO)),
)
