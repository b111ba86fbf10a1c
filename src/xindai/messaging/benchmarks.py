"""SMS speed (PostgreSQL, over the ~1.5-million-installment bench book):

- one run of the reminder engine that queues ~50,000 collection notices (rendered, with penalty
  as of the day) — rolled back afterwards so it can run again;
- the worker sending to the `locmem` backend: messages per second, claims and updates included.
"""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from xindai.customers.models import Customer
from xindai.loans.benchmarks import ensure_book
from xindai.loans.models import Installment
from xindai.messaging import mass_sending as sends
from xindai.messaging import outbox, reminders
from xindai.messaging.backends import locmem
from xindai.messaging.models import AutoSwitch, Message, SmsTemplate
from xindai.org.demo import build_org
from xindai.org.models import User

ENGINE_TARGET_S = 30
ENGINE_MESSAGES = 50_000
WORKER_TARGET = 500
WORKER_MESSAGES = 20_000


def _moment_for(count: int) -> datetime:
    """The first month-start at which at least `count` unpaid installments are overdue (or the last
    due date's, when the book owes fewer)."""
    day = timezone.localdate().replace(day=1)
    unpaid = Installment.objects.filter(settled_on__isnull=True)
    last = unpaid.order_by("-due_date").values_list("due_date", flat=True).first() or day
    while unpaid.filter(due_date__lt=day).count() < count and day <= last:
        day = (day + timedelta(days=32)).replace(day=1)
    return datetime(day.year, day.month, day.day, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def reminder_engine(*, stdout, scale: float) -> None:
    ensure_book(stdout, scale)
    target = int(ENGINE_MESSAGES * scale)
    moment = _moment_for(target)
    with (
        transaction.atomic(),
        override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}),
    ):
        AutoSwitch.objects.update_or_create(pk=1, defaults={"enabled": True})
        SmsTemplate.objects.filter(kind__in=["advance", "scheduled"]).update(is_active=False)
        SmsTemplate.objects.create(
            name="bench",
            kind="scheduled",
            overdue_from=1,
            every_days=1,
            send_times="09:00",
            text="{客户姓名}，您的借据{借据编号}已逾期{逾期天数}天，应还{应还合计}元（含罚息{罚息}元），请尽快归还。",
        )
        started = time.perf_counter()
        result = reminders.run(moment)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    verdict = "within" if seconds <= ENGINE_TARGET_S else "OVER"
    stdout.write(
        f"   engine at {moment:%Y-%m-%d %H:%M}: {result.queued:,} collection notices rendered and queued in "
        f"{seconds:.1f} s ({verdict} the {ENGINE_TARGET_S} s target; rolled back)"
    )


def worker_throughput(*, stdout, scale: float) -> None:
    build_org()  # the message log's users
    count = int(WORKER_MESSAGES * scale)
    with transaction.atomic(), override_settings(SMS_BACKEND="locmem"):
        Message.objects.bulk_create(
            [Message(recipient=f"139{n:08d}", text="您的借据明日到期，请按时还款。") for n in range(count)],
            batch_size=5000,
        )
        locmem.outbox.clear()
        started = time.perf_counter()
        sent = outbox.deliver_all()
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    locmem.outbox.clear()
    rate = sent / seconds
    verdict = "within" if rate >= WORKER_TARGET else "UNDER"
    stdout.write(
        f"   worker: {sent:,} messages claimed, sent to locmem and recorded in {seconds:.1f} s = {rate:,.0f} a second "
        f"({verdict} the {WORKER_TARGET}/s target; rolled back)"
    )


MASS_TARGET_S = 5
MASS_MESSAGES = 10_000


def mass_sending(*, stdout, scale: float) -> None:
    """短信群发 to the first 10,000 customers of the customer list: recipients read, rendered, queued."""
    ensure_book(stdout, scale)
    count = int(MASS_MESSAGES * scale)
    admin = User.objects.get(username="admin")
    ids = list(Customer.objects.order_by("id").values_list("id", flat=True)[:count])
    with (
        transaction.atomic(),
        override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}),
    ):
        started = time.perf_counter()
        recipients = sends.from_customers(Customer.objects.visible_to(admin).filter(pk__in=ids))
        batch = sends.mass_send(
            actor=admin,
            recipients=recipients,
            text="{客户姓名}您好，本周五上午在乡镇畜牧站举办养殖技术培训，欢迎参加。",
        )
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    verdict = "within" if seconds <= MASS_TARGET_S else "OVER"
    stdout.write(
        f"   mass sending to {len(recipients):,} customers: {batch.messages_count:,} messages rendered and queued in "
        f"{seconds:.2f} s ({verdict} the {MASS_TARGET_S} s target; rolled back)"
    )


BENCHMARKS = [
    ("reminder_engine", reminder_engine),
    ("worker_throughput", worker_throughput),
    ("mass_sending", mass_sending),
]
