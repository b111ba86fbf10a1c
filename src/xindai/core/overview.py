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


def overview_for(user) -> dict:
    """Figures of `user`'s scope, each with the list URL behind it."""
    cards = [c for provider in _PROVIDERS for c in provider(user)]
    return {"scope": scope_for(user), "cards": cards}
