from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core.errors import translate_pure_error
from xindai.core.forms import BootstrapFormMixin, ModelForm, RemoteSelect
from xindai.core.idnumber import IdNumberError, check_gender, parse_id_number
from xindai.core.phone import PhoneError, parse_landline, parse_mobile
from xindai.core.scope import Reach, scope_for
from xindai.customers.models import Contact, ContactChannel, Customer, Gender
from xindai.customers.services import CONTACT_FIELDS
from xindai.org.cascade import RegionCascadeMixin
from xindai.org.models import Branch, User

BRANCH_OUT_OF_SCOPE = _("You can only register customers for your own branch.")


def _pure(call, value):
    try:
        return call(value)
    except (IdNumberError, PhoneError, ValueError) as err:
        raise forms.ValidationError(translate_pure_error(err)) from None


class CustomerForm(RegionCascadeMixin, ModelForm):
    gender = forms.ChoiceField(
        label=_("gender"), choices=[("", _("— from the ID number —"))] + Gender.choices, required=False
    )
    # Wider than the stored values: spaces, full-width digits and +86 are normalised away in clean_*.
    id_number = forms.CharField(label=_("ID number"), max_length=40)
    mobile = forms.CharField(label=_("mobile"), max_length=30)
    spouse_mobile = forms.CharField(label=_("spouse mobile"), max_length=30, required=False)
    landline = forms.CharField(label=_("landline"), max_length=30, required=False)

    class Meta:
        model = Customer
        fields = [
            "name",
            "gender",
            "id_number",
            "mobile",
            "house_number",
            "landline",
            "spouse_name",
            "spouse_mobile",
            "status",
            "registered_branch",
            "registered_by",
            "remarks",
        ]
        widgets = {"remarks": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        initial = dict(self.initial)
        if self.instance.pk:
            initial.update({k: getattr(self.instance, f"{k}_id") for k in ("county", "township", "village", "group")})
        self.setup_region_fields(self.data if self.is_bound else None, initial)
        scope = scope_for(actor)
        branches = Branch.objects.filter(is_active=True).order_by("path")
        officers = User.objects.filter(is_active=True, kind="bank").order_by("real_name")
        if scope.reach == Reach.BRANCH:
            branches = branches.filter(pk__in=scope.branch_ids)
            officers = officers.filter(branch_id__in=scope.branch_ids)
        elif scope.reach == Reach.PERSONAL:
            branches = branches.filter(pk=actor.branch_id)
            officers = officers.filter(pk=actor.pk)
        self.fields["registered_branch"].queryset = branches
        self.fields["registered_by"].queryset = officers
        self.fields["registered_by"].label_from_instance = lambda u: f"{u.real_name}（{u.username}）"
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("registered_branch", actor.branch_id)
            self.initial.setdefault("registered_by", actor.pk)
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"
        self.id_info = None

    def validate_unique(self):
        """Uniqueness of the ID number is the service's to judge: it answers with the existing
        customer (when in scope) instead of a bare "already exists"."""

    def clean_id_number(self):
        self.id_info = _pure(parse_id_number, self.cleaned_data["id_number"])
        return self.id_info.number

    def clean_mobile(self):
        return _pure(parse_mobile, self.cleaned_data["mobile"])

    def clean_spouse_mobile(self):
        value = self.cleaned_data.get("spouse_mobile", "")
        return _pure(parse_mobile, value) if value.strip() else ""

    def clean_landline(self):
        value = self.cleaned_data.get("landline", "")
        return _pure(parse_landline, value) if value.strip() else ""

    def clean(self):
        data = super().clean()
        if self.id_info is not None:
            data["birth_date"] = self.id_info.birth_date
            if data.get("gender"):
                try:
                    check_gender(self.id_info.number, data["gender"])
                except IdNumberError as err:
                    self.add_error("gender", translate_pure_error(err))
            else:
                data["gender"] = str(self.id_info.gender)
        return data

    def service_values(self) -> dict:
        names = [*self.Meta.fields, "birth_date", "village", "group"]
        return {name: self.cleaned_data.get(name) for name in names}


class ContactForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = CONTACT_FIELDS
        widgets = {
            "contacted_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "follow_up_on": forms.DateInput(),
            "content": forms.Textarea(attrs={"rows": 4, "col": "col-12"}),
            "customer": RemoteSelect(attrs={"data-picker": "1", "data-picker-url": "/customers/pick/"}),
        }

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.visible_to(actor)
        self.fields["customer"].label_from_instance = lambda c: f"{c.name}（{c.id_number[-4:]}）"
        self.fields["channel"].queryset = ContactChannel.objects.filter(is_active=True)
        self.fields["contacted_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.initial.setdefault("contacted_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))

    def clean_follow_up_on(self):
        value = self.cleaned_data.get("follow_up_on")
        contacted = self.cleaned_data.get("contacted_at")
        if value and contacted and value < timezone.localtime(contacted).date():
            raise forms.ValidationError(_("The follow-up date cannot be before the contact."))
        return value


class ContactChannelForm(ModelForm):
    class Meta:
        model = ContactChannel
        fields = ["name", "sort_order", "is_active"]
