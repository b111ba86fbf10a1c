"""Inbound calls (电话语音自动接收): the provider's IVR asks us what to say at each step.

Protocol (a JSON POST per step, the shape most Chinese voice platforms' "IVR callback" takes):
``{"call_id": "...", "caller": "13800000001", "digits": ""}`` → ``{"say": "...", "collect": 1,
"hangup": false}``. With no digits the caller hears the menu; 1 余额, 2 还款, 3 转信贷员 (the officer
is notified), anything else repeats the menu. A number that matches no customer hears no figures.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from xindai.core.phone import normalize_mobile
from xindai.core.scope import system_scope
from xindai.messaging import inbound
from xindai.messaging.models import Channel, Direction, Message, MessageStatus, Purpose

MENU = "您好，这里是贷款服务热线。查询贷款余额请按1，查询还款请按2，转信贷员请按3。"
UNKNOWN = "您好，本号码未登记贷款信息，如需帮助请联系您的开户支行。再见。"
GOODBYE = "感谢来电，再见。"
KEYS = {"1": "balance", "2": "repayment", "3": "human"}


@system_scope("voice menu")
def step(call_id: str, caller: str, digits: str) -> dict:
    """What to say at this step of the call, and whether to wait for a key or hang up."""
    number = normalize_mobile(caller)[-11:]
    customers = inbound.matching_customers(number)
    if not customers:
        _log(call_id, number, digits, "", [])
        return {"say": UNKNOWN, "collect": 0, "hangup": True}
    intent = KEYS.get((digits or "").strip()[:1], "")
    if not intent:
        return {"say": MENU, "collect": 1, "hangup": False}
    today = timezone.localdate()
    parts = []
    for customer in customers:
        values = inbound.reply_values(customer, today)
        if intent == "balance":
            parts.append(f"{customer.name}，{values['余额明细']}。")
        elif intent == "repayment":
            parts.append(f"{customer.name}，{values['还款明细']}。")
        else:
            parts.append(f"{customer.name}，已通知您的信贷员{values['信贷员']}，将尽快与您联系。")
    message = _log(call_id, number, digits, intent, customers)
    if intent == "human" and message is not None:
        inbound._notify_officers(message, customers)  # noqa: SLF001 - one notification path for SMS and calls
    return {"say": "".join(parts) + GOODBYE, "collect": 0, "hangup": True}


def _log(call_id: str, number: str, digits: str, intent: str, customers) -> Message | None:
    try:
        with transaction.atomic():
            message = Message.objects.create(
                channel=Channel.VOICE,
                direction=Direction.INBOUND,
                purpose=Purpose.INBOUND,
                recipient=number,
                customer=customers[0] if len(customers) == 1 else None,
                text=f"按键 {digits}" if digits else "来电",
                status=MessageStatus.DELIVERED,
                backend="ivr",
                provider_id=f"{call_id}:{digits}"[:100],
                intent=intent,
                handled_at=timezone.now() if intent else None,
                delivered_at=timezone.now(),
            )
            if customers:
                message.matched_customers.set(customers)
    except IntegrityError:
        return None  # the same step pushed twice
    return message
