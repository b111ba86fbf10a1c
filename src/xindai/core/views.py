"""Home page (业务查询), system settings and the audit log."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xindai.core import audit_words
from xindai.core.figures import cached
from xindai.core.forms import DateField, ModelForm
from xindai.core.models import AuditLog, SystemSettings
from xindai.core.overview import overview_for
from xindai.core.system_settings import get_system_settings, system_settings_update
from xindai.core.viewhelpers import paginate, run_service


def home(request):
    overview = cached("home", request.user, None, lambda: overview_for(request.user))
    return render(request, "core/home.html", {"overview": overview})


class SystemSettingsForm(ModelForm):
    class Meta:
        model = SystemSettings
        fields = [
            "bank_name",
            "login_sms_required",
            "special_mention_max",
            "substandard_max",
            "doubtful_max",
            "off_balance_days",
        ]


@permission_required("system.manage_settings", raise_exception=True)
def settings_page(request):
    form = SystemSettingsForm(request.POST or None, instance=get_system_settings())
    if request.method == "POST" and form.is_valid():
        # The service validates (thresholds may only be tightened); its refusal shows on the form.
        values = {f: form.cleaned_data[f] for f in form.Meta.fields}
        if run_service(form, lambda: system_settings_update(actor=request.user, **values)):
            messages.success(request, _("Settings saved."))
            return redirect("core:settings")
    return render(request, "core/settings.html", {"form": form})


class AuditFilterForm(forms.Form):
    """操作日志's criteria: the action chosen from the actions in the log, named in words."""

    action = forms.ChoiceField(label=gettext_lazy("action"), required=False)
    actor = forms.CharField(label=gettext_lazy("operator"), required=False)
    date_from = DateField(label=gettext_lazy("from"), required=False)
    date_to = DateField(label=gettext_lazy("to"), required=False)


@permission_required("system.view_audit", raise_exception=True)
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    entries = AuditLog.objects.visible_to(request.user)
    form.fields["action"].choices = [("", _("all actions")), *audit_words.logged_actions(entries)]
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["actor"]:
            entries = entries.filter(actor_name__contains=data["actor"])
        if data["date_from"]:
            entries = entries.filter(created_at__date__gte=data["date_from"])
        if data["date_to"]:
            entries = entries.filter(created_at__date__lte=data["date_to"])
    page = paginate(request, entries, default_size=50)
    page.object_list = list(page.object_list)
    for entry, words in zip(page.object_list, audit_words.in_words(request.user, page.object_list), strict=True):
        entry.words = words
    return render(request, "core/audit_list.html", {"page": page, "form": form})
