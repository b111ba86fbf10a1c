"""Reads of messages — always through `visible_to(user)`."""

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from xindai.messaging.filters import MessageFilter
from xindai.messaging.models import Message, MessageStatus


def messages(user):
    return Message.objects.visible_to(user)


def message_search(user, params):
    """(filter form, matching messages in scope, totals: messages, segments, delivered, failed)."""
    filterset = MessageFilter(params or None, queryset=messages(user))
    rows = filterset.qs.select_related("customer", "template", "loan", "created_by").order_by("-created_at", "-id")
    totals = rows.order_by().aggregate(
        count=Count("id"),
        segments=Coalesce(Sum("segments"), 0),
        delivered=Count("id", filter=Q(status=MessageStatus.DELIVERED)),
        failed=Count("id", filter=Q(status=MessageStatus.FAILED)),
    )
    return filterset, rows, totals


def status_counts(rows) -> dict[str, int]:
    return dict(rows.order_by().values_list("status").annotate(n=Count("id")))


def customer_messages(user, customer, limit: int = 20):
    return messages(user).filter(customer=customer).select_related("template").order_by("-created_at")[:limit]


def sample_installment(user) -> dict[str, str] | None:
    """Parameter values of a real installment in the user's scope, for template previews."""
    from xindai.loans.models import Installment
    from xindai.messaging.context import installment_values, owed_rows

    today = timezone.localdate()
    rows = Installment.objects.visible_to(user).filter(settled_on__isnull=True).order_by("due_date")
    row = owed_rows(rows, today).first()
    return installment_values(row) if row is not None else None
