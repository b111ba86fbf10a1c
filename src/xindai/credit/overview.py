"""The checker's figure on the home page: requests waiting for their approval, by action."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xindai.core.approval import ACTION_LABELS, Action
from xindai.core.overview import card, register
from xindai.credit import approvals, selectors


@register
def approval_cards(user) -> list[dict]:
    if not user.has_perm(approvals.APPROVE_PERMISSION):
        return []
    counts = selectors.counts_by_action(approvals.inbox(user))
    total = sum(counts.values())
    note = "、".join(f"{ACTION_LABELS[Action(code)]} {n}" for code, n in sorted(counts.items())) or None
    return [
        card(
            "approvals", _("Waiting for my approval"), f"{total:,}", reverse("credit:inbox"), note=note, alert=total > 0
        )
    ]
