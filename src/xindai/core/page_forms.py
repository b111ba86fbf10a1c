"""The forms of core's own pages: 系统设置 and 操作日志's criteria."""

from django import forms
from django.utils.translation import gettext_lazy

from xindai.core.forms import DateField, ModelForm
from xindai.core.models import SystemSettings
from xindai.core.system_settings import SETTINGS_FIELDS


class SystemSettingsForm(ModelForm):
    class Meta:
        model = SystemSettings
        fields = SETTINGS_FIELDS


class AuditFilterForm(forms.Form):
    """操作日志's criteria: the action chosen from the actions in the log, named in words."""

    action = forms.ChoiceField(label=gettext_lazy("action"), required=False)
    actor = forms.CharField(label=gettext_lazy("operator"), required=False)
    date_from = DateField(label=gettext_lazy("from"), required=False)
    date_to = DateField(label=gettext_lazy("to"), required=False)
