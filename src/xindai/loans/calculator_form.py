"""贷款计算器's criteria: any terms, the schedule computed by the pure engine and stored nowhere."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from xindai.core.errors import translate_pure_error
from xindai.core.forms import Form, parsed
from xindai.core.money import parse_amount, parse_rate
from xindai.loans.models import RepaymentMethod
from xindai.loans.schedule import Installment, ScheduleError, generate_schedule

# Which field a ScheduleError belongs to; any other code is shown above the form.
ERROR_FIELDS = {
    "amount_not_positive": "amount",
    "amount_too_large": "amount",
    "amount_too_precise": "amount",
    "rate_negative": "annual_rate",
    "rate_too_high": "annual_rate",
    "end_not_after_start": "end_date",
    "term_not_whole_months": "end_date",
    "due_dates": "end_date",
    "settlement_day": "settlement_day",
}
DEFAULT_SETTLEMENT_DAY = 20


class CalculatorForm(Form):
    """Criteria in the URL (GET); ``schedule`` holds the installments once the form is valid."""

    # Text, not DecimalField: the money parser accepts 50,000.00, full-width digits and ¥/元.
    amount = forms.CharField(label=_("loan amount"), max_length=40, widget=forms.TextInput(attrs={"col": "col-md-4"}))
    annual_rate = forms.CharField(
        label=_("annual rate (%)"), max_length=20, widget=forms.TextInput(attrs={"col": "col-md-4"})
    )
    # A plan of dates and amounts (custom) cannot be entered here.
    method = forms.ChoiceField(
        label=_("repayment method"),
        choices=[c for c in RepaymentMethod.choices if c[0] != RepaymentMethod.CUSTOM],
        widget=forms.Select(attrs={"col": "col-md-4"}),
    )
    start_date = forms.DateField(label=_("start date"), widget=forms.DateInput(attrs={"col": "col-md-4"}))
    end_date = forms.DateField(label=_("end date"), widget=forms.DateInput(attrs={"col": "col-md-4"}))
    settlement_day = forms.IntegerField(
        label=_("settlement day"),
        required=False,
        initial=DEFAULT_SETTLEMENT_DAY,
        help_text=_("For interest-only methods: the day of the month on which interest is settled."),
        widget=forms.NumberInput(attrs={"col": "col-md-4"}),
    )

    schedule: list[Installment] | None = None

    def clean_amount(self) -> Decimal:
        return parsed(parse_amount, self.cleaned_data["amount"])

    def clean_annual_rate(self) -> Decimal:
        return parsed(parse_rate, self.cleaned_data["annual_rate"])

    def clean_settlement_day(self) -> int:
        day = self.cleaned_data["settlement_day"]
        return DEFAULT_SETTLEMENT_DAY if day is None else day

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.schedule = generate_schedule(
                amount=data["amount"],
                annual_rate=data["annual_rate"],
                start=data["start_date"],
                end=data["end_date"],
                method=data["method"],
                settlement_day=data["settlement_day"],
            )
        except ScheduleError as err:
            self.add_error(ERROR_FIELDS.get(err.code), translate_pure_error(err))
        return data


def schedule_totals(rows: list[Installment]) -> dict[str, Decimal]:
    principal = sum((row.principal for row in rows), Decimal("0.00"))
    interest = sum((row.interest for row in rows), Decimal("0.00"))
    return {"principal": principal, "interest": interest, "total": principal + interest}
