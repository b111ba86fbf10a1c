"""Criteria of the due and overdue lists (到期提醒, 逾期信息查询); they live in the URL."""

from datetime import timedelta

import django_filters as filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core.forms import (
    AmountFilter,
    BootstrapFilterSetMixin,
    DateField,
    DateFilter,
    DaysFilter,
    RemoteSelect,
    ViewerFilterSetMixin,
)
from xindai.core.masking import number_search
from xindai.core.phone import normalize_mobile
from xindai.core.scope import REGION_FIELDS
from xindai.loans.models import LoanType
from xindai.loans.quality import BUCKET_BOUNDS, BUCKET_LABELS
from xindai.org.models import Branch, Region, User
from xindai.repayments.models import Channel

OVERDUE, DUE = "overdue", "due"
BUCKET_CHOICES = [(bucket.value, _(BUCKET_LABELS[bucket])) for _upper, bucket in BUCKET_BOUNDS[1:]]
ORDERING = (
    ("payable_on", "due_date"),
    ("loan__customer__name", "customer"),
    ("loan__iou_number", "iou"),
    ("principal_owed", "principal"),
    ("interest_owed", "interest"),
    ("penalty_owed", "penalty"),
    ("total_owed", "total"),
    ("loan__officer__real_name", "officer"),
)


class ListOptions(forms.Form):
    """Which list and as of when: overdue on a date, or due within N days of it."""

    view = forms.ChoiceField(
        label=_("list"), choices=[(OVERDUE, _("overdue")), (DUE, _("falling due"))], required=False
    )
    as_of = DateField(label=_("as of"), required=False)
    within = forms.IntegerField(label=_("due within (days)"), min_value=0, max_value=366, required=False)

    def values(self) -> tuple[str, object, int]:
        data = self.cleaned_data if self.is_valid() else {}
        return (
            data.get("view") or OVERDUE,
            data.get("as_of") or timezone.localdate(),
            7 if data.get("within") is None else data["within"],
        )


class InstallmentFilter(ViewerFilterSetMixin, BootstrapFilterSetMixin, filters.FilterSet):
    customer = filters.CharFilter(label=_("customer"), field_name="loan__customer__name", lookup_expr="contains")
    mobile = filters.CharFilter(label=_("mobile"), method="filter_mobile")
    iou_number = filters.CharFilter(label=_("IOU number"), field_name="loan__iou_number", lookup_expr="icontains")
    period = DaysFilter(label=_("period"), field_name="period")
    due_from = DateFilter(label=_("due from"), field_name="due_date", lookup_expr="gte")
    due_to = DateFilter(label=_("due to"), field_name="due_date", lookup_expr="lte")
    days_min = DaysFilter(label=_("days overdue from"), method="filter_days_min")
    days_max = DaysFilter(label=_("days overdue to"), method="filter_days_max")
    bucket = filters.ChoiceFilter(label=_("overdue bucket"), choices=BUCKET_CHOICES, method="filter_bucket")
    owed_min = AmountFilter(label=_("owed from"), field_name="total_owed", lookup_expr="gte")
    loan_type = filters.ModelChoiceFilter(
        label=_("loan type"), field_name="loan__loan_type", queryset=LoanType.objects.all()
    )
    branch = filters.ModelChoiceFilter(
        label=_("handling branch"), queryset=Branch.objects.all(), method="filter_branch"
    )
    officer = filters.ModelChoiceFilter(
        label=_("loan officer"),
        field_name="loan__officer",
        queryset=User.objects.filter(kind="bank", is_loan_officer=True),
    )
    region = filters.ModelChoiceFilter(
        label=_("region"),
        queryset=Region.objects.all(),
        method="filter_region",
        widget=RemoteSelect(attrs={"data-picker": "1", "data-picker-url": "/org/regions/pick/"}),
    )
    sort = filters.OrderingFilter(fields=ORDERING, label=_("sort"))

    def __init__(self, *args, as_of, **kwargs):
        super().__init__(*args, **kwargs)
        self.as_of = as_of

    def filter_mobile(self, queryset, name, value):
        number = normalize_mobile(value)
        if not number:
            return queryset
        fields = (
            ["loan__customer__mobile", "loan__customer__spouse_mobile"]
            if len(number) == 11
            else ["loan__customer__mobile"]
        )
        return queryset.filter(number_search(self.viewer, "mobile", fields, number, partial="contains"))

    # Days overdue on the as-of date are a payable-date range: the filters keep the index usable.
    def filter_days_min(self, queryset, name, value):
        return queryset if value is None else queryset.filter(payable_on__lte=self.as_of - timedelta(days=int(value)))

    def filter_days_max(self, queryset, name, value):
        return queryset if value is None else queryset.filter(payable_on__gte=self.as_of - timedelta(days=int(value)))

    def filter_bucket(self, queryset, name, value):
        bounds = [0, *(upper for upper, _bucket in BUCKET_BOUNDS[1:-1])]
        codes = [bucket.value for _upper, bucket in BUCKET_BOUNDS[1:]]
        if value not in codes:
            return queryset
        index = codes.index(value)
        queryset = queryset.filter(payable_on__lte=self.as_of - timedelta(days=bounds[index] + 1))
        if index < len(bounds) - 1:
            queryset = queryset.filter(payable_on__gte=self.as_of - timedelta(days=bounds[index + 1]))
        return queryset

    def filter_branch(self, queryset, name, value):
        return queryset.filter(loan__handling_branch__path__startswith=value.path) if value else queryset

    def filter_region(self, queryset, name, value):
        return queryset.filter(**{f"loan__customer__{REGION_FIELDS[value.level]}_id": value.pk}) if value else queryset


class RepaymentFilter(BootstrapFilterSetMixin, filters.FilterSet):
    """还款记录查询: the ledger, repayments and reversals."""

    paid_from = DateFilter(label=_("repaid from"), field_name="paid_on", lookup_expr="gte")
    paid_to = DateFilter(label=_("repaid to"), field_name="paid_on", lookup_expr="lte")
    customer = filters.CharFilter(label=_("customer"), field_name="loan__customer__name", lookup_expr="contains")
    customer_id = filters.NumberFilter(field_name="loan__customer_id", widget=forms.HiddenInput)  # drill-down
    iou_number = filters.CharFilter(label=_("IOU number"), field_name="loan__iou_number", lookup_expr="icontains")
    channel = filters.ChoiceFilter(label=_("channel"), choices=Channel.choices)
    kind = filters.ChoiceFilter(
        label=_("entry"),
        choices=[("repayment", _("repayments")), ("reversal", _("reversals"))],
        method="filter_kind",
    )
    branch = filters.ModelChoiceFilter(
        label=_("handling branch"), queryset=Branch.objects.all(), method="filter_branch"
    )
    officer = filters.ModelChoiceFilter(
        label=_("loan officer"),
        field_name="loan__officer",
        queryset=User.objects.filter(kind="bank", is_loan_officer=True),
    )
    region = filters.ModelChoiceFilter(
        label=_("region"),
        queryset=Region.objects.all(),
        method="filter_region",
        widget=RemoteSelect(attrs={"data-picker": "1", "data-picker-url": "/org/regions/pick/"}),
    )
    sort = filters.OrderingFilter(
        fields=(("paid_on", "paid_on"), ("amount", "amount"), ("loan__customer__name", "customer")), label=_("sort")
    )

    def filter_kind(self, queryset, name, value):
        if value == "reversal":
            return queryset.filter(reverses__isnull=False)
        if value == "repayment":
            return queryset.filter(reverses__isnull=True)
        return queryset

    filter_branch = InstallmentFilter.filter_branch
    filter_region = InstallmentFilter.filter_region
