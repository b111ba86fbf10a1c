"""Home page (业务查询), system settings and the audit log."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from xindai.core import audit_words
from xindai.core.figures import cached
from xindai.core.overview import overview_for
from xindai.core.page_forms import AuditFilterForm, SystemSettingsForm
from xindai.core.selectors import audit_entries
from xindai.core.system_settings import get_system_settings, system_settings_update
from xindai.core.viewhelpers import paginate, run_service


def home(request):
    overview = cached("home", request.user, None, lambda: overview_for(request.user))
    return render(request, "core/home.html", {"overview": overview})


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


@permission_required("system.view_audit", raise_exception=True)
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    form.fields["action"].choices = [("", _("all actions")), *audit_words.logged_actions(audit_entries(request.user))]
    entries = audit_entries(request.user, form.cleaned_data if form.is_valid() else None)
    page = paginate(request, entries, default_size=50)
    page.object_list = list(page.object_list)
    for entry, words in zip(page.object_list, audit_words.in_words(request.user, page.object_list), strict=True):
        entry.words = words
    return render(request, "core/audit_list.html", {"page": page, "form": form})
