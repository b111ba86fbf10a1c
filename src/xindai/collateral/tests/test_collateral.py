"""Collateral: coverage in SQL, ear tags unique among collateral in force, release after settlement."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from xindai.collateral import selectors, services
from xindai.collateral.models import Collateral, EarTag, Kind
from xindai.collateral.services import CollateralData
from xindai.collateral.tests.helpers import borrower_loan, cattle
from xindai.core.errors import BusinessError
from xindai.core.models import AuditLog
from xindai.core.scope import system_scope
from xindai.customers.tests.factories import make_id_number
from xindai.repayments.services import repayment_confirm

D = Decimal


@pytest.mark.django_db
def test_value_of_animals_is_per_head_times_head_count(world):
    loan = borrower_loan(world)
    item = cattle(loan, world.officer_a, heads=7, per_head="8333.335")
    assert item.value == D("58333.35")  # 58,333.345 rounded half-up to the 分


@pytest.mark.django_db
def test_coverage_is_value_less_haircut_over_outstanding_principal(world):
    loan = borrower_loan(world)  # 50,000.00 outstanding
    cattle(loan, world.officer_a, heads=10, per_head="8000.00")  # 80,000 × (1 − 0.5) = 40,000
    assert selectors.loan_coverage(world.officer_a, loan) == D("0.8000")
    services.haircuts_update(actor=world.admin, values={Kind.LIVESTOCK: D("0.3750")})  # 80,000 × 0.625 = 50,000
    assert selectors.loan_coverage(world.officer_a, loan) == D("1.0000")


@pytest.mark.django_db
def test_coverage_sums_kinds_each_with_its_haircut(world):
    loan = borrower_loan(world)
    cattle(loan, world.officer_a, heads=5, per_head="4000.00")  # 20,000 × 0.5 = 10,000
    services.collateral_add(
        actor=world.officer_a,
        loan=loan,
        data=CollateralData(kind=Kind.DEPOSIT, value=D("10000.00"), valued_on=date(2026, 2, 1), valuer="柜员"),
    )  # 10,000 × 0.9 = 9,000
    assert selectors.loan_coverage(world.officer_a, loan) == D("0.3800")  # 19,000 / 50,000


@pytest.mark.django_db
def test_list_below_coverage_keeps_loans_with_collateral_under_the_threshold(world):
    low, high, bare = borrower_loan(world, "C-1"), borrower_loan(world, "C-2"), borrower_loan(world, "C-3")
    cattle(low, world.officer_a, heads=10, per_head="8000.00")  # 0.80
    cattle(high, world.officer_a, heads=20, per_head="8000.00")  # 1.60
    ious = [loan.iou_number for loan in selectors.below_coverage(world.officer_a, D("1.00"))]
    assert ious == ["C-1"]  # the loan without collateral is not judged by it
    assert [loan.iou_number for loan in selectors.below_coverage(world.officer_a, D("0.80"))] == []
    assert {loan.iou_number for loan in selectors.below_coverage(world.officer_a, D("2"))} == {"C-1", "C-2"}
    assert bare.pk


@pytest.mark.django_db
def test_below_coverage_list_is_scoped(world):
    loan = borrower_loan(world)
    cattle(loan, world.officer_a)
    assert list(selectors.below_coverage(world.officer_b, D("5"))) == []
    assert list(selectors.below_coverage(world.township_user_a2, D("5"))) == []
    assert len(selectors.below_coverage(world.county_user_a, D("5"))) == 1


@pytest.mark.django_db
def test_an_ear_tag_is_pledged_once_among_collateral_in_force(world):
    first, second = borrower_loan(world, "C-1"), borrower_loan(world, "C-2")
    cattle(first, world.officer_a, heads=3, tags=["GS-001", "GS-002"])
    with pytest.raises(BusinessError) as err:
        cattle(second, world.officer_a, heads=3, tags=["GS-002", "GS-003"])
    assert str(err.value) == "以下耳标已抵押在有效的抵押物上：GS-002。"
    assert not Collateral.objects.system("test").filter(loan=second).exists()  # nothing written


@pytest.mark.django_db
def test_the_database_refuses_a_second_ear_tag_in_force(world):
    first, second = borrower_loan(world, "C-1"), borrower_loan(world, "C-2")
    a = cattle(first, world.officer_a, heads=3, tags=["GS-001"])
    b = cattle(second, world.officer_a, heads=3)
    with system_scope("test"), pytest.raises(IntegrityError), transaction.atomic():
        EarTag.objects.create(collateral=b, tag="GS-001")
    with system_scope("test"):
        EarTag.objects.create(collateral=b, tag="GS-001", in_force=False)  # a released one may repeat
    assert a.ear_tags.count() == 1


@pytest.mark.django_db
def test_ear_tags_entered_twice_or_more_than_animals_are_refused(world):
    loan = borrower_loan(world)
    with pytest.raises(BusinessError, match="重复"):
        cattle(loan, world.officer_a, heads=3, tags=["A1", "A1"])
    with pytest.raises(BusinessError, match="耳标"):
        cattle(loan, world.officer_a, heads=1, tags=["A1", "A2"])


@pytest.mark.django_db
def test_ear_tags_import_from_excel(world):
    import io

    import xlsxwriter

    loan = borrower_loan(world)
    item = cattle(loan, world.officer_a, heads=5, tags=["T-1"])
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    for row, value in enumerate(["耳标号", "t-2", "T-3", "", "T-1"]):
        sheet.write_string(row, 0, value)
    book.close()
    tags = services.tags_from_workbook(buffer.getvalue())
    assert tags == ["T-2", "T-3", "T-1"]
    assert services.ear_tags_add(actor=world.officer_a, collateral=item, tags=tags) == 2
    assert sorted(item.ear_tags.values_list("tag", flat=True)) == ["T-1", "T-2", "T-3"]
    with pytest.raises(BusinessError):
        services.tags_from_workbook(b"not a workbook")


def _settle(world, loan):
    for row in loan.installments.order_by("period"):
        repayment_confirm(actor=world.officer_a, installment_id=row.pk, amount=None, paid_on=row.due_date)
    loan.refresh_from_db()


@pytest.mark.django_db
def test_release_is_refused_before_settlement(world):
    loan = borrower_loan(world)
    cattle(loan, world.officer_a, tags=["GS-9"])
    with pytest.raises(BusinessError) as err:
        services.loan_release(actor=world.officer_a, loan=loan, released_on=date(2026, 11, 30))
    assert str(err.value) == "贷款 C-1 尚未结清：抵押物只能在结清后解除。"


@pytest.mark.django_db
def test_release_after_settlement_is_dated_audited_and_frees_the_ear_tags(world):
    loan = borrower_loan(world, start_date=date(2025, 6, 10), end_date=date(2026, 6, 10))
    cattle(loan, world.officer_a, tags=["GS-9"])
    services.guarantor_add(
        actor=world.officer_a, loan=loan, customer_id=None, name="李四", id_number=make_id_number(401),
        mobile="", relationship="邻居", amount=D("20000"), signed_on=date(2025, 6, 10),
    )  # fmt: skip
    _settle(world, loan)
    assert loan.settled_on == date(2026, 6, 10)
    with pytest.raises(BusinessError):
        services.loan_release(actor=world.officer_a, loan=loan, released_on=date(2026, 6, 9))  # before settlement
    assert services.loan_release(actor=world.officer_a, loan=loan, released_on=date(2026, 6, 12)) == 2
    item = Collateral.objects.system("test").get(loan=loan)
    assert item.released_on == date(2026, 6, 12) and item.released_by == world.officer_a
    assert AuditLog.objects.system("test").filter(action="collateral.loan.released").count() == 1
    other = borrower_loan(world, "C-2")
    cattle(other, world.officer_a, tags=["GS-9"])  # the tag is free again
    assert selectors.loan_coverage(world.officer_a, loan) is None  # nothing outstanding


@pytest.mark.django_db
def test_no_collateral_on_a_settled_loan(world):
    loan = borrower_loan(world, start_date=date(2025, 6, 10), end_date=date(2026, 6, 10))
    _settle(world, loan)
    with pytest.raises(BusinessError, match="已结清"):
        cattle(loan, world.officer_a)


@pytest.mark.django_db
def test_a_value_beyond_any_collateral_is_refused(world):
    loan = borrower_loan(world)
    with pytest.raises(BusinessError, match="超过"):
        cattle(loan, world.officer_a, heads=100_000, per_head="999999999.00")
    assert not Collateral.objects.system("test").exists()
