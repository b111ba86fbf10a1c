"""Forms of the credit operations: decisions, extension and restructuring, write-off, waiver, transfer."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core.forms import DateField, Form, parsed
from xindai.core.money import parse_amount
from xindai.credit.models import CreditSettings, LoanChange
from xindai.loans.models import RepaymentMethod

METHODS = [(v, label) for v, label in RepaymentMethod.choices if v != RepaymentMethod.CUSTOM]


def _date(label):
    return DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


REASON = _("reason")


def _reason(label=REASON):
    return forms.CharField(label=label, max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(Form):
    reason = forms.CharField(label=_("reason of the decision"), max_length=200, required=False)


class LoanChangeForm(Form):
    kind = forms.ChoiceField(label=_("kind"), choices=LoanChange.Kind.choices, initial=LoanChange.Kind.EXTENSION)
    effective_from = _date(_("effective from"))
    new_end_date = _date(_("new end date"))
    method = forms.ChoiceField(
        label=_("new repayment method (restructuring)"), choices=[("", _("unchanged")), *METHODS], required=False
    )
    annual_rate = forms.DecimalField(
        label=_("new annual rate (%) (restructuring)"), max_digits=7, decimal_places=4, required=False, min_value=0
    )
    reason = _reason()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("effective_from", timezone.localdate())
        super().__init__(*args, **kwargs)

    def params(self) -> dict:
        data = self.cleaned_data
        restructuring = data["kind"] == LoanChange.Kind.RESTRUCTURING
        return {
            "kind": data["kind"],
            "effective_from": data["effective_from"].isoformat(),
            "new_end_date": data["new_end_date"].isoformat(),
            "method": data["method"] if restructuring else "",
            "annual_rate": str(data["annual_rate"]) if restructuring and data["annual_rate"] is not None else "",
            "reason": data["reason"],
        }


class ReasonForm(Form):
    reason = _reason()


def _amount(value: str):
    """An amount waived; blank is none."""
    return parsed(parse_amount, (value or "").strip() or "0")


class WaiverForm(Form):
    penalty = forms.CharField(label=_("penalty interest waived"), max_length=30, required=False)
    compound = forms.CharField(label=_("compound interest waived"), max_length=30, required=False)
    interest = forms.CharField(label=_("interest waived"), max_length=30, required=False)
    reason = _reason()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not CreditSettings.objects.filter(pk=1, waive_interest=True).exists():
            del self.fields["interest"]

    def clean_penalty(self):
        return _amount(self.cleaned_data["penalty"])

    def clean_compound(self):
        return _amount(self.cleaned_data["compound"])

    def clean_interest(self):
        return _amount(self.cleaned_data["interest"])

    def params(self, installment_id: int) -> dict:
        data = self.cleaned_data
        amounts = {k: str(data.get(k) or "0.00") for k in ("penalty", "compound", "interest")}
        return {"installment_id": installment_id, **amounts, "reason": data["reason"]}


class TransferForm(Form):
    from_officer = forms.ModelChoiceField(label=_("all outstanding loans of officer"), queryset=None, required=False)
    ious = forms.CharField(
        label=_("or these IOU numbers (one a line)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    officer = forms.ModelChoiceField(label=_("to loan officer"), queryset=None)
    branch = forms.ModelChoiceField(
        label=_("to handling branch (default: the officer's)"), queryset=None, required=False
    )
    effective_from = _date(_("effective from"))
    reason = _reason()

    def __init__(self, *args, officers, branches, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("effective_from", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["from_officer"].queryset = officers
        self.fields["officer"].queryset = officers
        self.fields["branch"].queryset = branches

    def clean(self):
        data = super().clean()
        if not data.get("from_officer") and not (data.get("ious") or "").strip():
            raise forms.ValidationError(_("Choose an officer whose loans move, or enter IOU numbers."))
        return data

    def iou_numbers(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("ious") or "").splitlines() if line.strip()]


class PolicyForm(Form):
    """One pair of fields per action (needs approval, expiry hours), and the credit settings."""

    max_extensions = forms.IntegerField(label=_("extensions allowed per loan"), min_value=1, max_value=10)
    watch_months = forms.IntegerField(
        label=_("watch period after an extension or restructuring (months)"), min_value=12, max_value=120
    )
    waive_interest = forms.BooleanField(label=_("interest may be waived"), required=False)

    def __init__(self, *args, policies, **kwargs):
        super().__init__(*args, **kwargs)
        self.policies = policies
        for policy in policies:
            self.fields[f"required_{policy.action}"] = forms.BooleanField(
                label=policy.get_action_display(), required=False, initial=policy.required
            )
            self.fields[f"hours_{policy.action}"] = forms.IntegerField(
                label=_("expires after (hours)"), min_value=1, max_value=24 * 90, initial=policy.expiry_hours
            )

    def values(self) -> dict:
        data = self.cleaned_data
        return {p.action: (data[f"required_{p.action}"], data[f"hours_{p.action}"]) for p in self.policies}
