from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from xindai.core.errors import translate_pure_error
from xindai.core.forms import BootstrapFormMixin, Form, ModelForm
from xindai.core.phone import PhoneError, parse_mobile
from xindai.org import permissions
from xindai.org.filters import region_picker
from xindai.org.models import Branch, Region, RegionLevel, Role, ScopeKind, User, UserKind
from xindai.org.services import BRANCH_FIELDS, REGION_FIELDS, ROLE_FIELDS, USER_FIELDS


def clean_mobile_value(value: str, *, required: bool) -> str:
    if not value:
        if required:
            raise forms.ValidationError(_("Please enter the mobile number."))
        return ""
    try:
        return parse_mobile(value)
    except PhoneError as err:
        raise forms.ValidationError(translate_pure_error(err)) from None


class PasswordLoginForm(BootstrapFormMixin, AuthenticationForm):
    pass


class SmsCodeRequestForm(Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20)

    def clean_phone(self):
        return clean_mobile_value(self.cleaned_data["phone"], required=True)


class SmsLoginForm(SmsCodeRequestForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class SecondFactorForm(Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class BranchForm(ModelForm):
    class Meta:
        model = Branch
        fields = BRANCH_FIELDS
        labels = {"parent": _("parent branch")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Branch.objects.order_by("path")
        if self.instance.pk:
            qs = qs.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = qs


class RegionForm(ModelForm):
    class Meta:
        model = Region
        fields = REGION_FIELDS
        labels = {"parent": _("parent region")}
        help_texts = {"code": _("The 12-digit statistical division code where one applies.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Region.objects.filter(level__lt=RegionLevel.GROUP).order_by("path")
        self.fields["parent"].widget.attrs["data-picker"] = "1"
        self.fields["parent"].widget.attrs["data-picker-url"] = region_picker(below=True).attrs["data-picker-url"]
        self.fields["parent"].label_from_instance = lambda r: f"{r.get_level_display()} · {r.name} ({r.code})"


class PermissionGridWidget(forms.CheckboxSelectMultiple):
    template_name = "org/widgets/permission_grid.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = set(value or [])
        context["widget"]["modules"] = [
            (label, [(p.code, p.label, p.code in chosen, p.read_only) for p in perms])
            for label, perms in permissions.MODULES
        ]
        return context


class RoleForm(ModelForm):
    permissions = forms.MultipleChoiceField(
        label=_("permissions"),
        required=False,
        choices=[(code, p.label) for code, p in permissions.ALL.items()],
        widget=PermissionGridWidget(attrs={"col": "col-12"}),
    )

    class Meta:
        model = Role
        fields = ROLE_FIELDS


class UserForm(ModelForm):
    password1 = forms.CharField(label=_("password"), widget=forms.PasswordInput, required=False, strip=False)
    password2 = forms.CharField(label=_("password again"), widget=forms.PasswordInput, required=False, strip=False)

    class Meta:
        model = User
        fields = USER_FIELDS
        # Django's stock help texts ("指明用户是否被认为是活跃的。以反选代替删除帐号。") in the bank's words.
        labels = {"is_active": _("may sign in")}
        help_texts = {
            "username": _("Used to sign in: letters, digits and @ . + - _ only, e.g. wangxd."),
            "is_active": _("Untick when the person leaves: they can no longer sign in; their records stay."),
            "email": "",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["real_name"].required = True
        self.fields["branch"].queryset = Branch.objects.filter(is_active=True).order_by("path")
        self.fields["region"].queryset = Region.objects.filter(is_active=True, level__lt=RegionLevel.GROUP)
        self.fields["region"].widget.attrs.update(region_picker().attrs)
        self.fields["region"].label_from_instance = lambda r: f"{r.get_level_display()} · {r.name}"
        self.fields["role"].required = True
        if self.instance.pk:
            del self.fields["password1"], self.fields["password2"]
        else:
            self.fields["password1"].required = self.fields["password2"].required = True

    def clean_mobile(self):
        return clean_mobile_value(self.cleaned_data.get("mobile", ""), required=False)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == UserKind.EXTERNAL and not data.get("region"):
            self.add_error("region", _("An external user needs a region: their data scope."))
        if kind == UserKind.BANK:
            if data.get("scope") == ScopeKind.REGION:
                self.add_error("scope", _("A bank user's scope is all data, branch data or personal data."))
            if data.get("scope") in (ScopeKind.BRANCH, ScopeKind.PERSONAL) and not data.get("branch"):
                self.add_error("branch", _("Please choose the user's branch."))
        if data.get("is_loan_officer") and not data.get("mobile"):
            self.add_error("mobile", _("A loan officer needs a mobile number (customers are told it)."))
        if "password1" in self.fields and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class OwnPasswordForm(Form):
    old_password = forms.CharField(label=_("current password"), widget=forms.PasswordInput, strip=False)
    new_password1 = forms.CharField(
        label=_("new password"),
        widget=forms.PasswordInput,
        strip=False,
        help_text=_("At least 8 characters with letters and digits; not a common password, not like your name."),
    )
    new_password2 = forms.CharField(label=_("new password again"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two passwords differ."))
        return data


class PasswordResetForm(Form):
    password1 = forms.CharField(label=_("new password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("new password again"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data
