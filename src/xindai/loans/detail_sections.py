"""Sections of the loan page that modules above loans fill (collateral, inspections, warnings).

A module registers a function (user, loan) -> {"template", ...} or None; the loan page renders
them in registration order, after the loan's record.
"""

from collections.abc import Callable

_SECTIONS: list[Callable] = []


def register(function: Callable) -> Callable:
    _SECTIONS.append(function)
    return function


def sections_for(user, loan) -> list[dict]:
    return [section for function in _SECTIONS if (section := function(user, loan)) is not None]
