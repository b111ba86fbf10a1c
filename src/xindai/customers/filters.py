"""Customer and contact search criteria (客户查询, 沟通查询); they live in the URL."""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xindai.core.forms import BootstrapFilterSetMixin, DateFilter, RemoteSelect, ViewerFilterSetMixin
from xindai.core.idnumber import normalize_id_number
from xindai.core.masking import number_search
from xindai.core.phone import normalize_mobile
from xindai.core.scope import REGION_FIELDS
from xindai.customers.models import Contact, ContactChannel, Customer, CustomerStatus
from xindai.org.models import Branch, Region, User

ORDERING = (
    ("name", "name"),
    ("id_number", "id_number"),
    ("village__code", "village"),
    ("created_at", "created_at"),
    ("id", "id"),
)


def _region_filter(queryset, name, value):
    if value is None:
        return queryset
    return queryset.filter(**{f"{REGION_FIELDS[value.level]}_id": value.pk})


class CustomerFilter(ViewerFilterSetMixin, BootstrapFilterSetMixin, filters.FilterSet):
    name = filters.CharFilter(label=_("full name"), lookup_expr="contains")
    id_number = filters.CharFilter(
        label=_("ID number"), method="filter_id_number", help_text=_("The whole number, or its last digits")
    )
    mobile = filters.CharFilter(label=_("mobile"), method="filter_mobile")
    region = filters.ModelChoiceFilter(
        label=_("region"),
        queryset=Region.objects.all(),
        method=_region_filter,
        widget=RemoteSelect(attrs={"data-picker": "1", "data-picker-url": "/org/regions/pick/"}),
    )
    status = filters.ChoiceFilter(label=_("status"), choices=CustomerStatus.choices)
    registered_branch = filters.ModelChoiceFilter(
        label=_("registering branch"), queryset=Branch.objects.all(), method="filter_branch"
    )
    registered_by = filters.ModelChoiceFilter(
        label=_("registering officer"), queryset=User.objects.filter(kind="bank", is_loan_officer=True)
    )
    created_from = DateFilter(label=_("registered from"), field_name="created_at__date", lookup_expr="gte")
    created_to = DateFilter(label=_("registered to"), field_name="created_at__date", lookup_expr="lte")
    sort = filters.OrderingFilter(fields=ORDERING, label=_("sort"))

    class Meta:
        model = Customer
        fields: list[str] = []

    def filter_id_number(self, queryset, name, value):
        number = normalize_id_number(value)
        if not number:
            return queryset
        return queryset.filter(number_search(self.viewer, "id_number", ["id_number"], number))

    def filter_mobile(self, queryset, name, value):
        number = normalize_mobile(value)
        if not number:
            return queryset
        fields = ["mobile", "spouse_mobile"] if len(number) == 11 else ["mobile"]
        return queryset.filter(number_search(self.viewer, "mobile", fields, number, partial="startswith"))

    def filter_branch(self, queryset, name, value):
        return queryset.filter(registered_branch__path__startswith=value.path) if value else queryset


def register_filters(**extra: filters.Filter) -> None:
    """Criteria of the customer search that an app above adds (loans: has loans, has overdue
    loans), shown before the sort; a filter reads the viewer as `self.parent.viewer`."""
    base = CustomerFilter.base_filters
    sort = base.pop("sort")
    base.update(extra)
    base["sort"] = sort


class ContactFilter(BootstrapFilterSetMixin, filters.FilterSet):
    customer_name = filters.CharFilter(label=_("customer"), field_name="customer__name", lookup_expr="contains")
    recorded_by = filters.ModelChoiceFilter(label=_("recorded by"), queryset=User.objects.filter(kind="bank"))
    channel = filters.ModelChoiceFilter(label=_("channel"), queryset=ContactChannel.objects.all())
    date_from = DateFilter(label=_("from"), field_name="contacted_at__date", lookup_expr="gte")
    date_to = DateFilter(label=_("to"), field_name="contacted_at__date", lookup_expr="lte")
    text = filters.CharFilter(label=_("text"), method="filter_text")
    follow_up_from = DateFilter(label=_("follow-up from"), field_name="follow_up_on", lookup_expr="gte")
    follow_up_to = DateFilter(label=_("follow-up to"), field_name="follow_up_on", lookup_expr="lte")

    class Meta:
        model = Contact
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(subject__contains=value) | Q(content__contains=value) | Q(place__contains=value))
