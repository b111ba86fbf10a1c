"""The business overview (业务查询): the figures of the user's scope on the home page.

Each module registers a provider (user) -> list of cards; a card is a figure with the URL of
the list behind it. Providers compute in SQL aggregates, a fixed number of queries each.
"""

from collections.abc import Callable

from xindai.core.scope import scope_for

_PROVIDERS: list[Callable] = []


def register(provider: Callable) -> Callable:
    _PROVIDERS.append(provider)
    return provider


def card(key: str, label, value, url: str, *, note=None, alert: bool = False) -> dict:
    return {"key": key, "label": label, "value": value, "url": url, "note": note, "alert": alert}


# What an officer acts on first comes first (on a phone, 逾期贷款 is the first card, not the tenth).
ORDER = ("overdue", "due_7", "inbox", "due_30", "follow_ups", "outstanding", "loans", "disbursed", "customers")


def overview_for(user) -> dict:
    """Figures of `user`'s scope, each with the list URL behind it, the urgent ones first."""
    cards = [c for provider in _PROVIDERS for c in provider(user)]
    cards.sort(key=lambda c: ORDER.index(c["key"]) if c["key"] in ORDER else len(ORDER))
    return {"scope": scope_for(user), "cards": cards}
