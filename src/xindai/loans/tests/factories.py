from datetime import date
from decimal import Decimal

from xindai.loans.models import LoanType
from xindai.loans.services import LoanTerms, loan_create


def loan_type(name: str = "畜牧业贷款") -> LoanType:
    """A seeded loan type (re-created when a transactional test flushed the migration's rows)."""
    return LoanType.objects.get_or_create(
        name=name,
        defaults={
            "default_method": "quarterly_interest",
            "default_rate": Decimal("5.22"),
            "min_amount": Decimal("1000"),
            "max_amount": Decimal("1000000"),
            "max_term_months": 60,
        },
    )[0]


def terms(customer, officer, **overrides) -> LoanTerms:
    values = {
        "customer_id": customer.pk,
        "iou_number": f"IOU{customer.pk:06d}{overrides.pop('seq', 1)}",
        "amount": Decimal("50000.00"),
        "loan_type": loan_type(),
        "annual_rate": Decimal("5.22"),
        "start_date": date(2026, 2, 10),
        "end_date": date(2027, 2, 10),
        "method": "quarterly_interest",
        "handling_branch_id": officer.branch_id,
        "officer_id": officer.pk,
        "purpose": "购买基础母牛",
    }
    values.update(overrides)
    return LoanTerms(**values)


def make_loan(actor, customer, officer=None, **overrides):
    officer = officer or customer.registered_by
    return loan_create(actor=actor, terms=terms(customer, officer, **overrides))


def seeded_calendar_and_lpr() -> None:
    """The bank calendar and LPR table the migrations seed (again, when a transactional test
    flushed them)."""
    from xindai.loans.models import BankDay, LprQuote
    from xindai.loans.seeds import lpr_history, seed_bank_calendar

    seed_bank_calendar(BankDay)
    LprQuote.objects.bulk_create(
        [LprQuote(announced_on=day, one_year=one, five_year=five) for day, one, five in lpr_history()],
        ignore_conflicts=True,
    )
