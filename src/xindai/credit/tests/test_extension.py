"""展期 and 重组: the rest of the plan regenerated as a dated contract change, within the limits of
domain.md, at most once unless the settings allow more; the loan watched afterwards."""

from datetime import date

import pytest

from xindai.core.errors import BusinessError
from xindai.credit import restructure
from xindai.credit.limits import extension_months_allowed, latest_end_date
from xindai.credit.models import CreditSettings, LoanChange
from xindai.credit.tests.helpers import D, loan_a, on
from xindai.loans.classification import with_classification
from xindai.loans.models import Installment, PlanVersion
from xindai.repayments.services import repayment_confirm
from xindai.reports import queries

pytestmark = pytest.mark.django_db


def _extend(world, loan, new_end, effective=date(2026, 3, 1), actor=None, reason="疫病减产"):
    return restructure.loan_change_apply(
        actor=actor or world.officer_a,
        loan_id=loan.pk,
        kind=LoanChange.Kind.EXTENSION,
        effective_from=effective,
        new_end_date=new_end,
        reason=reason,
    )


def test_limits_by_term():
    assert extension_months_allowed(6) == 6  # short-term: the original term
    assert extension_months_allowed(12) == 12
    assert extension_months_allowed(13) == 6  # medium-term: half, rounded down
    assert extension_months_allowed(36) == 18
    assert extension_months_allowed(60) == 30
    assert extension_months_allowed(61) == 36  # long-term: three years
    assert latest_end_date(date(2026, 1, 15), date(2026, 7, 15)) == date(2027, 1, 15)
    assert latest_end_date(date(2026, 1, 31), date(2028, 1, 31)) == date(2029, 1, 31)


def test_extension_regenerates_the_rest_of_the_plan_as_a_new_version(world):
    loan = loan_a(world)
    first = loan.installments.get(period=1)
    with on(date(2026, 2, 15)):
        repayment_confirm(actor=world.officer_a, installment_id=first.pk, amount=None, paid_on=date(2026, 2, 15))
    with on(date(2026, 3, 1)):
        change = _extend(world, loan, date(2027, 1, 15))
    loan.refresh_from_db()
    assert loan.end_date == date(2027, 1, 15)
    assert change.version.number == 2 and change.version.kind == PlanVersion.Kind.CONTRACT_CHANGE
    assert change.principal == D("10000.00") and change.watch_until == date(2027, 3, 1)
    rows = list(Installment.objects.children_of(loan).in_force())
    assert [r.period for r in rows] == list(range(1, 13))
    assert rows[0].settled_on == date(2026, 2, 15)  # the paid period stays as it was
    new = rows[1:]
    assert [r.due_date for r in new][:2] == [date(2026, 3, 15), date(2026, 4, 15)]
    assert new[-1].due_date == date(2027, 1, 15)
    assert [r.principal for r in new] == [D("909.09")] * 10 + [D("909.10")]
    assert sum(r.principal for r in new) == D("10000.00")
    assert [r.interest for r in new][:3] == [D("50.00"), D("45.45"), D("40.91")]
    old = Installment.objects.children_of(loan).filter(superseded_on=date(2026, 3, 1))
    assert old.count() == 5 and set(old.values_list("superseded_by", flat=True)) == {change.version_id}
    # The plan in force before the change is still what it was on those dates.
    before = list(Installment.objects.children_of(loan).in_force(date(2026, 2, 28)))
    assert [r.due_date for r in before][-1] == date(2026, 7, 15)
    assert [r.principal for r in before] == [D("2000.00")] * 6


def test_extension_beyond_the_limit_is_refused(world):
    loan = loan_a(world)
    with on(date(2026, 3, 1)), pytest.raises(BusinessError) as err:
        _extend(world, loan, date(2027, 2, 15))
    assert "2027-01-15" in str(err.value)
    assert not LoanChange.objects.children_of(loan).exists()


def test_extension_at_most_once_unless_the_settings_allow_more(world):
    loan = loan_a(world)
    with on(date(2026, 3, 1)):
        _extend(world, loan, date(2026, 10, 15))
    with on(date(2026, 4, 1)), pytest.raises(BusinessError) as err:
        _extend(world, loan, date(2026, 12, 15), effective=date(2026, 4, 1))
    assert str(err.value) == str(restructure.TOO_MANY % {"count": 1, "max": 1})
    CreditSettings.objects.update_or_create(pk=1, defaults={"max_extensions": 2})
    with on(date(2026, 4, 1)):
        _extend(world, loan, date(2027, 1, 15), effective=date(2026, 4, 1))
        # Over all extensions the limit stays the original term.
        with pytest.raises(BusinessError):
            CreditSettings.objects.filter(pk=1).update(max_extensions=3)
            _extend(world, loan, date(2027, 2, 15), effective=date(2026, 4, 2))


def test_extension_after_the_end_date_is_refused(world):
    loan = loan_a(world)
    with on(date(2026, 8, 1)), pytest.raises(BusinessError):
        _extend(world, loan, date(2026, 12, 15), effective=date(2026, 7, 20))


def test_restructuring_changes_method_and_rate(world):
    loan = loan_a(world)
    with on(date(2026, 3, 1)):
        change = restructure.loan_change_apply(
            actor=world.officer_a,
            loan_id=loan.pk,
            kind=LoanChange.Kind.RESTRUCTURING,
            effective_from=date(2026, 3, 1),
            new_end_date=date(2027, 3, 15),
            method="quarterly_interest",
            annual_rate=D("4.80"),
            reason="重组",
        )
    loan.refresh_from_db()
    assert (loan.method, loan.annual_rate, loan.end_date) == ("quarterly_interest", D("4.80"), date(2027, 3, 15))
    new = list(Installment.objects.children_of(loan).filter(version=change.version).order_by("period"))
    # An amortizing plan takes a new rate from the next period (as a contract change does): period 2
    # (due 2026-03-15) stays; periods 3..6 (8,000.00 from 2026-03-15) are re-planned quarterly.
    assert change.principal == D("8000.00")
    assert [(r.period, r.due_date) for r in new] == [
        (3, date(2026, 3, 20)),
        (4, date(2026, 6, 20)),
        (5, date(2026, 9, 20)),
        (6, date(2026, 12, 20)),
        (7, date(2027, 3, 15)),
    ]
    assert new[0].interest == D("5.33")  # 5 days × 8,000 × 4.80 % / 360
    assert new[1].interest == D("98.13")  # 92 days
    assert (new[-1].principal, new[-1].interest) == (D("8000.00"), D("90.67"))  # 85 days
    assert Installment.objects.children_of(loan).in_force().get(period=2).principal == D("2000.00")


def _category(loan, day):
    from xindai.loans.models import Loan

    return with_classification(Loan.objects.system("tests").filter(pk=loan.pk), day).values_list("category", flat=True)[
        0
    ]


def test_watched_loans_are_special_mention_or_worse_in_the_loan_and_the_quality_report(world):
    loan = loan_a(world)
    first = loan.installments.get(period=1)
    with on(date(2026, 2, 15)):
        repayment_confirm(actor=world.officer_a, installment_id=first.pk, amount=None, paid_on=date(2026, 2, 15))
    assert _category(loan, date(2026, 3, 10)) == "normal"
    with on(date(2026, 3, 1)):
        _extend(world, loan, date(2027, 1, 15))
    assert _category(loan, date(2026, 2, 28)) == "normal"  # before the extension: not watched
    assert _category(loan, date(2026, 3, 10)) == "special_mention"
    with on(date(2026, 3, 10)):
        report = queries.quality(queries_scope(), "branch", date(2026, 3, 10), compare=False)
    assert report.total["special_mention"] == D("10000.00") and report.total["normal"] == 0


def test_restructured_loan_overdue_again_during_the_watch_is_at_least_substandard(world):
    loan = loan_a(world)
    first = loan.installments.get(period=1)
    with on(date(2026, 2, 15)):
        repayment_confirm(actor=world.officer_a, installment_id=first.pk, amount=None, paid_on=date(2026, 2, 15))
    with on(date(2026, 3, 1)):
        restructure.loan_change_apply(
            actor=world.officer_a,
            loan_id=loan.pk,
            kind=LoanChange.Kind.RESTRUCTURING,
            effective_from=date(2026, 3, 1),
            new_end_date=date(2027, 1, 15),
            method="equal_principal",
            annual_rate=D("5.00"),
            reason="重组",
        )
    assert _category(loan, date(2026, 3, 10)) == "special_mention"
    assert _category(loan, date(2026, 3, 20)) == "substandard"  # 5 days overdue: 关注 suggested, 次级 floor
    with on(date(2026, 3, 20)):
        report = queries.quality(queries_scope(), "officer", date(2026, 3, 20), compare=False)
    assert report.total["substandard"] == D("10000.00")


def queries_scope():
    from xindai.core.scope import system_scope

    return system_scope("tests")
