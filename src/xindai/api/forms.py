from django import forms
from django.utils.translation import gettext_lazy as _

from xindai.core.forms import Form
from xindai.org.models import User


class TokenForm(Form):
    name = forms.CharField(label=_("name"), max_length=100, help_text=_("What the token is for, e.g. 核心系统对接"))
    days = forms.IntegerField(label=_("valid for (days)"), min_value=1, max_value=366, initial=90)
    allowed_ips = forms.CharField(
        label=_("allowed addresses"),
        required=False,
        help_text=_("Addresses or networks separated by commas; empty: any address."),
    )
    user = forms.ModelChoiceField(label=_("user"), queryset=User.objects.filter(is_active=True), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        if not actor.has_perm("system.manage_users"):
            del self.fields["user"]
        else:
            self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("username")
            self.fields["user"].help_text = _("Empty: a token of your own.")
