"""Forms of repayment confirmation, batch confirmation, reversal, early repayment and classification."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core.forms import Form, parsed
from xindai.core.money import parse_amount
from xindai.loans.models import CLASSIFICATION_CHOICES
from xindai.repayments.models import Channel

# Import is the channel of imported repayment data, waiver that of a waiver: not ones a clerk picks.
CHANNELS = [(value, label) for value, label in Channel.choices if value not in (Channel.IMPORT, Channel.WAIVER)]


class PaymentFields(Form):
    paid_on = forms.DateField(label=_("repayment date"), widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ChoiceField(label=_("channel"), choices=CHANNELS, initial=Channel.COUNTER)
    remark = forms.CharField(label=_("remark"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("paid_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class ConfirmForm(PaymentFields):
    """One installment: the amount received is required (prefilled with all that is owed on the
    date) — an empty field never means "pay everything"."""

    amount = forms.CharField(
        label=_("amount received"),
        max_length=30,
        error_messages={"required": _("Enter the amount received.")},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    field_order = ["paid_on", "amount", "channel", "remark"]

    def clean_amount(self):
        return parsed(parse_amount, self.cleaned_data["amount"].strip())


class BatchForm(PaymentFields):
    """Many installments, each settled in full; `expected_total` is the summary the user saw."""

    expected_total = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=16, decimal_places=2)


class ReverseForm(Form):
    reason = forms.CharField(label=_("reason for the reversal"), max_length=200)


class EarlyForm(PaymentFields):
    kind = forms.ChoiceField(
        label=_("early repayment"),
        choices=[("partial", _("part of the principal")), ("full", _("all of it (settle the loan)"))],
        initial="partial",
    )
    principal = forms.CharField(label=_("principal repaid early"), max_length=30, required=False)
    field_order = ["kind", "paid_on", "principal", "channel", "remark"]

    def clean(self):
        data = super().clean()
        if data.get("kind") == "partial":
            value = (data.get("principal") or "").strip()
            if not value:
                self.add_error("principal", _("Enter the principal repaid early."))
            else:
                try:
                    data["principal"] = parsed(parse_amount, value)
                except forms.ValidationError as err:
                    self.add_error("principal", err)
        else:
            data["principal"] = None
        return data


class ClassificationForm(Form):
    category = forms.ChoiceField(
        label=_("classification"),
        choices=[("", _("as suggested from days overdue")), *CLASSIFICATION_CHOICES],
        required=False,
    )
    reason = forms.CharField(label=_("reason"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))
