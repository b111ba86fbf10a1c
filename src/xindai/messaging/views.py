"""短信群发, 人工催缴, 短信模板, 自动发送启停, the message log and the providers' report pushes."""

import hmac
import json
import uuid
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from xindai.core.errors import BusinessError
from xindai.core.viewhelpers import paginate, require_perm, run_and_report, run_service
from xindai.messaging import inbound, inbound_parsers, mass_sending, outbox, selectors, services
from xindai.messaging.forms import (
    AutoSwitchForm,
    ComposeForm,
    RuleForm,
    StatisticsForm,
    TemplateForm,
)
from xindai.messaging.ivr import step
from xindai.messaging.models import IntentRule, MassSending, MessageStatus, Purpose, SmsTemplate
from xindai.messaging.parameters import NAMES as PARAMETERS
from xindai.messaging.providers import SHORT_NAMES, VOICE_SHORT_NAMES, _backend_class, voice_backend_class
from xindai.messaging.recipients import SOURCES, recipients_for
from xindai.messaging.rendering import render as render_text


def provider_push(view):
    """A provider's callback: no session, no CSRF token, POST only; the secret in the URL proves
    it is the provider (anything else answers 404, as for a page that does not exist)."""

    @csrf_exempt
    @login_not_required
    @require_POST
    @wraps(view)
    def checked(request, *args, secret: str, **kwargs):
        expected = settings.SMS_REPORT_SECRET
        if not expected or not hmac.compare_digest(secret, expected):
            raise Http404
        return view(request, *args, **kwargs)

    return checked


def _reports_pushed(request, backend, apply) -> HttpResponse:
    """Parse a report push with the backend's parser, apply it, answer what the provider expects."""
    try:
        reports = backend.parse_reports(request.body, request.content_type or "")
    except ValueError:
        return HttpResponse(status=400)
    apply(reports)
    status, content_type, body = backend.report_response()
    return HttpResponse(body, status=status, content_type=content_type)


@permission_required("messaging.send", raise_exception=True)
def compose(request):
    """短信群发 / 人工催缴: recipients from a list, a template or text, a preview, then send."""
    return compose_page(request, voice=False)


def compose_page(request, *, voice: bool):
    """The compose page of 短信群发 and 语音群发 (voice: every message a call, voice templates).
    Sending starts a background job that reads the recipients and builds the messages."""
    data = request.POST if request.method == "POST" else request.GET
    source = data.get("source", "numbers")
    if source not in SOURCES:
        raise Http404
    collection = source == "due"
    bound = request.POST if request.method == "POST" and "text" in request.POST else None
    form = ComposeForm(bound, collection=collection, voice=voice)
    if request.POST.get("action") == "send" and form.is_valid() and (batch := _start(request, form, source, data)):
        messages.success(request, _("The messages are being made in the background; this page shows how far."))
        return redirect("jobs:detail", batch.job_id) if batch.job_id else redirect("messaging:sending", batch.pk)
    recipients, extra = recipients_for(request.user, source, data)
    context = {"form": form, "extra": extra, "source": source, "source_label": SOURCES[source], "voice": voice}
    context |= {"query": data.get("query", ""), "ids": data.getlist("ids")}
    context |= {"recipients": len(recipients), "collection": collection, "parameters": PARAMETERS}
    context["templates"] = {t.pk: t.text for t in form.fields["template"].queryset}
    if form.is_bound and form.is_valid():
        try:
            context["preview"] = mass_sending.preview(
                recipients, form.cleaned_data["text"], one_per_number=not collection
            )
        except BusinessError as err:
            form.add_error("text", str(err))
    return render(request, "messaging/compose.html", context)


RECIPIENT_FIELDS = ("query", "ids", "numbers", "role", "branch")  # what recipients_for reads


def _start(request, form, source: str, data):
    """The batch and its job (or the batch of the first submit of the same page), or None with
    the refusal on the form. The recipients are not read here: the job reads them."""
    kept = QueryDict(mutable=True)
    for name in RECIPIENT_FIELDS:
        kept.setlist(name, data.getlist(name))
    return run_service(
        form,
        lambda: mass_sending.sending_start(
            actor=request.user,
            token=form.cleaned_data["token"] or uuid.uuid4(),
            text=form.cleaned_data["text"],
            template=form.cleaned_data["template"],
            purpose=Purpose.MANUAL_COLLECTION if source == "due" else Purpose.MANUAL,
            source=f"{SOURCES[source]} {data.get('query', '')}",
            channel=form.cleaned_data["channel"],
            params={"source": source, "data": kept.urlencode()},
        ),
    )


@permission_required("messaging.view", raise_exception=True)
def sending_detail(request, pk):
    """Progress of one mass sending: its messages by status (scoped: the sender's or all-data)."""
    batch = get_object_or_404(MassSending.objects.visible_to(request.user), pk=pk)
    rows = selectors.messages(request.user).filter(sending=batch)
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
    run_and_report(request, lambda: outbox.resend(message, actor=request.user), _("The message was queued again."))
    return redirect("messaging:log")


@permission_required("messaging.manage_templates", raise_exception=True)
def template_list(request):
    rows = SmsTemplate.objects.select_related("loan_type", "branch").order_by("kind", "name")
    return render(request, "messaging/template_list.html", {"templates": rows, "switch": outbox.auto_switch()})


@permission_required("messaging.manage_templates", raise_exception=True)
def template_edit(request, pk=None):
    template = get_object_or_404(SmsTemplate, pk=pk) if pk else None
    voice = request.GET.get("channel") == "voice" or (template is not None and template.channel == "voice")
    form = TemplateForm(request.POST or None, instance=template, initial={"channel": "voice"} if voice else None)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.template_save(
                actor=request.user, template=template, **{f: form.cleaned_data[f] for f in form.Meta.fields}
            ),
        )
        if saved:
            messages.success(request, _("Template %(name)s saved.") % {"name": saved.name})
            return redirect("messaging:voice_templates" if saved.channel == "voice" else "messaging:templates")
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


@provider_push
def delivery_report(request, provider: str):
    """A provider's push of delivery reports."""
    if provider not in SHORT_NAMES:
        raise Http404
    return _reports_pushed(request, _backend_class(provider), outbox.apply_reports)


INBOUND_PARSERS = {"aliyun": "parse_aliyun", "tencent": "parse_tencent", "http": "parse_http"}


@provider_push
def inbound_push(request, provider: str):
    """A provider's push of borrowers' replies (短信上行)."""
    if provider not in INBOUND_PARSERS:
        raise Http404
    parse = getattr(inbound_parsers, INBOUND_PARSERS[provider])
    try:
        if provider == "http":
            items = parse(request.body, request.content_type or "", settings.SMS_HTTP_INBOUND_FIELDS)
        else:
            items = parse(request.body, request.content_type or "")
    except ValueError:
        return HttpResponse(status=400)
    inbound.receive(
        provider,
        [inbound.Received(i.provider_id, i.sender, i.text, i.received_at) for i in items],
    )
    status, content_type, body = inbound_parsers.ANSWERS[provider]
    return HttpResponse(body, status=status, content_type=content_type)


@permission_required("messaging.view", raise_exception=True)
def inbox(request):
    """The officer's inbox: replies no rule answered, in scope; answer or mark handled."""
    rows = selectors.inbox_page_rows(request.user)
    page = paginate(request, rows)
    return render(request, "messaging/inbox.html", {"page": page})


@require_POST
def inbox_answer(request, pk):
    message = get_object_or_404(selectors.inbox(request.user), pk=pk)
    require_perm(request.user, "messaging.send")
    text = request.POST.get("text", "")
    handled_only = request.POST.get("action") == "handled"
    if not handled_only and not text.strip():
        messages.error(request, _("Write the answer, or mark the message handled."))
        return redirect("messaging:inbox")
    inbound.answer(actor=request.user, message=message, text=text, handled_only=handled_only)
    messages.success(request, _("Answered.") if not handled_only else _("Marked handled."))
    return redirect("messaging:inbox")


@permission_required("messaging.manage_templates", raise_exception=True)
def rule_list(request):
    return render(
        request,
        "messaging/rule_list.html",
        {"rules": IntentRule.objects.select_related("reply"), "switch": outbox.auto_switch()},
    )


@permission_required("messaging.manage_templates", raise_exception=True)
def rule_edit(request, pk=None):
    rule = get_object_or_404(IntentRule, pk=pk) if pk else None
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.rule_save(
                actor=request.user, rule=rule, **{f: form.cleaned_data[f] for f in form.Meta.fields}
            ),
        )
        if saved:
            messages.success(request, _("Rule saved."))
            return redirect("messaging:rules")
    return render(request, "messaging/rule_form.html", {"form": form, "rule": rule})


@provider_push
def call_report(request, provider: str):
    """A voice provider's push of call results (接通, 未接, 忙, 关机, 空号, 失败 with the duration)."""
    if provider not in VOICE_SHORT_NAMES:
        raise Http404
    return _reports_pushed(request, voice_backend_class(provider), outbox.apply_call_reports)


@provider_push
def ivr(request):
    """The provider's IVR callback: one JSON step of an inbound call in, what to say out."""

    try:
        data = json.loads(request.body or b"{}")
        call_id, caller = str(data["call_id"]), str(data["caller"])
    except (ValueError, KeyError, TypeError):
        return HttpResponse(status=400)
    return JsonResponse(step(call_id, caller, str(data.get("digits") or "")))


@permission_required("messaging.view", raise_exception=True)
def statistics(request):
    """短信与语音统计: per day, template, channel, branch or officer; replies by intent."""
    form = StatisticsForm(request.GET)
    date_from, date_to, group = form.period()
    outbound, replies = selectors.statistics(request.user, group, date_from, date_to)
    return render(
        request,
        "messaging/statistics.html",
        {
            "rows": outbound,
            "replies": replies,
            "group": group,
            "groups": selectors.STAT_GROUPS,
            "date_from": date_from,
            "date_to": date_to,
            "form": form,
        },
    )
