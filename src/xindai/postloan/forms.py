from datetime import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core.forms import DateField, Form
from xindai.postloan.models import Health, Level, RuleCode, Way
from xindai.postloan.services import Photo


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class InspectionForm(Form):
    inspected_on = DateField(label=_("inspection date"), widget=forms.DateInput)
    way = forms.ChoiceField(label=_("way"), choices=Way.choices, initial=Way.VISIT)
    head_count_found = forms.IntegerField(label=_("head count found"), min_value=0, max_value=100_000, required=False)
    health = forms.ChoiceField(label=_("animals' health"), choices=[("", "—")] + Health.choices, required=False)
    use_of_funds = forms.CharField(label=_("use of funds"), max_length=200, help_text=_("e.g. 按合同用途购买母牛"))
    findings = forms.CharField(label=_("findings"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    risk_found = forms.BooleanField(label=_("a risk was found"), required=False)
    next_steps = forms.CharField(label=_("next steps"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photos = forms.FileField(
        label=_("photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment", "data-photo-input": "1"}),
        help_text=_("taken with the phone's camera; the time and, where the phone allows it, the position are kept"),
    )
    photo_meta = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-photo-meta": "1"}))
    signed = forms.BooleanField(label=_("I made this inspection and the record is true (signature)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspected_on"].initial = timezone.localdate()

    def photo_list(self, files) -> list[Photo]:
        """The uploaded photos with the time and position the page's script put beside them
        (photo_meta: one "name|epoch ms|lat|lng" a line, in the order of the files)."""
        meta = {}
        for line in (self.cleaned_data.get("photo_meta") or "").splitlines()[:50]:
            parts = line.split("|")
            if len(parts) == 4:
                meta[parts[0]] = parts[1:]
        photos = []
        for upload in files.getlist("photos")[:20]:
            taken, lat, lng = meta.get(upload.name, ("", "", ""))
            photos.append(
                Photo(
                    name=upload.name[:100],
                    content=upload.read(),
                    taken_at=_moment(taken),
                    latitude=_decimal(lat),
                    longitude=_decimal(lng),
                )
            )
        return photos


def _moment(value: str) -> datetime | None:
    if not value.isdigit():
        return None
    try:
        return datetime.fromtimestamp(int(value) / 1000, tz=timezone.get_current_timezone())
    except (OverflowError, OSError, ValueError):
        return None


def _decimal(value: str) -> Decimal | None:
    try:
        number = Decimal(value).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and abs(number) <= 180 else None


class AckForm(Form):
    rule = forms.ChoiceField(choices=RuleCode.choices)
    note = forms.CharField(label=_("note"), max_length=200)


class WarningRulesForm(Form):
    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        for rule in rules:
            code = rule.code
            self.fields[f"{code}-enabled"] = forms.BooleanField(label=rule.label, required=False, initial=rule.enabled)
            self.fields[f"{code}-level"] = forms.TypedChoiceField(
                label=_("level"), choices=Level.choices, coerce=int, initial=rule.level
            )
            self.fields[f"{code}-threshold"] = forms.DecimalField(
                label=_("threshold"),
                min_value=Decimal("0"),
                max_value=Decimal("100000"),
                decimal_places=2,
                initial=rule.threshold,
            )

    def rows(self) -> dict:
        d = self.cleaned_data
        codes = {name.split("-")[0] for name in self.fields}
        return {
            c: {"enabled": d[f"{c}-enabled"], "level": d[f"{c}-level"], "threshold": d[f"{c}-threshold"]} for c in codes
        }


class InspectionRuleForm(Form):
    loan_type = forms.IntegerField(widget=forms.HiddenInput)
    first_within_days = forms.IntegerField(
        label=_("first visit within (days of disbursement)"), min_value=1, max_value=365
    )
    every_months = forms.IntegerField(label=_("then every (months)"), min_value=1, max_value=24)
    after_overdue_days = forms.IntegerField(label=_("within (days of becoming overdue)"), min_value=1, max_value=365)


class PeriodForm(Form):
    date_from = DateField(label=_("from"), required=False, widget=forms.DateInput)
    date_to = DateField(label=_("to"), required=False, widget=forms.DateInput)
