"""Inbound SMS (短信自动接收) and automatic replies (智能回复).

A provider pushes replies; each is stored once (a unique constraint on the provider's id), linked
to every customer whose own or spouse's mobile is the sender's, and its intent recognised. Then:
退订 / 订阅 change the number's opt-out and are confirmed by one reply; 余额 / 还款 / 还款方式 are
answered from the borrower's own loans (a number shared by several customers gets each one's part
by name); 人工 notifies the loan officer and tells the borrower who will call. A number matching
no customer is told nothing about any loan. Unknown texts — and every text while automatic
replies are off — wait in the officers' inbox.
"""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from xindai.core import audit
from xindai.core.audit_actions import AuditAction
from xindai.core.money import format_amount
from xindai.core.phone import sms_segments
from xindai.core.scope import system_scope
from xindai.customers.models import Contact, ContactChannel, Customer
from xindai.loans.models import Installment, Loan
from xindai.loans.owed import with_owed
from xindai.messaging import intents
from xindai.messaging.context import signature
from xindai.messaging.models import Direction, IntentRule, Message, MessageStatus, OptOut, Purpose, SmsTemplate
from xindai.messaging.outbox import auto_switch, queue
from xindai.messaging.rendering import render

OPT_OUT_REPLY = "您已退订本行短信提醒，如需恢复请回复“订阅”。"
OPT_IN_REPLY = "您已恢复接收本行短信提醒，回复TD退订。"
NO_LOANS = "{客户姓名}：您目前没有未结清的贷款。"
DEFAULT_REPLIES = {
    intents.Intent.BALANCE: "{客户姓名}：{余额明细}。",
    intents.Intent.REPAYMENT: "{客户姓名}：{还款明细}。",
    intents.Intent.HOW_TO_PAY: "{客户姓名}：{还款方式说明}",
    intents.Intent.HUMAN: "{客户姓名}：已通知您的信贷员{信贷员}，将尽快与您联系，电话{信贷员电话}。",
}


@dataclass(frozen=True, slots=True)
class Received:
    provider_id: str
    sender: str
    text: str
    received_at: object = None


def matching_customers(number: str) -> list[Customer]:
    """Customers whose own or spouse's mobile is `number` (callers run in a system scope)."""
    customers = Customer.objects.visible_to(system_scope("inbound SMS"))
    return list(customers.filter(Q(mobile=number) | Q(spouse_mobile=number)).select_related("registered_branch"))


def _rules() -> list[intents.Rule]:
    """The rules written in the app (a row that no longer validates is skipped), then the built-in ones."""
    stored = []
    for rule in IntentRule.objects.all():
        try:
            stored.append(intents.Rule(rule.intent, rule.keywords, rule.pattern or None, rule.priority, rule.is_active))
        except intents.RuleError:
            continue
    return [*stored, *intents.DEFAULT_RULES]


@system_scope("inbound SMS")
def receive(backend: str, items: list[Received]) -> list[Message]:
    """Store and handle pushed replies; a push delivered twice stores (and answers) one."""
    handled = []
    for item in items:
        try:
            with transaction.atomic():
                message = Message.objects.create(
                    direction=Direction.INBOUND,
                    purpose=Purpose.INBOUND,
                    recipient=item.sender,
                    text=item.text,
                    segments=sms_segments(item.text),
                    status=MessageStatus.DELIVERED,
                    backend=backend,
                    provider_id=(item.provider_id or "")[:100],
                    delivered_at=item.received_at or timezone.now(),
                )
                _handle(message)
        except IntegrityError:
            continue  # the same push again
        handled.append(message)
    return handled


def _handle(message: Message) -> None:
    customers = matching_customers(message.recipient)
    if customers:
        message.matched_customers.set(customers)
        # The message belongs to one customer only when one matched; a shared number's message is
        # seen by whoever sees one of them (message_rule), and shows only those in scope.
        message.customer = customers[0] if len(customers) == 1 else None
    intent = intents.recognize(message.text, _rules())
    message.intent = intent.value
    switch = auto_switch()
    answered = False
    if intent in (intents.Intent.OPT_OUT, intents.Intent.OPT_IN):
        _opt(message, intent)  # mandatory: whatever the switches say
        answered = True
    elif customers and switch.replies_enabled and intent != intents.Intent.UNKNOWN:
        _reply(message, intent, customers)
        answered = True
    if answered:
        message.handled_at = timezone.now()
    message.save(update_fields=["customer", "intent", "handled_at"])


def _opt(message: Message, intent) -> None:
    if intent == intents.Intent.OPT_OUT:
        OptOut.objects.get_or_create(number=message.recipient, defaults={"source": "短信退订"})
        text, action = OPT_OUT_REPLY, AuditAction.OPTED_OUT
    else:
        OptOut.objects.filter(number=message.recipient).delete()
        text, action = OPT_IN_REPLY, AuditAction.OPTED_IN
    audit.record(None, action, message, changes={"number": message.recipient})
    _send_reply(message, text, message.customer)


def _reply(message: Message, intent, customers: list[Customer]) -> None:
    """One reply per customer — and per loan when a customer has several: each reply is logged
    with its customer and loan, so it is seen only by who sees both (a shared number's replies
    never show one customer's loans to the other's branch)."""
    template = SmsTemplate.objects.filter(kind=SmsTemplate.Kind.REPLY, intentrule__intent=intent.value).first()
    text = template.text if template else DEFAULT_REPLIES[intent]
    today = timezone.localdate()
    for customer in customers:
        loans = open_loans(customer)
        for part in [[loan] for loan in loans] if len(loans) > 1 else [loans]:
            values = reply_values(customer, today, part)
            _send_reply(message, render(text, values), customer, loan=part[0] if part else None)
    if intent == intents.Intent.HUMAN:
        _notify_officers(message, customers)


def open_loans(customer: Customer) -> list[Loan]:
    loans = Loan.objects.visible_to(system_scope("inbound SMS")).filter(customer=customer, settled_on__isnull=True)
    return list(loans.select_related("officer", "handling_branch").order_by("start_date"))


def reply_values(customer: Customer, today: date, loans: list[Loan] | None = None) -> dict[str, str]:
    """The reply parameters of one customer: their own open loans (or the ones given)."""
    loans = open_loans(customer) if loans is None else loans
    officer = loans[0].officer if loans else customer.registered_by
    branch = loans[0].handling_branch if loans else customer.registered_branch
    values = {
        "客户姓名": customer.name,
        "信贷员": officer.real_name,
        "信贷员电话": officer.mobile or branch.phone or "",
        "支行": branch.name,
        "还款方式说明": branch.payment_instructions
        or f"请到{branch.name}柜面或通过转账还款，详询{branch.phone or officer.mobile or '您的信贷员'}。",
    }
    if not loans:
        values["余额明细"] = values["还款明细"] = "您目前没有未结清的贷款"
        return values
    total = sum((loan.outstanding_principal for loan in loans), start=loans[0].outstanding_principal * 0)
    lines = [f"借据{loan.iou_number}余额{format_amount(loan.outstanding_principal)}元" for loan in loans]
    values["余额明细"] = "；".join(lines) + (f"；合计{format_amount(total)}元" if len(loans) > 1 else "")
    values["还款明细"] = "；".join(_repayment_line(loan, today) for loan in loans)
    return values


def _repayment_line(loan: Loan, today: date) -> str:
    rows = list(
        with_owed(
            Installment.objects.children_of(loan).filter(settled_on__isnull=True, superseded_on__isnull=True), today
        ).order_by("due_date")
    )
    overdue = [row for row in rows if row.days_overdue > 0]
    if overdue:
        owed = sum((row.total_owed for row in overdue), start=overdue[0].total_owed * 0)
        return f"借据{loan.iou_number}已逾期{overdue[0].days_overdue}天，今日应还{format_amount(owed)}元（含罚息）"
    if not rows:
        return f"借据{loan.iou_number}已无应还款项"
    row = rows[0]
    return f"借据{loan.iou_number}下次还款日{row.due_date:%Y年%-m月%-d日}，应还{format_amount(row.total_owed)}元"


def _notify_officers(message: Message, customers: list[Customer]) -> None:
    seen = set()
    notices = []
    for customer in customers:
        loans = Loan.objects.visible_to(system_scope("inbound SMS")).filter(customer=customer)
        loan = loans.select_related("officer").order_by("-start_date").first()
        officer = loan.officer if loan else customer.registered_by
        if officer.pk in seen or not officer.mobile:
            continue
        seen.add(officer.pk)
        text = f"{customer.name}（{message.recipient}）短信要求联系信贷员：{message.text[:40]}"
        notices.append(
            Message(
                purpose=Purpose.NOTICE,
                recipient=officer.mobile,
                customer=customer,
                loan=loan,
                reply_to=message,
                text=text,
                segments=sms_segments(signature() + text),
            )
        )
    queue(notices)


def _send_reply(
    message: Message, text: str, customer: Customer | None, actor=None, purpose=Purpose.REPLY, loan=None
) -> Message:
    reply = Message(
        purpose=purpose,
        recipient=message.recipient,
        customer=customer,
        loan=loan,
        reply_to=message,
        text=text,
        segments=sms_segments(signature() + text),
        created_by=actor,
    )
    queue([reply])
    return reply


def answer(*, actor, message: Message, text: str = "", handled_only: bool = False) -> Message:
    """The officer answers an inbound message (an SMS from the outbox) or marks it handled;
    either is recorded as a contact with each matched customer the officer sees (never with
    one outside their scope)."""
    with transaction.atomic():
        locked = Message.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=message.pk)
        locked.handled_at, locked.handled_by = timezone.now(), actor
        locked.save(update_fields=["handled_at", "handled_by"])
        customers = list(locked.matched_customers.visible_to(actor).order_by("pk"))
        if not customers and locked.customer_id:
            customers = list(Customer.objects.visible_to(actor).filter(pk=locked.customer_id))
        if not handled_only and text.strip():
            to = customers[0] if len(customers) == 1 else None
            _send_reply(locked, text.strip(), to, actor=actor, purpose=Purpose.ANSWER)
        channel = ContactChannel.objects.get_or_create(name="短信")[0] if customers else None
        for customer in customers:
            Contact.objects.create(
                customer_id=customer.pk,
                contacted_at=timezone.now(),
                channel=channel,
                subject="短信回复" if text.strip() else "短信已处理",
                content=f"客户：{locked.text}\n回复：{text.strip()}" if text.strip() else f"客户：{locked.text}",
                recorded_by=actor,
            )
        audit.record(actor, AuditAction.INBOUND_ANSWERED, locked, changes={"answer": text.strip()})
    return locked
