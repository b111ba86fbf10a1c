"""Reads of messages — always through `visible_to(user)`."""

from django.db.models import Count, F, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from xindai.customers.models import Customer
from xindai.loans.models import Installment
from xindai.messaging.filters import CallFilter, MessageFilter
from xindai.messaging.models import CallOutcome, Channel, Direction, Message, MessageStatus
from xindai.messaging.outbox import CANCEL_OPTED_OUT
from xindai.messaging.parameters import installment_values, owed_rows


def messages(user):
    return Message.objects.visible_to(user)


def message_search(user, params):
    """(filter form, matching messages in scope, totals: messages, segments, delivered, failed)."""
    filterset = MessageFilter(params or None, queryset=messages(user), viewer=user)
    rows = filterset.qs.select_related("customer", "template", "loan", "created_by").order_by("-created_at", "-id")
    totals = rows.order_by().aggregate(
        count=Count("id"),
        segments=Coalesce(Sum("segments"), 0),
        delivered=Count("id", filter=Q(status=MessageStatus.DELIVERED)),
        failed=Count("id", filter=Q(status=MessageStatus.FAILED)),
    )
    return filterset, rows, totals


def call_search(user, params):
    """(filter form, calls placed in scope matching it, totals by result) — the call log (呼叫记录)."""
    calls = messages(user).filter(channel=Channel.VOICE, direction=Direction.OUTBOUND)
    filterset = CallFilter(params or None, queryset=calls, viewer=user)
    rows = filterset.qs.select_related("customer", "template", "loan", "created_by").order_by("-created_at", "-id")
    totals = rows.order_by().aggregate(
        count=Count("id"),
        calls_made=Coalesce(Sum("attempts"), 0),
        retried=Count("id", filter=Q(attempts__gt=1)),
        waiting=Count("id", filter=Q(status__in=[MessageStatus.QUEUED, MessageStatus.SENDING])),
        **{outcome.value: Count("id", filter=Q(call_outcome=outcome)) for outcome in CallOutcome},
    )
    return filterset, rows, totals


def status_counts(rows) -> dict[str, int]:
    return dict(rows.order_by().values_list("status").annotate(n=Count("id")))


def customer_messages(user, customer, limit: int = 20):
    return messages(user).filter(customer=customer).select_related("template").order_by("-created_at")[:limit]


def sample_installment(user) -> dict[str, str] | None:
    """Parameter values of a real installment in the user's scope, for template previews."""
    today = timezone.localdate()
    rows = Installment.objects.visible_to(user).filter(settled_on__isnull=True, superseded_on__isnull=True)
    rows = rows.order_by("due_date")
    row = owed_rows(rows, today).first()
    return installment_values(row) if row is not None else None


def inbox(user):
    """Inbound messages in scope waiting for an answer (the officer's inbox)."""
    return messages(user).filter(direction=Direction.INBOUND, handled_at__isnull=True)


def inbox_page_rows(user):
    """Each message with the matched customers the user sees (`matched`), never the others."""

    matched = Prefetch("matched_customers", queryset=Customer.objects.visible_to(user), to_attr="matched")
    return inbox(user).select_related("customer").prefetch_related(matched).order_by("-created_at", "-id")


STAT_GROUPS = {
    "day": ("created_at__date", None),
    "template": ("template__name", None),
    "channel": ("channel", None),
    "branch": ("loan__handling_branch__name", None),
    "officer": ("loan__officer__real_name", None),
}


def statistics(user, group: str, date_from, date_to):
    """Outbound messages in scope grouped: sent, delivered/answered, failed, cancelled because the
    number opted out; and inbound replies by intent."""
    field = STAT_GROUPS.get(group, STAT_GROUPS["day"])[0]
    rows = messages(user).filter(created_at__date__gte=date_from, created_at__date__lte=date_to)
    outbound = (
        rows.filter(direction=Direction.OUTBOUND)
        .order_by()
        .values(key=F(field))
        .annotate(
            sent=Count("id"),
            delivered=Count("id", filter=Q(status=MessageStatus.DELIVERED)),
            failed=Count("id", filter=Q(status=MessageStatus.FAILED)),
            opted_out=Count("id", filter=Q(status=MessageStatus.CANCELLED, error_code=CANCEL_OPTED_OUT)),
        )
        .order_by("key")
    )
    replies = (
        rows.filter(direction=Direction.INBOUND).order_by().values("intent").annotate(n=Count("id")).order_by("-n")
    )
    return list(outbound), list(replies)
