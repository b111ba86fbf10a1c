"""Sections of the customer record that other modules fill (loans, messages).

A module registers a function (user, customer) -> {"title", "template", "context"} or None;
the customer pop-up and page render them in registration order.
"""

from collections.abc import Callable

_SECTIONS: list[Callable] = []


def register(function: Callable) -> Callable:
    _SECTIONS.append(function)
    return function


def sections_for(user, customer) -> list[dict]:
    return [section for function in _SECTIONS if (section := function(user, customer)) is not None]
