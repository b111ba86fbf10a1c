"""电话语音: 语音群发, 语音模板 and 呼叫记录 — a front on the messaging services, not a copy of them.

A voice notice is composed and sent by the same page and services as an SMS (channel "voice");
voice templates are the SMS templates whose channel is voice; calls are the messages sent as calls.
"""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from xindai.core.viewhelpers import paginate
from xindai.messaging import outbox, selectors
from xindai.messaging.models import Channel, SmsTemplate
from xindai.messaging.views import compose_page


@permission_required("messaging.send", raise_exception=True)
def voice_compose(request):
    """语音群发: recipients from a list or typed in, a voice template or text, a preview, then call."""
    return compose_page(request, voice=True)


@permission_required("messaging.manage_templates", raise_exception=True)
def voice_templates(request):
    """语音模板: the templates read aloud on a call (advance, collection and general notices)."""
    rows = SmsTemplate.objects.filter(channel=Channel.VOICE).select_related("loan_type", "branch")
    context = {"templates": rows.order_by("kind", "name"), "switch": outbox.auto_switch(), "voice": True}
    return render(request, "messaging/template_list.html", context)


@permission_required("messaging.view", raise_exception=True)
def call_log(request):
    """呼叫记录: each call's result (answered, not answered, busy, …), attempts and retries, in scope."""
    filterset, rows, totals = selectors.call_search(request.user, request.GET)
    page = paginate(request, rows, count=totals["count"])
    return render(request, "messaging/calls.html", {"filter": filterset, "page": page, "totals": totals})
