"""Reads of the reports for pages, the API and exports: one cached computation per scope and criteria."""

import copy

from xindai.core.figures import cached
from xindai.reports import queries


def report(user, kind, group, choice, filters, *, compare=True) -> queries.Report:
    """A report, computed once a minute at most for the same scope and criteria (core/figures.py)."""
    period = {key: choice.get(key) for key in ("date_from", "date_to", "as_of")}
    return copy.deepcopy(
        cached(
            "report",
            user,
            (kind, group, period, filters, compare),
            lambda: queries.run(kind, group, user=user, filters=filters, compare=compare, **period),
        )
    )
