"""The organisation criteria every list shares, written once: the handling branch (with its
sub-branches), the loan officer and the region (any level, picked by search). Each filterset
names where the branch, officer or customer sits from its rows ("loan__handling_branch")."""

import django_filters as filters
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from xindai.core.forms import RemoteSelect
from xindai.core.scope import REGION_FIELDS
from xindai.org.models import Branch, Region, User, UserKind

REGION_PICKER_URL = reverse_lazy("org:region_pick")
BRANCH = _("handling branch")
OFFICER = _("loan officer")
REGION = _("region")


def region_picker(*, below: bool = False) -> RemoteSelect:
    """The region search box (it renders only the chosen node)."""
    url = format_lazy("{}?below=1", REGION_PICKER_URL) if below else REGION_PICKER_URL
    return RemoteSelect(attrs={"data-picker": "1", "data-picker-url": url})


def loan_officers():
    return User.objects.filter(kind=UserKind.BANK, is_loan_officer=True)


def branch_filter(branch: str, label=BRANCH) -> filters.ModelChoiceFilter:
    """Rows whose branch at `branch` is the chosen one or one below it."""

    def in_subtree(queryset, name, value):
        return queryset.filter(**{f"{branch}__path__startswith": value.path})

    return filters.ModelChoiceFilter(label=label, queryset=Branch.objects.all(), method=in_subtree)


def officer_filter(officer: str, label=OFFICER) -> filters.ModelChoiceFilter:
    return filters.ModelChoiceFilter(label=label, field_name=officer, queryset=loan_officers())


def region_filter(customer: str = "", label=REGION) -> filters.ModelChoiceFilter:
    """Rows whose customer (at `customer`; "" for the customers themselves) lives under the
    chosen node, at whatever level it is."""
    prefix = f"{customer}__" if customer else ""

    def under(queryset, name, value):
        return queryset.filter(**{f"{prefix}{REGION_FIELDS[value.level]}_id": value.pk})

    return filters.ModelChoiceFilter(label=label, queryset=Region.objects.all(), method=under, widget=region_picker())
