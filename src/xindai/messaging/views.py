"""短信群发, 人工催缴, 短信模板, 自动发送启停, the message log and the providers' report pushes."""

import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from xindai.core.errors import BusinessError
from xindai.core.viewhelpers import paginate, require_perm, run_service
from xindai.messaging import outbox, selectors, sending, services
from xindai.messaging.forms import AutoSwitchForm, ComposeForm, NumbersForm, TemplateForm, UsersForm
from xindai.messaging.models import MassSending, MessageStatus, Purpose, SmsTemplate
from xindai.messaging.rendering import PARAMETERS
from xindai.messaging.rendering import render as render_text

SOURCES = {
    "customers": _("customers of the list"),
    "loans": _("borrowers of the list"),
    "due": _("installments of the list"),
    "users": _("system users"),
    "numbers": _("numbers typed in"),
}


def _recipients(request, source: str, data):
    """(recipients, description, extra form) for a compose request."""
    user = request.user
    query = QueryDict(data.get("query", ""))
    ids = [int(i) for i in data.getlist("ids") if i.isdigit()] if hasattr(data, "getlist") else []
    if source == "customers":
        from xindai.customers.selectors import customer_search

        return sending.from_customers(customer_search(user, query)[1]), None
    if source == "loans":
        from xindai.loans.selectors import loan_search

        return sending.from_loans(loan_search(user, query)[1]), None
    if source == "due":
        from xindai.loans.models import Installment
        from xindai.repayments.selectors import installment_search

        options, _filterset, rows, _totals = installment_search(user, query)
        as_of = options.values()[1]
        if ids:
            rows = Installment.objects.visible_to(user).filter(pk__in=ids)
        return sending.from_installments(rows, as_of), None
    if source == "users":
        from xindai.org.models import User

        form = UsersForm(data if "role" in data or "branch" in data else None)
        users = User.objects.filter(is_active=True).exclude(mobile="")
        if form.is_bound and form.is_valid():
            if form.cleaned_data["role"]:
                users = users.filter(role=form.cleaned_data["role"])
            if form.cleaned_data["branch"]:
                users = users.filter(branch__path__startswith=form.cleaned_data["branch"].path)
        else:
            users = users.none()
        return sending.from_users(users), form
    form = NumbersForm(data if "numbers" in data else None)
    if form.is_bound and form.is_valid():
        recipients, invalid = sending.from_numbers(form.cleaned_data["numbers"])
        if invalid:
            form.add_error("numbers", _("Not mobile numbers: %(list)s") % {"list": "、".join(invalid[:20])})
        return recipients, form
    return [], form


@permission_required("messaging.send", raise_exception=True)
def compose(request):
    """短信群发 / 人工催缴: recipients from a list, a template or text, a preview, then send."""
    data = request.POST if request.method == "POST" else request.GET
    source = data.get("source", "numbers")
    if source not in SOURCES:
        raise Http404
    recipients, extra = _recipients(request, source, data)
    collection = source == "due"
    kinds = [SmsTemplate.Kind.MANUAL] if collection else [SmsTemplate.Kind.GENERAL, SmsTemplate.Kind.MANUAL]
    form = ComposeForm(request.POST if request.method == "POST" and "text" in request.POST else None)
    form.fields["template"].queryset = SmsTemplate.objects.filter(kind__in=kinds)
    context = {
        "form": form,
        "extra": extra,
        "source": source,
        "source_label": SOURCES[source],
        "query": data.get("query", ""),
        "ids": data.getlist("ids") if hasattr(data, "getlist") else [],
        "recipients": len(recipients),
        "collection": collection,
        "templates": {t.pk: t.text for t in form.fields["template"].queryset},
        "parameters": PARAMETERS,
    }
    if form.is_bound and form.is_valid():
        text, template = form.cleaned_data["text"], form.cleaned_data["template"]
        try:
            context["preview"] = sending.preview(recipients, text, one_per_number=not collection)
        except BusinessError as err:
            form.add_error("text", str(err))
        else:
            if request.POST.get("action") == "send":
                purpose = Purpose.MANUAL_COLLECTION if collection else Purpose.MANUAL
                done = run_service(
                    form,
                    lambda: sending.mass_send(
                        actor=request.user,
                        recipients=recipients,
                        text=text,
                        template=template,
                        purpose=purpose,
                        source=f"{SOURCES[source]} {data.get('query', '')}",
                    ),
                )
                if done:
                    messages.success(
                        request,
                        _("%(count)s messages queued; %(skipped)s opted-out numbers skipped.")
                        % {"count": done.messages_count, "skipped": done.skipped_opted_out},
                    )
                    return redirect("messaging:sending", done.pk)
    return render(request, "messaging/compose.html", context)


@permission_required("messaging.view", raise_exception=True)
def sending_detail(request, pk):
    """Progress of one mass sending: its messages by status (scoped: the sender's or all-data)."""
    batch = get_object_or_404(MassSending, pk=pk)
    rows = selectors.messages(request.user).filter(sending=batch)
    if batch.created_by_id != request.user.pk and not rows.exists():
        raise Http404
    return render(
        request,
        "messaging/sending.html",
        {"batch": batch, "counts": selectors.status_counts(rows), "statuses": MessageStatus.choices},
    )


@permission_required("messaging.view", raise_exception=True)
def message_log(request):
    filterset, rows, totals = selectors.message_search(request.user, request.GET)
    page = paginate(request, rows, count=totals["count"])
    return render(request, "messaging/log.html", {"filter": filterset, "page": page, "totals": totals})


@require_POST
def message_resend(request, pk):
    message = get_object_or_404(selectors.messages(request.user), pk=pk)
    require_perm(request.user, "messaging.send")
    if message.status != MessageStatus.FAILED:
        messages.error(request, _("Only a failed message can be sent again."))
    else:
        outbox.resend(message, request.user)
        messages.success(request, _("The message was queued again."))
    return redirect("messaging:log")


@permission_required("messaging.manage_templates", raise_exception=True)
def template_list(request):
    rows = SmsTemplate.objects.select_related("loan_type", "branch").order_by("kind", "name")
    return render(request, "messaging/template_list.html", {"templates": rows, "switch": outbox.auto_switch()})


@permission_required("messaging.manage_templates", raise_exception=True)
def template_edit(request, pk=None):
    template = get_object_or_404(SmsTemplate, pk=pk) if pk else None
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.template_save(
                actor=request.user, template=template, **{f: form.cleaned_data[f] for f in form.Meta.fields}
            ),
        )
        if saved:
            messages.success(request, _("Template %(name)s saved.") % {"name": saved.name})
            return redirect("messaging:templates")
    sample = selectors.sample_installment(request.user)
    preview = None
    if sample is not None and (
        text := (form.data.get("text") if form.is_bound else (template.text if template else ""))
    ):
        preview = render_text(text, sample)
    return render(
        request,
        "messaging/template_form.html",
        {"form": form, "template": template, "parameters": PARAMETERS, "preview": preview},
    )


@permission_required("messaging.switch_auto", raise_exception=True)
def auto_switch(request):
    switch = outbox.auto_switch()
    form = AutoSwitchForm(request.POST or None, instance=switch)
    if request.method == "POST" and form.is_valid():
        services.auto_switch_set(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Automatic sending saved."))
        return redirect("messaging:templates")
    return render(request, "messaging/auto_switch.html", {"form": form, "switch": switch})


@csrf_exempt
@login_not_required
@require_POST
def delivery_report(request, provider: str, secret: str):
    """A provider's push of delivery reports; the secret in the URL proves it is the provider."""
    from xindai.messaging.gateway import SHORT_NAMES, _backend_class

    expected = settings.SMS_REPORT_SECRET
    if not expected or not hmac.compare_digest(secret, expected) or provider not in SHORT_NAMES:
        raise Http404
    backend = _backend_class(provider)
    try:
        reports = backend.parse_reports(request.body, request.content_type or "")
    except ValueError:
        return HttpResponse(status=400)
    outbox.apply_reports(reports)
    status, content_type, body = backend.report_response()
    return HttpResponse(body, status=status, content_type=content_type)
