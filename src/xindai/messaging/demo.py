"""Demo SMS templates: one of each kind, automatic sending left off until an administrator
switches it on."""

from xindai.messaging.models import SmsTemplate

TEMPLATES = [
    {
        "name": "到期前3天提醒",
        "kind": SmsTemplate.Kind.ADVANCE,
        "text": (
            "{客户姓名}您好，您在{支行}的借据{借据编号}将于{到期日}到期，应还{应还合计}元，请按时还款。"
            "信贷员{信贷员}{信贷员电话}"
        ),
        "days_before": 3,
        "send_times": "09:00",
    },
    {
        "name": "逾期定时催缴",
        "kind": SmsTemplate.Kind.SCHEDULED,
        "text": (
            "{客户姓名}您好，您的借据{借据编号}已逾期{逾期天数}天，应还{应还合计}元（含罚息{罚息}元），请尽快归还。"
        ),
        "overdue_from": 1,
        "overdue_to": 90,
        "every_days": 7,
        "send_times": "09:00,16:00",
    },
    {
        "name": "人工催缴",
        "kind": SmsTemplate.Kind.MANUAL,
        "text": (
            "{客户姓名}您好，您的借据{借据编号}已逾期{逾期天数}天，尚欠{应还合计}元，请联系信贷员{信贷员}{信贷员电话}。"
        ),
    },
    {
        "name": "培训通知",
        "kind": SmsTemplate.Kind.GENERAL,
        "text": "{客户姓名}您好，本周五上午在乡镇畜牧站举办养殖技术培训，欢迎参加。",
    },
]


def build_templates() -> int:
    made = 0
    for values in TEMPLATES:
        _template, created = SmsTemplate.objects.get_or_create(name=values["name"], defaults=values)
        made += created
    return made


VISIT_NOTES = ["牛存栏 12 头，长势良好。", "羊出栏 30 只，已备还款资金。", "饲草料充足，无异常。"]


def build_traffic(*, seed: int = 2026) -> int:
    """A lived-in message log, through the real services (#18: a newcomer saw no message, no
    reply, no contact): a reminder mass-sent and sent out, its delivery reports (a few failed);
    replies from customers — one answered automatically (余额), one by the officer, one waiting
    in the inbox; and visit records. Runs once (nothing is added when messages exist).
    Returns the number of messages written."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    from xindai.customers.models import ContactChannel, Customer
    from xindai.customers.services import contact_create
    from xindai.messaging import inbound, mass_sending, outbox
    from xindai.messaging.backends import DeliveryReport
    from xindai.messaging.models import Direction, Message, MessageStatus
    from xindai.org.models import User

    if Message.objects.exists():
        return 0
    rng = random.Random(seed)
    admin = User.objects.get(username="admin")
    customers = list(Customer.objects.filter(status="active").exclude(mobile="").order_by("pk")[:40])
    if len(customers) < 10:
        return 0
    mass_sending.mass_send(
        actor=admin,
        recipients=mass_sending.from_customers(Customer.objects.filter(pk__in=[c.pk for c in customers])),
        text="{客户姓名}您好，近期气温下降，请做好牲畜防寒保暖，并按时归还贷款本息。",
    )
    outbox.deliver_all()
    sent = list(Message.objects.filter(direction=Direction.OUTBOUND, status=MessageStatus.SUBMITTED).order_by("pk"))
    failed = set(rng.sample(range(len(sent)), k=min(4, len(sent))))
    outbox.apply_reports(
        DeliveryReport(
            message_id=m.pk,
            provider_id=m.provider_id,
            recipient=m.recipient,
            delivered=i not in failed,
            error_code="" if i not in failed else "MOBILE_NOT_ON_SERVICE",
            error_message="" if i not in failed else "用户停机",
        )
        for i, m in enumerate(sent)
    )
    replies = inbound.receive(
        "demo",
        [
            inbound.Received("demo-reply-1", customers[1].mobile, "余额查询"),
            inbound.Received("demo-reply-2", customers[2].mobile, "请问周六营业厅开门吗？"),
            inbound.Received("demo-reply-3", customers[3].mobile, "收到，谢谢。村里合作社的事想当面请教。"),
        ],
    )
    waiting = list(Message.objects.filter(pk__in=[m.pk for m in replies], handled_at__isnull=True).order_by("pk"))
    if len(waiting) > 1:  # the officer answers the first; the other stays in the inbox
        officer = waiting[0].customer.registered_by if waiting[0].customer_id else admin
        inbound.answer(actor=officer, message=waiting[0], text="您好，延期需到支行办理，我明天上门和您细说。")
    outbox.deliver_all()
    channel = ContactChannel.objects.filter(is_active=True).order_by("pk").first()
    if channel is not None:
        for n, customer in enumerate(customers[4:10]):
            contact_create(
                actor=customer.registered_by,
                customer=customer,
                contacted_at=timezone.now() - timedelta(days=3 * n + 1, hours=n),
                channel=channel,
                place=customer.village.name,
                subject="贷后回访",
                content=rng.choice(
                    ["牛存栏 12 头，长势良好。", "羊出栏 30 只，已备还款资金。", "饲草料充足，无异常。"]
                ),
            )
    return Message.objects.count()
