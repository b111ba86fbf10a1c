from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core.forms import DateField, Form
from xindai.loans.models import LoanType
from xindai.org.filters import region_picker
from xindai.org.models import Branch, Region, User
from xindai.reports.queries import Filters

KIND_CHOICES = [
    ("disbursement", _("disbursements")),
    ("collection", _("collections")),
    ("balance", _("loan balance")),
    ("quality", _("asset quality")),
]
GROUP_CHOICES = [
    ("county", _("county/district")),
    ("township", _("township")),
    ("village", _("village")),
    ("customer", _("customer")),
    ("branch", _("handling branch")),
    ("officer", _("loan officer")),
]


class ReportForm(Form):
    kind = forms.ChoiceField(label=_("report"), choices=KIND_CHOICES, initial="balance", required=False)
    group = forms.ChoiceField(label=_("by"), choices=GROUP_CHOICES, initial="county", required=False)
    date_from = DateField(label=_("from"), required=False)
    date_to = DateField(label=_("to"), required=False)
    as_of = DateField(label=_("as of"), required=False)
    loan_type = forms.ModelChoiceField(label=_("loan type"), queryset=LoanType.objects.all(), required=False)
    branch = forms.ModelChoiceField(label=_("handling branch"), queryset=Branch.objects.all(), required=False)
    officer = forms.ModelChoiceField(
        label=_("loan officer"), queryset=User.objects.filter(is_loan_officer=True), required=False
    )
    region = forms.ModelChoiceField(
        label=_("region"),
        queryset=Region.objects.all(),
        required=False,
        widget=region_picker(),
    )

    def choices(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        today = timezone.localdate()
        return {
            "kind": data.get("kind") or "balance",
            "group": data.get("group") or "county",
            "date_from": data.get("date_from") or today.replace(month=1, day=1),
            "date_to": data.get("date_to") or today,
            "as_of": data.get("as_of") or today,
        }

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_valid() else {}
        region = data.get("region")
        return Filters(
            loan_type=data["loan_type"].pk if data.get("loan_type") else None,
            branch_path=data["branch"].path if data.get("branch") else None,
            officer=data["officer"].pk if data.get("officer") else None,
            region_level=region.level if region else None,
            region_id=region.pk if region else None,
        )


def month_ends(as_of: date, count: int = 12) -> list[date]:
    """The last `count` month-ends up to `as_of` (oldest first)."""
    ends, day = [], as_of.replace(day=1) - timedelta(days=1)
    for _month in range(count):
        ends.append(day)
        day = day.replace(day=1) - timedelta(days=1)
    return list(reversed(ends))
