from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.collateral.models import Kind
from xindai.collateral.services import CollateralData, parse_tags
from xindai.core.forms import DateField, Form, RemoteSelect
from xindai.customers.models import Customer
from xindai.org.models import Region, RegionLevel

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0.01")}


class CollateralForm(Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Kind.choices)
    description = forms.CharField(label=_("description"), max_length=200, required=False)
    species = forms.CharField(label=_("species"), max_length=20, required=False, help_text=_("e.g. 牛, 羊, 猪"))
    breed = forms.CharField(label=_("breed"), max_length=50, required=False)
    head_count = forms.IntegerField(label=_("head count"), min_value=0, max_value=100_000, required=False)
    ear_tags = forms.CharField(
        label=_("ear tags"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("one a line, or separated by spaces or commas"),
    )
    farm = forms.CharField(label=_("farm"), max_length=100, required=False)
    village = forms.ModelChoiceField(
        label=_("village"),
        queryset=Region.objects.filter(level=RegionLevel.VILLAGE),
        required=False,
        help_text=_("where the collateral is, when not at the borrower's village"),
    )
    value_per_head = forms.DecimalField(label=_("value per head"), required=False, **MONEY)
    value = forms.DecimalField(
        label=_("value"), required=False, help_text=_("blank for animals: value per head × head count"), **MONEY
    )
    valued_on = DateField(label=_("valued on"), widget=forms.DateInput)
    valuer = forms.CharField(label=_("valuer"), max_length=100)
    insurer = forms.CharField(label=_("insurer"), max_length=100, required=False)
    policy_number = forms.CharField(label=_("policy number"), max_length=50, required=False)
    sum_insured = forms.DecimalField(label=_("sum insured"), required=False, **MONEY)
    insured_from = DateField(label=_("insured from"), required=False, widget=forms.DateInput)
    insured_to = DateField(label=_("insured to"), required=False, widget=forms.DateInput)
    registry_number = forms.CharField(label=_("registration number"), max_length=60, required=False)
    registered_on = DateField(label=_("registered on"), required=False, widget=forms.DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valued_on"].initial = timezone.localdate()
        self.fields["village"].label_from_instance = lambda region: region.name

    def clean(self):
        data = super().clean()
        start, end = data.get("insured_from"), data.get("insured_to")
        if start and end and end < start:
            self.add_error("insured_to", _("The insurance cannot end before it starts."))
        return data

    def data_object(self) -> CollateralData:
        d = self.cleaned_data
        return CollateralData(
            kind=d["kind"],
            value=d.get("value"),
            valued_on=d["valued_on"],
            valuer=d["valuer"],
            description=d.get("description", ""),
            species=d.get("species", ""),
            breed=d.get("breed", ""),
            head_count=d.get("head_count") or 0,
            farm=d.get("farm", ""),
            village_id=d["village"].pk if d.get("village") else None,
            value_per_head=d.get("value_per_head"),
            insurer=d.get("insurer", ""),
            policy_number=d.get("policy_number", ""),
            sum_insured=d.get("sum_insured"),
            insured_from=d.get("insured_from"),
            insured_to=d.get("insured_to"),
            registry_number=d.get("registry_number", ""),
            registered_on=d.get("registered_on"),
            ear_tags=parse_tags(d.get("ear_tags", "")),
        )


class EarTagUploadForm(Form):
    file = forms.FileField(label=_("Excel file (.xlsx) with a column 耳标号"))


class ReleaseForm(Form):
    released_on = DateField(label=_("released on"), widget=forms.DateInput)


class GuarantorForm(Form):
    name = forms.CharField(label=_("full name"), max_length=50, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=40, required=False)
    mobile = forms.CharField(label=_("mobile"), max_length=30, required=False)
    relationship = forms.CharField(label=_("relationship"), max_length=30, help_text=_("e.g. 亲属, 邻居, 同村村民"))
    amount = forms.DecimalField(label=_("guaranteed amount"), **MONEY)
    signed_on = DateField(label=_("signed on"), widget=forms.DateInput)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        customer = forms.ModelChoiceField(
            label=_("a customer of the bank"),
            queryset=Customer.objects.visible_to(actor),
            required=False,
            widget=RemoteSelect(attrs={"data-picker": "1", "data-picker-url": "/customers/pick/"}),
            help_text=_("or enter another person below"),
        )
        self.fields = {"customer": customer, **self.fields}
        self.fields["signed_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        if not data.get("customer"):
            for name in ("name", "id_number"):
                if not data.get(name):
                    self.add_error(name, _("Choose a customer or enter the person's name and ID number."))
        return data


class HaircutForm(Form):
    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            self.fields[kind] = forms.DecimalField(
                label=label, initial=current[kind], min_value=Decimal("0"), max_value=Decimal("0.99"), decimal_places=4
            )


class CoverageForm(Form):
    below = forms.DecimalField(
        label=_("coverage below"), min_value=Decimal("0"), max_value=Decimal("100"), decimal_places=2, required=False
    )
