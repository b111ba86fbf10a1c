"""The home page's count of inbound messages waiting for an answer."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xindai.core.overview import card, register
from xindai.messaging.selectors import inbox


@register
def inbox_cards(user) -> list[dict]:
    if not user.has_perm("messaging.view"):
        return []
    waiting = inbox(user).count()
    return [
        card("inbox", _("Replies awaiting an answer"), f"{waiting:,}", reverse("messaging:inbox"), alert=waiting > 0)
    ]
