"""What modules above loans add to the loan page (the repayments ledger).

A module registers a function (user, loan) -> dict of template context; the loan page merges
them in registration order (the way customers/detail_sections.py serves the customer record).
"""

from collections.abc import Callable

_SECTIONS: list[Callable] = []


def register(function: Callable) -> Callable:
    _SECTIONS.append(function)
    return function


def context_for(user, loan) -> dict:
    context: dict = {}
    for function in _SECTIONS:
        context.update(function(user, loan))
    return context
