"""Existing databases (#17): the migration gives every loan its type's terms and a plan version 1,
every installment its penalty rates, every ledger entry an accounting date, and the periods
imported as repaid without ledger entries (已还期数) entries of channel 历史导入."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from xindai.customers.tests.factories import CustomerFactory
from xindai.org.models import RegionLevel
from xindai.org.tests.factories import RegionFactory, UserFactory

D = Decimal
BEFORE = [("loans", "0005_covering_unpaid_index"), ("repayments", "0002_early_repayment_classification")]


def _migrate(targets=None):
    """Migrate to `targets` (None: every app's latest migration); the apps as of then."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_terms_versions_accounting_dates_and_the_history_ledger():
    old = _migrate(BEFORE)
    # Branches, users and customers are as they are today (their apps did not change here).
    town = RegionFactory(level=RegionLevel.TOWNSHIP, parent=RegionFactory(level=RegionLevel.COUNTY))
    customer = CustomerFactory(
        village=RegionFactory(level=RegionLevel.VILLAGE, parent=town), registered_by=UserFactory()
    )
    user = customer.registered_by
    branch = old.get_model("org", "Branch").objects.get(pk=customer.registered_branch_id)
    user = old.get_model("org", "User").objects.get(pk=user.pk)
    customer = old.get_model("customers", "Customer").objects.get(pk=customer.pk)
    kind = old.get_model("loans", "LoanType").objects.create(
        name="老贷款", default_method="bullet", default_rate=D("4.35"), penalty_markup=D("0.6"), compound_interest=False
    )
    loan = old.get_model("loans", "Loan").objects.create(
        customer=customer,
        iou_number="OLD1",
        amount=D("1000.00"),
        loan_type=kind,
        annual_rate=D("4.35"),
        start_date=date(2025, 1, 1),
        end_date=date(2025, 3, 1),
        method="equal_principal",
        handling_branch=branch,
        officer=user,
        outstanding_principal=D("500.00"),
    )
    installments = old.get_model("loans", "Installment").objects
    first = installments.create(
        loan=loan,
        period=1,
        start_date=date(2025, 1, 1),
        due_date=date(2025, 2, 1),
        principal=D("500.00"),
        interest=D("3.63"),
        principal_paid=D("500.00"),
        interest_paid=D("3.63"),
        settled_on=date(2025, 2, 1),
    )
    second = installments.create(
        loan=loan,
        period=2,
        start_date=date(2025, 2, 1),
        due_date=date(2025, 3, 1),
        principal=D("500.00"),
        interest=D("1.81"),
        principal_paid=D("100.00"),
    )
    old.get_model("repayments", "Repayment").objects.create(
        loan=loan,
        installment=second,
        paid_on=date(2025, 3, 1),
        amount=D("100.00"),
        principal=D("100.00"),
        interest=D("0.00"),
        penalty=D("0.00"),
        compound=D("0.00"),
        created_by=user,
    )
    old.get_model("repayments", "Repayment").objects.filter(installment=second).update(
        created_at=datetime(2025, 3, 3, 9, tzinfo=datetime.now().astimezone().tzinfo)
    )

    new = _migrate()
    loan = new.get_model("loans", "Loan").objects.get(iou_number="OLD1")
    assert (loan.penalty_markup, loan.compound_interest, loan.holiday_rule) == (D("0.6"), False, "none")
    version = new.get_model("loans", "PlanVersion").objects.get(loan=loan)
    assert (version.number, version.kind, version.effective_from) == (1, "original", date(2025, 1, 1))
    rows = list(new.get_model("loans", "Installment").objects.filter(loan=loan).order_by("period"))
    assert {(r.version_id, r.payable_on == r.due_date, r.penalty_rate, r.compound_rate) for r in rows} == {
        (version.pk, True, D("6.96"), D("0"))  # 4.35 × 1.6, as computed until now; no compound
    }
    assert new.get_model("loans", "LoanType").objects.get(name="老贷款").penalty_markup == D("0.5")  # new loans
    ledger = new.get_model("repayments", "Repayment").objects.filter(loan=loan).order_by("installment__period")
    history, paid = list(ledger)
    assert (history.channel, history.installment_id, history.paid_on, history.accounting_date) == (
        "history",
        first.pk,
        date(2025, 2, 1),
        date(2025, 2, 1),
    )
    assert (history.principal, history.interest, history.amount) == (D("500.00"), D("3.63"), D("503.63"))
    assert (paid.channel, paid.paid_on, paid.accounting_date) == ("counter", date(2025, 3, 1), date(2025, 3, 3))
    assert new.get_model("loans", "BankDay").objects.filter(day=date(2026, 10, 1), kind="holiday").exists()
    assert new.get_model("loans", "LprQuote").objects.filter(announced_on=date(2025, 5, 20)).exists()
