# ruff: noqa: S608, S611 - the SQL text below is built from constants only; every value is a parameter
"""Early warning (风险预警): the rules in force, computed in SQL over the loans of a scope as of a date.

Each enabled rule is one uncorrelated subquery giving the loans it fires on (PostgreSQL hashes it
once), tested against the caller's scoped loans: ``w_<rule>`` is true on a loan the rule fires on.
The rules and their thresholds (WarningRule):

- paying_later: each of the last N installments settled by the date was settled later after its
  payable date than the one before, the latest after its payable date (N = threshold, ≥ 2);
  installments settled in the last 18 months count.
- partial_payments: at least N payments in the 180 days up to the date left their installment
  owing (a later payment finished it, or nothing did yet); reversed payments do not count, nor do
  the history entries of an import (已还期数: whole installments by construction).
- group_overdue: another member of the loan's joint-guarantee group has an installment more
  than N days overdue on the date.
- low_coverage: the collateral in force covers less than N × the outstanding principal on the
  date (value × (1 − haircut)); loans without collateral are not judged by it.
- inspection_finding: the latest inspection on or before the date, within N days, found a risk.
- head_count_short: the latest inspection on or before the date counted more than N % fewer
  animals than were pledged.
- mobile_vacant: the borrower's mobile is flagged 空号.
- insurance_expiring: an insurance of collateral in force ends within N days of the date
  (the date itself included).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import BooleanField, Case, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.utils import timezone

from xindai.collateral.models import DEFAULT_HAIRCUTS
from xindai.postloan.models import RULE_DEFAULTS, RuleCode, WarningAck, WarningRule

PAYING_LATER_LOOKBACK_DAYS = 548
# The columns of `loans_loan` the rules' SQL reads (warned_cte selects these of the scoped loans).
RULE_COLUMNS = ("id", "customer_id", "guarantee_group_id", "outstanding_principal")
PARTIAL_WINDOW_DAYS = 180


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    level: int
    threshold: Decimal
    enabled: bool = True

    @property
    def label(self) -> str:
        return str(RuleCode(self.code).label)


def rules_in_force(*, include_disabled: bool = False) -> list[Rule]:
    """The rules as the bank set them (defaults for a rule it has not touched), enabled ones only."""
    stored = {r.code: r for r in WarningRule.objects.all()}
    rules = []
    for code, (level, threshold) in RULE_DEFAULTS.items():
        row = stored.get(code)
        if row is not None and not row.enabled and not include_disabled:
            continue
        if row is None:
            rules.append(Rule(code.value, int(level), threshold))
        else:
            rules.append(Rule(code.value, row.level, row.threshold, row.enabled))
    return rules


def _in_force(alias: str) -> str:
    return f"{alias}.in_force_from <= %s AND ({alias}.superseded_on IS NULL OR {alias}.superseded_on > %s)"


def _haircut_sql() -> str:
    cases = " ".join(f"WHEN '{kind.value}' THEN {value}" for kind, value in DEFAULT_HAIRCUTS.items())
    return f"COALESCE(h.haircut, CASE c.kind {cases} END)"


def _collateral_in_force() -> str:
    return "c.created_at::date <= %s AND (c.released_on IS NULL OR c.released_on > %s)"


def _among(column: str, among: list[int] | None) -> tuple[str, list]:
    """A restriction of a rule's subquery to some loans (one loan's page, a page of the list):
    the subquery is then computed for those loans only, not for the whole bank."""
    if among is None:
        return "", []
    return f" AND {column} = ANY(%s)", [list(among)]


def rule_sql(rule: Rule, as_of: date, among: list[int] | None = None) -> tuple[str, list]:
    """(SQL over the outer table `loans_loan`, params): true on a loan the rule fires on;
    `among`: only these loans can fire (the subquery is restricted to them)."""
    n = rule.threshold
    if rule.code == RuleCode.PAYING_LATER:
        return _paying_later(max(int(n), 2), as_of, among)
    if rule.code == RuleCode.PARTIAL_PAYMENTS:
        only, only_params = _among("r.loan_id", among)
        sql = f"""loans_loan.id IN (
            SELECT r.loan_id FROM repayments_repayment r JOIN loans_installment i ON i.id = r.installment_id
            WHERE r.reverses_id IS NULL AND r.channel <> 'history' AND r.paid_on <= %s AND r.paid_on > %s
              AND NOT EXISTS (SELECT 1 FROM repayments_repayment x
                              WHERE x.reverses_id = r.id AND x.accounting_date <= %s)
              AND (i.settled_on IS NULL OR i.settled_on > r.paid_on){only}
            GROUP BY r.loan_id HAVING count(*) >= %s)"""
        return sql, [as_of, as_of - timedelta(days=PARTIAL_WINDOW_DAYS), as_of, *only_params, max(int(n), 1)]
    if rule.code == RuleCode.GROUP_OVERDUE:
        return _group_overdue(as_of - timedelta(days=int(n)), as_of, among)
    if rule.code == RuleCode.LOW_COVERAGE:
        only, only_params = _among("c.loan_id", among)
        # The outstanding principal on a past date: today's plus what was booked after that date.
        later, later_params = "", []
        if as_of < timezone.localdate():
            later = """ + COALESCE((SELECT sum(r.principal) FROM repayments_repayment r
                WHERE r.loan_id = c.loan_id AND r.accounting_date > %s), 0)"""
            later_params = [as_of]
        sql = f"""loans_loan.id IN (
            SELECT c.loan_id FROM collateral_collateral c
            JOIN loans_loan l ON l.id = c.loan_id
            LEFT JOIN collateral_haircut h ON h.kind = c.kind
            WHERE {_collateral_in_force()}{only}
            GROUP BY c.loan_id, l.outstanding_principal
            HAVING sum(c.value * (1 - {_haircut_sql()})) < %s * (l.outstanding_principal{later}))"""
        return sql, [as_of, as_of, *only_params, n, *later_params]
    if rule.code in (RuleCode.INSPECTION_FINDING, RuleCode.HEAD_COUNT_SHORT):
        only, only_params = _among("p.loan_id", among)
        if rule.code == RuleCode.INSPECTION_FINDING:
            condition, params = "x.risk_found AND x.inspected_on > %s", [as_of - timedelta(days=int(n))]
        else:
            condition = (
                "x.head_count_found IS NOT NULL AND x.head_count_found * 100 < x.head_count_pledged * (100 - %s)"
            )
            params = [n]
        sql = f"""loans_loan.id IN (
            SELECT x.loan_id FROM (
                SELECT DISTINCT ON (p.loan_id) p.loan_id, p.inspected_on, p.risk_found, p.head_count_found,
                       p.head_count_pledged
                FROM postloan_inspection p WHERE p.inspected_on <= %s{only}
                ORDER BY p.loan_id, p.inspected_on DESC, p.id DESC
            ) x WHERE {condition})"""
        return sql, [as_of, *only_params, *params]
    if rule.code == RuleCode.MOBILE_VACANT:
        only, only_params = _among("id IN (SELECT customer_id FROM loans_loan WHERE id", among)
        only = only + ")" if only else ""
        return f"loans_loan.customer_id IN (SELECT id FROM customers_customer WHERE mobile_vacant{only})", only_params
    if rule.code == RuleCode.INSURANCE_EXPIRING:
        only, only_params = _among("c.loan_id", among)
        sql = f"""loans_loan.id IN (
            SELECT c.loan_id FROM collateral_collateral c
            WHERE {_collateral_in_force()} AND c.insured_to >= %s AND c.insured_to <= %s{only})"""
        return sql, [as_of, as_of, as_of, as_of + timedelta(days=int(n)), *only_params]
    raise ValueError(rule.code)


def _paying_later(count: int, as_of: date, among) -> tuple[str, list]:
    """The last `count` settled installments, each later than the one before, the latest late.
    Only loans with a late settlement in the lookback can fire (the latest is one): they are
    found on a partial index of late settlements, and only their last installments are read
    (an index-only read of the settled installments by period, latest first)."""
    only, only_params = _among("j.loan_id", among)
    lookback = as_of - timedelta(days=PAYING_LATER_LOOKBACK_DAYS)
    # lates[1] is the latest settled installment's days late, lates[2] the one before, ...
    sql = f"""loans_loan.id IN (
        SELECT late.loan_id FROM (
            SELECT DISTINCT j.loan_id FROM loans_installment j
            WHERE j.settled_on > j.payable_on AND j.settled_on <= %s AND j.settled_on > %s{only}
        ) late
        CROSS JOIN LATERAL (
            SELECT array_agg(x.late ORDER BY x.period DESC) AS lates FROM (
                SELECT i.period, i.settled_on - i.payable_on AS late FROM loans_installment i
                WHERE i.loan_id = late.loan_id AND i.settled_on IS NOT NULL AND i.settled_on <= %s
                  AND i.settled_on > %s AND {_in_force("i")}
                ORDER BY i.period DESC LIMIT %s
            ) x
        ) a
        WHERE cardinality(a.lates) = %s AND a.lates[1] > 0
          AND NOT EXISTS (SELECT 1 FROM generate_subscripts(a.lates, 1) k
                          WHERE k < %s AND a.lates[k] <= a.lates[k + 1]))"""
    return sql, [as_of, lookback, *only_params, as_of, lookback, as_of, as_of, count, count, count]


def _group_overdue(limit: date, as_of: date, among) -> tuple[str, list]:
    """Another member of the loan's group has an installment payable before `limit` unsettled on
    `as_of`: found in the three branches of loans.owed.unsettled_on (each on its partial
    index: unpaid, settled later, superseded later), grouped once; the loans that fire are the
    (group, customer) pairs of a group with two overdue members, or one that is not the customer."""
    only, only_params = _among("l2.guarantee_group_id IN (SELECT guarantee_group_id FROM loans_loan WHERE id", among)
    only = only + ")" if only else ""
    overdue = """
        SELECT i.loan_id FROM loans_installment i WHERE i.settled_on IS NULL AND i.superseded_on IS NULL
            AND i.payable_on < %s AND i.in_force_from <= %s
        UNION SELECT i.loan_id FROM loans_installment i WHERE i.settled_on > %s AND i.payable_on < %s
            AND i.in_force_from <= %s AND (i.superseded_on IS NULL OR i.superseded_on > %s)
        UNION SELECT i.loan_id FROM loans_installment i WHERE i.superseded_on > %s AND i.settled_on IS NULL
            AND i.payable_on < %s AND i.in_force_from <= %s"""
    params = [limit, as_of, as_of, limit, as_of, as_of, as_of, limit, as_of, *only_params]
    # CASE first: a loan outside any group must not probe the pairs (a NULL on the left of a
    # hashed row IN makes PostgreSQL look for a partial match through the whole table).
    sql = f"""CASE WHEN loans_loan.guarantee_group_id IS NULL THEN false ELSE
        (loans_loan.guarantee_group_id, loans_loan.customer_id) IN (
        SELECT a.g, l3.customer_id FROM (
            SELECT l2.guarantee_group_id AS g, count(DISTINCT l2.customer_id) AS n, min(l2.customer_id) AS c
            FROM ({overdue}) o JOIN loans_loan l2 ON l2.id = o.loan_id
            WHERE l2.guarantee_group_id IS NOT NULL{only}
            GROUP BY l2.guarantee_group_id
        ) a JOIN loans_loan l3 ON l3.guarantee_group_id = a.g
        WHERE a.n >= 2 OR a.c <> l3.customer_id) END"""
    return sql, params


def active_on(as_of: date) -> Q:
    return Q(start_date__lte=as_of) & (Q(settled_on__isnull=True) | Q(settled_on__gt=as_of))


def with_warnings(loans, as_of: date, rules: list[Rule] | None = None, *, only: str = "", among=None):
    """`loans` (already through the scope door) active on `as_of`, each annotated with
    `w_<rule>` and `warning_level` (the highest level of the rules that fire, 0 for none),
    and kept only when a rule fires (`only`: that rule)."""
    rules = rules_in_force() if rules is None else rules
    if only:
        rules = [r for r in rules if r.code == only]
    loans = loans.filter(active_on(as_of))
    if not rules:
        return loans.none().annotate(warning_level=Value(0, output_field=IntegerField())), rules
    if among is not None:
        among = list(among)
        loans = loans.filter(pk__in=among)
    flags = {f"w_{r.code}": RawSQL(*rule_sql(r, as_of, among), output_field=BooleanField()) for r in rules}
    loans = loans.annotate(**flags)
    fired = Q()
    for name in flags:
        fired |= Q(**{name: True})
    levels = [Case(When(**{f"w_{r.code}": True}, then=Value(r.level)), default=Value(0)) for r in rules]
    level = Greatest(*levels, output_field=IntegerField()) if len(levels) > 1 else levels[0]
    return loans.filter(fired).annotate(warning_level=level), rules


def warned_cte(loans, as_of: date, rules: list[Rule]) -> tuple[str, list]:
    """The warned loans of `loans` (a queryset through the scope door) as SQL common table
    expressions `flagged` and `warned` (id, w_<rule>…, warning_level). Each rule's subquery is
    written once, in the materialised `flagged`, so PostgreSQL computes it once however often the
    list filters, orders and counts by the flags (an annotation would repeat it in each clause)."""
    # The scoped loans are the FROM itself (a derived table under the name the rules read), with
    # the columns the rules read: one scan of the scope, not the scope joined back to the table.
    base = loans.filter(active_on(as_of)).order_by().values(*RULE_COLUMNS)
    base_sql, base_params = base.query.sql_with_params()
    columns, params, joins, join_params = [], [], "", []
    for rule in rules:
        if rule.code == RuleCode.LOW_COVERAGE:
            # Joined once by loan (a hash join of the loans with collateral), not probed per loan.
            joins, join_params = _coverage_join(as_of)
            sql = "cov.covered IS NOT NULL AND cov.covered < %s * (loans_loan.outstanding_principal + cov.later)"
            rule_params = [rule.threshold]
        else:
            sql, rule_params = rule_sql(rule, as_of)
        columns.append(f"({sql}) AS w_{rule.code}")
        params += rule_params
    levels = ", ".join(f"CASE WHEN w_{r.code} THEN {int(r.level)} ELSE 0 END" for r in rules)
    fired = " OR ".join(f"w_{r.code}" for r in rules) or "false"
    sql = f"""WITH flagged AS MATERIALIZED (
            SELECT loans_loan.id{"".join(", " + c for c in columns)} FROM ({base_sql}) loans_loan{joins}),
        warned AS (SELECT *, GREATEST({levels or "0"}, 0) AS warning_level FROM flagged WHERE {fired})"""
    return sql, [*params, *base_params, *join_params]


def _coverage_join(as_of: date) -> tuple[str, list]:
    """LEFT JOIN `cov` (loan_id, covered, later): each loan's collateral in force on `as_of` at
    value × (1 − haircut), and the principal booked after `as_of` (0 for today)."""
    later, later_params = "0", []
    if as_of < timezone.localdate():
        later = """COALESCE((SELECT sum(r.principal) FROM repayments_repayment r
            WHERE r.loan_id = c.loan_id AND r.accounting_date > %s), 0)"""
        later_params = [as_of]
    sql = f"""
        LEFT JOIN (SELECT c.loan_id, sum(c.value * (1 - {_haircut_sql()})) AS covered, {later} AS later
                   FROM collateral_collateral c LEFT JOIN collateral_haircut h ON h.kind = c.kind
                   WHERE {_collateral_in_force()} GROUP BY c.loan_id) cov ON cov.loan_id = loans_loan.id"""
    return sql, [*later_params, as_of, as_of]


def open_sql(rules: list[Rule], as_of: date) -> tuple[str, list]:
    """SQL over `warned`: a rule fires that nobody acknowledged in the last ACK_VALID_DAYS.
    Each rule's acknowledgements are read once, as a hashed set of loans (an uncorrelated NOT IN;
    `loan_id` is never NULL), not probed once per warned loan."""
    since = as_of - timedelta(days=WarningAck.ACK_VALID_DAYS)
    parts, params = [], []
    for rule in rules:
        parts.append(
            f"(w_{rule.code} AND warned.id NOT IN (SELECT a.loan_id FROM postloan_warningack a"
            " WHERE a.rule = %s AND a.acknowledged_on <= %s AND a.acknowledged_on > %s))"
        )
        params += [rule.code, as_of, since]
    return "(" + (" OR ".join(parts) or "false") + ")", params
