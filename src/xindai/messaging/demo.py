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
