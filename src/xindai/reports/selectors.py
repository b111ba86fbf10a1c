"""What the report pages read: a report (cached a minute per scope and criteria), sorted, with
each row's drill-down link; the comparison charts' panels and 12-month trend."""

import copy
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy

from xindai.core.figures import cached
from xindai.loans.quality import BUCKET_LABELS, CATEGORY_LABELS
from xindai.org.models import Branch, Region, User
from xindai.org.selectors import with_county
from xindai.reports import queries
from xindai.reports.forms import GROUP_CHOICES, month_ends

# Drilling down: a row of one grouping opens the next one, filtered to that row.
DRILL = {"county": "township", "township": "village", "village": "customer", "branch": "officer", "officer": "customer"}
LABELS = {
    "loans": gettext_lazy("loans"),
    "amount": gettext_lazy("amount"),
    "repayments": gettext_lazy("repayments"),
    "principal": gettext_lazy("principal"),
    "interest": gettext_lazy("interest"),
    "penalty": gettext_lazy("penalty interest"),
    "total": gettext_lazy("total"),
    "outstanding_principal": gettext_lazy("outstanding principal"),
    "overdue_principal": gettext_lazy("of which overdue"),
    **{bucket.value: gettext_lazy(label) for bucket, label in BUCKET_LABELS.items()},
    **{category.value: gettext_lazy(label) for category, label in CATEGORY_LABELS.items()},
    "interest_on_balance": gettext_lazy("interest owed on the balance sheet"),
    "interest_off_balance": gettext_lazy("interest owed off the balance sheet"),
    "npl": gettext_lazy("non-performing"),
    "npl_ratio": gettext_lazy("NPL ratio"),
}
MAIN = {"disbursement": "amount", "collection": "total", "balance": "outstanding_principal", "quality": "npl"}


def report_for(user, kind, group, choice, filters, *, compare=True):
    """A report, computed once a minute at most for the same scope and criteria (core/figures.py)."""
    period = {key: choice.get(key) for key in ("date_from", "date_to", "as_of")}
    return copy.deepcopy(
        cached(
            "report",
            user,
            (kind, group, period, filters, compare),
            lambda: _named(queries.run(kind, group, user=user, filters=filters, compare=compare, **period)),
        )
    )


def _named(report):
    """Township rows after their county, "甘州区 · 梁家墩镇" (梁家墩镇 alone is ambiguous across
    counties) — on the page and in the Excel file, which both read this report."""
    if report.group == "township":
        names = with_county(row["key"] for row in report.rows)
        for row in report.rows:
            row["name"] = names.get(row["key"], row["name"])
    return report


def sorted_report(user, choice, filters, sort: str):
    """The report of the form's choice, its rows sorted by `sort` (a figure or the name, "-" for
    descending; anything else keeps the report's order)."""
    report = report_for(user, choice["kind"], choice["group"], choice, filters)
    if sort.lstrip("-") in ("name", *queries.FIGURES[report.kind]):
        report.rows.sort(key=lambda r: r[sort.lstrip("-")], reverse=sort.startswith("-"))
    return report


def report_columns(kind):
    return [(name, str(LABELS[name])) for name in queries.FIGURES[kind]]


def with_links(user, report, rows) -> None:
    """Each row's drill-down (the next grouping, filtered to it), the list behind its figures,
    and its cells in column order."""
    ids = _row_ids(user, report, rows)
    columns = report_columns(report.kind)
    for row in rows:
        row["detail"] = _detail_url(report, row, ids)
        row["drill_pk"] = ids.get(row["key"])
        row["cells"] = [(name, row[name]) for name, _label in columns]


def _detail_url(report, row, ids) -> str:
    """The loans (or, for collections, the repayments) behind a row's figures."""

    params = {}
    if report.group == "customer":
        params["customer_id"] = row["id"]  # by the customer, never by the (masked) ID number
    elif report.group in ("county", "township", "village") and row["key"] in ids:
        params["region"] = ids[row["key"]]
    elif report.group in ("branch", "officer") and row["key"] in ids:
        params[report.group] = ids[row["key"]]
    else:
        return ""
    if report.kind == "collection":
        params.update(paid_from=report.date_from.isoformat(), paid_to=report.date_to.isoformat())
        return reverse("repayments:ledger") + "?" + urlencode(params)
    if report.kind == "disbursement":
        params.update(start_from=report.date_from.isoformat(), start_to=report.date_to.isoformat())
    return reverse("loans:list") + "?" + urlencode(params)


def _row_ids(user, report, rows) -> dict[str, int]:
    """The region/branch/officer id of each row's key, for drill-down links."""
    keys = [row["key"] for row in rows]
    if report.group in ("county", "township", "village"):
        return dict(Region.objects.filter(code__in=keys).values_list("code", "pk"))
    if report.group == "branch":
        return dict(Branch.objects.filter(code__in=keys).values_list("code", "pk"))
    if report.group == "officer":
        return dict(User.objects.filter(username__in=keys).values_list("username", "pk"))
    return {}


def chart_panels(user, kind, choice, filters) -> list[dict]:
    """The report by county and by branch: names, the main figure (and the NPL ratio, in %)."""
    main = MAIN[kind]
    panels = []
    for group in ("county", "branch"):
        report = report_for(user, kind, group, choice, filters, compare=False)
        panels.append(
            {
                "group": str(dict(GROUP_CHOICES)[group]),
                "names": [row["name"] for row in report.rows],
                "values": [float(row[main]) for row in report.rows],
                "ratios": [float(row["npl_ratio"]) * 100 for row in report.rows] if kind == "quality" else [],
                "rows": report.rows,
            }
        )
    return panels


def trend(user, kind, as_of, filters) -> list[dict]:
    """The main figure over the 12 month-ends up to `as_of` (balances and quality only), in one
    statement (queries.trend), cached like a report."""
    if kind not in ("balance", "quality"):
        return []
    main, days = MAIN[kind], month_ends(as_of)
    points = cached("trend", user, (days, filters), lambda: queries.trend(user, days, filters))
    return [
        {
            "day": point["as_of"].isoformat(),
            "value": float(point[main]),
            "ratio": float(point["npl_ratio"]) * 100 if kind == "quality" else 0.0,
        }
        for point in points
    ]
