"""Loan search criteria (贷款信息检索查询); they live in the URL."""

from datetime import timedelta

import django_filters as filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core.forms import (
    AmountFilter,
    BootstrapFilterSetMixin,
    DateFilter,
    DaysFilter,
    RemoteSelect,
    ViewerFilterSetMixin,
)
from xindai.core.idnumber import normalize_id_number
from xindai.core.masking import number_search
from xindai.core.scope import REGION_FIELDS
from xindai.loans.models import Installment, LoanType, RepaymentMethod
from xindai.loans.owed import loans_with_status
from xindai.loans.status import LoanStatus
from xindai.org.models import Branch, Region, User

STATUS_CHOICES = [
    (LoanStatus.NORMAL.value, _("normal")),
    (LoanStatus.OVERDUE.value, _("overdue")),
    (LoanStatus.SETTLED.value, _("settled")),
]
ORDERING = (
    ("start_date", "start_date"),
    ("end_date", "end_date"),
    ("amount", "amount"),
    ("outstanding_principal", "outstanding"),
    ("customer__name", "customer"),
    ("iou_number", "iou"),
)


class LoanFilter(ViewerFilterSetMixin, BootstrapFilterSetMixin, filters.FilterSet):
    customer = filters.CharFilter(label=_("customer"), field_name="customer__name", lookup_expr="contains")
    customer_id = filters.NumberFilter(field_name="customer_id", widget=forms.HiddenInput)  # a report's drill-down
    id_number = filters.CharFilter(label=_("ID number"), method="filter_id_number")
    iou_number = filters.CharFilter(label=_("IOU number"), lookup_expr="icontains")
    loan_type = filters.ModelChoiceFilter(label=_("loan type"), queryset=LoanType.objects.all())
    method = filters.ChoiceFilter(label=_("repayment method"), choices=RepaymentMethod.choices)
    branch = filters.ModelChoiceFilter(
        label=_("handling branch"), queryset=Branch.objects.all(), method="filter_branch"
    )
    officer = filters.ModelChoiceFilter(
        label=_("loan officer"), queryset=User.objects.filter(kind="bank", is_loan_officer=True)
    )
    region = filters.ModelChoiceFilter(
        label=_("region"),
        queryset=Region.objects.all(),
        method="filter_region",
        widget=RemoteSelect(attrs={"data-picker": "1", "data-picker-url": "/org/regions/pick/"}),
    )
    status = filters.ChoiceFilter(label=_("status"), choices=STATUS_CHOICES, method="filter_status")
    start_from = DateFilter(label=_("start from"), field_name="start_date", lookup_expr="gte")
    start_to = DateFilter(label=_("start to"), field_name="start_date", lookup_expr="lte")
    end_from = DateFilter(label=_("end from"), field_name="end_date", lookup_expr="gte")
    end_to = DateFilter(label=_("end to"), field_name="end_date", lookup_expr="lte")
    amount_min = AmountFilter(label=_("amount from"), field_name="amount", lookup_expr="gte")
    amount_max = AmountFilter(label=_("amount to"), field_name="amount", lookup_expr="lte")
    due_within = DaysFilter(label=_("due within (days)"), method="filter_due_within")
    sort = filters.OrderingFilter(fields=ORDERING, label=_("sort"))

    def __init__(self, *args, as_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.as_of = as_of or timezone.localdate()

    def filter_status(self, queryset, name, value):
        """On the underlying conditions, not the CASE annotation, so the database can use its indexes."""
        return loans_with_status(queryset, value, self.as_of)

    def filter_id_number(self, queryset, name, value):
        number = normalize_id_number(value)
        if not number:
            return queryset
        return queryset.filter(number_search(self.viewer, "id_number", ["customer__id_number"], number))

    def filter_branch(self, queryset, name, value):
        return queryset.filter(handling_branch__path__startswith=value.path) if value else queryset

    def filter_region(self, queryset, name, value):
        return queryset.filter(**{f"customer__{REGION_FIELDS[value.level]}_id": value.pk}) if value else queryset

    def filter_due_within(self, queryset, name, value):
        if value is None:
            return queryset
        until = self.as_of + timedelta(days=int(value))
        due = Installment.objects.children_of(OuterRef("pk")).filter(
            settled_on__isnull=True,
            superseded_on__isnull=True,
            payable_on__gte=self.as_of,
            payable_on__lte=until,
        )
        return queryset.filter(Exists(due))
