# ruff: noqa: S608 - the warning list's SQL is built from constants and rule codes; every value is a parameter
"""Reads of post-loan management: the inspection list, inspections, the warning list and its details."""

from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from xindai.collateral.models import Collateral, Kind
from xindai.collateral.selectors import in_force_on
from xindai.loans.models import Installment, Loan
from xindai.postloan.models import Inspection, InspectionPhoto, Level, RuleCode, WarningAck
from xindai.postloan.schedule import active_on, due_filter, with_schedule
from xindai.postloan.warnings import open_sql, rules_in_force, warned_cte, with_warnings

RELATED = ("customer", "customer__village", "officer", "loan_type")


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def inspection_list(user, params, as_of: date):
    """Loans in scope to inspect, by the view (`todo` default, `due`, `overdue`, `all`), officer
    and village, earliest visit first."""
    view = params.get("view") or "todo"
    loans = Loan.objects.visible_to(user).filter(active_on(as_of))
    if officer := _int(params.get("officer")):
        loans = loans.filter(officer_id=officer)
    if village := _int(params.get("village")):
        loans = loans.filter(customer__village_id=village)
    loans = with_schedule(loans, as_of).filter(due_filter(view, as_of))
    soon = as_of + timedelta(days=7)
    totals = loans.aggregate(
        count=Count("id"),
        overdue=Count("id", filter=Q(next_inspection__lt=as_of)),
        due=Count("id", filter=Q(next_inspection__gte=as_of, next_inspection__lte=soon)),
    )
    return loans.select_related(*RELATED).order_by("next_inspection", "id"), totals, view


def pledged_heads(loan, as_of: date | None = None) -> int:
    """Animals pledged on a loan's collateral in force."""
    rows = Collateral.objects.children_of(loan).filter(in_force_on(as_of), kind=Kind.LIVESTOCK)
    return rows.aggregate(heads=Coalesce(Sum("head_count"), 0))["heads"]


def loan_inspections(loan) -> list[Inspection]:
    return list(Inspection.objects.children_of(loan).select_related("officer").annotate(photo_count=Count("photos")))


def inspection_in_scope(user, pk: int) -> Inspection:
    return get_object_or_404(
        Inspection.objects.visible_to(user).select_related("loan", "loan__customer", "officer"), pk=pk
    )


def photo_in_scope(user, pk: int) -> InspectionPhoto:
    return get_object_or_404(InspectionPhoto.objects.visible_to(user), pk=pk)


def photos_of(inspection) -> list[InspectionPhoto]:
    return list(inspection.photos.defer("content").order_by("id"))


def _warned(user, params, as_of: date):
    loans = Loan.objects.visible_to(user)
    if officer := _int(params.get("officer")):
        loans = loans.filter(officer_id=officer)
    if village := _int(params.get("village")):
        loans = loans.filter(customer__village_id=village)
    only = params.get("rule") if params.get("rule") in RuleCode.values else ""
    rules = [r for r in rules_in_force() if not only or r.code == only]
    cte, cte_params = warned_cte(loans, as_of, rules)
    where, where_params = ["true"], []
    if (level := _int(params.get("level"))) in Level.values:
        where.append("warning_level = %s")
        where_params.append(level)
    if params.get("ack") == "open":
        sql, open_params = open_sql(rules, as_of)
        where.append(sql)
        where_params += open_params
    return cte, " AND ".join(where), [*cte_params, *where_params], rules


def _level_sums(over: str = "") -> str:
    return ", ".join(
        f"sum(CASE WHEN warning_level = {lv.value} THEN 1 ELSE 0 END){over} AS level_{lv.value}" for lv in Level
    )


def _fetch(sql: str, params: list) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _totals(cte: str, where: str, params: list) -> dict:
    [row] = _fetch(f"{cte} SELECT count(*) AS count, {_level_sums()} FROM warned WHERE {where}", params)
    return {k: int(v or 0) for k, v in row.items()}


def warning_list(user, params, as_of: date):
    """Warned loans in scope as of `as_of`, by level, rule, officer and village; `ack=open`
    keeps those with a warning nobody acknowledged lately. Highest level first: (loans with
    `warning_level` and their `w_<rule>` flags, rules, totals)."""
    cte, where, sql_params, rules = _warned(user, params, as_of)
    flags = ", ".join(f"w_{r.code}" for r in rules)
    rows = _fetch(
        f"{cte} SELECT id AS pk, warning_level{', ' + flags if flags else ''} FROM warned WHERE {where}"
        " ORDER BY warning_level DESC, id",
        sql_params,
    )
    return warning_rows(user, rows), rules, _totals(cte, where, sql_params)


class _OnePage:
    """The rows of one page, already read, standing for the whole list to Django's paginator."""

    def __init__(self, rows: list, count: int):
        self.rows, self.count_ = rows, count

    def __len__(self) -> int:
        return self.count_

    def __getitem__(self, _slice):
        return self.rows


def warning_page(user, params, as_of: date, number: int, size: int):
    """(page, rules, totals) of the warning list: the page's rows and the list's totals (by level)
    in one statement — the rules are computed once."""
    from django.core.paginator import Paginator

    cte, where, sql_params, rules = _warned(user, params, as_of)
    flags = "".join(f", w_{r.code}" for r in rules)
    page_sql = (
        f"{cte} SELECT id AS pk, warning_level{flags}, count(*) OVER () AS total, {_level_sums(' OVER ()')}"
        f" FROM warned WHERE {where} ORDER BY warning_level DESC, id LIMIT %s OFFSET %s"
    )
    rows = _fetch(page_sql, [*sql_params, size, (number - 1) * size])
    if rows:
        totals = {"count": rows[0]["total"], **{f"level_{lv.value}": int(rows[0][f"level_{lv.value}"]) for lv in Level}}
    else:  # past the last page, or nothing warned: count, then show the last page
        totals = _totals(cte, where, sql_params)
        number = max(1, -(-totals["count"] // size))
        rows = _fetch(page_sql, [*sql_params, size, (number - 1) * size]) if totals["count"] else []
    for row in rows:
        for name in ["total", *(f"level_{lv.value}" for lv in Level)]:
            row.pop(name)
    paginator = Paginator(_OnePage(warning_rows(user, rows), totals["count"]), size)
    return paginator.page(number), rules, totals


def warning_rows(user, page_values: list[dict]) -> list[Loan]:
    """The loans of a page of `warning_list(...).values(...)` rows (pk, level and the rule
    flags, computed once by the page's query), read in one query with what the page shows."""
    loans = Loan.objects.visible_to(user).filter(pk__in=[row["pk"] for row in page_values]).select_related(*RELATED)
    by_pk = {loan.pk: loan for loan in loans}
    rows = []
    for values in page_values:
        loan = by_pk.get(values["pk"])
        if loan is not None:
            for name, value in values.items():
                if name != "pk":
                    setattr(loan, name, value)
            rows.append(loan)
    return rows


def warnings_for_rows(user, loans: list[Loan], rules, as_of: date) -> None:
    """Fill `loan.warnings` — [{code, label, level, detail, ack}] — on a page of warned loans:
    a fixed number of queries for the page, never one per row."""
    ids = [loan.pk for loan in loans]
    details = _details(ids, as_of)
    since = as_of - timedelta(days=WarningAck.ACK_VALID_DAYS)
    acks = {}
    for ack in (
        WarningAck.objects.children_of(ids)
        .filter(acknowledged_on__lte=as_of, acknowledged_on__gt=since)
        .select_related("acknowledged_by")
        .order_by("acknowledged_on", "id")
    ):
        acks[(ack.loan_id, ack.rule)] = ack
    for loan in loans:
        loan.warnings = [
            {
                "code": r.code,
                "label": r.label,
                "level": r.level,
                "level_label": Level(r.level).label,
                "detail": details.get((loan.pk, r.code), ""),
                "ack": acks.get((loan.pk, r.code)),
            }
            for r in rules
            if getattr(loan, f"w_{r.code}", False)
        ]


def _details(ids: list[int], as_of: date) -> dict:
    """What triggered each rule on these loans, as short text."""
    from django.utils.translation import gettext as _

    out = {}
    if not ids:
        return out
    settled = (
        Installment.objects.children_of(ids)
        .in_force(as_of)
        .filter(settled_on__isnull=False, settled_on__lte=as_of)
        .order_by("loan_id", "-period")
        .values_list("loan_id", "settled_on", "payable_on")
    )
    lateness: dict[int, list[int]] = {}
    for loan_id, settled_on, payable_on in settled:
        if len(lateness.setdefault(loan_id, [])) < 4:
            lateness[loan_id].append((settled_on - payable_on).days)
    for loan_id, days in lateness.items():
        out[(loan_id, RuleCode.PAYING_LATER)] = _("days late: %(days)s") % {
            "days": " → ".join(map(str, reversed(days)))
        }
    latest = {}
    for inspection in (
        Inspection.objects.children_of(ids).filter(inspected_on__lte=as_of).order_by("loan_id", "inspected_on", "id")
    ):
        latest[inspection.loan_id] = inspection
    for loan_id, i in latest.items():
        out[(loan_id, RuleCode.INSPECTION_FINDING)] = f"{i.inspected_on:%Y-%m-%d} {i.findings[:40]}"
        out[(loan_id, RuleCode.HEAD_COUNT_SHORT)] = _("%(found)s found of %(pledged)s pledged on %(day)s") % {
            "found": i.head_count_found,
            "pledged": i.head_count_pledged,
            "day": f"{i.inspected_on:%Y-%m-%d}",
        }
    insured = (
        Collateral.objects.children_of(ids).filter(in_force_on(as_of), insured_to__gte=as_of).order_by("insured_to")
    )
    for c in insured.values("loan_id", "insurer", "policy_number", "insured_to"):
        out.setdefault(
            (c["loan_id"], RuleCode.INSURANCE_EXPIRING),
            _("%(insurer)s policy %(policy)s ends on %(day)s")
            % {"insurer": c["insurer"], "policy": c["policy_number"], "day": f"{c['insured_to']:%Y-%m-%d}"},
        )
    return out


def loan_warnings(user, loan, as_of: date) -> list[dict]:
    """The warnings of one loan in scope (the loan page, the customer page)."""
    rows, rules = with_warnings(Loan.objects.visible_to(user), as_of, among=[loan.pk])
    rows = list(rows)
    warnings_for_rows(user, rows, rules, as_of)
    return rows[0].warnings if rows else []


def customer_warnings(user, customer, as_of: date) -> list[Loan]:
    loans = Loan.objects.visible_to(user).filter(customer=customer)
    rows, rules = with_warnings(loans, as_of, among=list(loans.values_list("pk", flat=True)))
    rows = list(rows.order_by("-warning_level", "id"))
    warnings_for_rows(user, rows, rules, as_of)
    return rows


def warning_counts(user, as_of: date) -> dict:
    """Warned loans by rule (报表: warnings by rule) and by level, one statement."""
    rules = rules_in_force()
    cte, params = warned_cte(Loan.objects.visible_to(user), as_of, rules)
    by_rule = "".join(f", sum(CASE WHEN w_{r.code} THEN 1 ELSE 0 END) AS rule_{r.code}" for r in rules)
    [row] = _fetch(f"{cte} SELECT count(*) AS count{by_rule}, {_level_sums()} FROM warned", params)
    figures = {k: int(v or 0) for k, v in row.items()}
    return {
        "count": figures["count"],
        "rules": [{"rule": r, "count": figures[f"rule_{r.code}"]} for r in rules],
        "levels": [{"level": lv, "count": figures[f"level_{lv.value}"]} for lv in Level],
    }


def inspections_by_officer(user, date_from: date, date_to: date, as_of: date) -> list[dict]:
    """Per loan officer: inspections done in [from, to], and loans whose visit is overdue as of `as_of`."""
    done = (
        Inspection.objects.visible_to(user)
        .filter(inspected_on__gte=date_from, inspected_on__lte=date_to)
        .values("loan__officer_id", "loan__officer__real_name")
        .annotate(done=Count("id"), visits=Count("id", filter=Q(way="visit")))
        .order_by()
    )
    schedule = with_schedule(Loan.objects.visible_to(user).filter(active_on(as_of)), as_of)
    overdue = (
        schedule.values("officer_id", "officer__real_name")
        .annotate(overdue=Count("id", filter=Q(next_inspection__lt=as_of)), loans=Count("id"))
        .order_by()
    )
    table: dict[int, dict] = {}
    for row in overdue:
        table[row["officer_id"]] = {
            "officer": row["officer__real_name"],
            "loans": row["loans"],
            "overdue": row["overdue"],
            "done": 0,
            "visits": 0,
        }
    for row in done:
        entry = table.setdefault(
            row["loan__officer_id"],
            {"officer": row["loan__officer__real_name"], "loans": 0, "overdue": 0, "done": 0, "visits": 0},
        )
        entry.update(done=row["done"], visits=row["visits"])
    return sorted(table.values(), key=lambda r: (-r["overdue"], r["officer"] or ""))


def collateral_by_kind_and_village(user) -> list[dict]:
    """Collateral in force in scope by kind and village (the item's village, else the borrower's)."""
    rows = (
        Collateral.objects.visible_to(user)
        .filter(released_on__isnull=True)
        .annotate(place=Coalesce("village__name", "loan__customer__village__name"))
        .values("kind", "place")
        .annotate(items=Count("id"), heads=Sum("head_count"), value=Sum("value"), loans=Count("loan", distinct=True))
        .order_by("kind", "place")
    )
    labels = dict(Kind.choices)
    return [{**r, "kind_label": labels.get(r["kind"], r["kind"])} for r in rows]


def officers_in_scope(user):
    """Officers of the loans in scope (the filter's choices): a probe per officer of the index
    by officer and branch (postloan migration 0003)."""
    from django.contrib.auth import get_user_model

    ids = Loan.objects.visible_to(user).values("officer_id")
    return get_user_model().objects.filter(pk__in=ids).order_by("real_name").only("id", "real_name")


def villages_in_scope(user):
    """Villages of the borrowers of the loans in scope (the filter's choices): the borrowers'
    villages are read from the index of customer ids with their village (postloan migration 0003)."""
    from xindai.org.models import Region

    ids = Loan.objects.visible_to(user).filter(settled_on__isnull=True).values("customer__village_id")
    return Region.objects.filter(pk__in=ids).order_by("name").only("id", "name")
