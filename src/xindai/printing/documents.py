"""What each form says, worked out once for the HTML page and the PDF alike.

A form is a plain record of display values: amounts as Decimal with their figures and
capitals, personal data already masked for users who may not see it in full (ux.md: "on
screen, in exports and in prints").
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from xindai.core.masking import sees_personal, shown
from xindai.core.money import format_amount
from xindai.core.templatetags.xindai import rate as format_rate
from xindai.loans.services import term_months
from xindai.printing.capitals import amount_in_capitals

NOTICE_PREFIX = "FK"  # 放款
RECEIPT_PREFIX = "KX"  # 扣息


@dataclass(frozen=True, slots=True)
class Notice:
    """放款通知单: the disbursement notice of a loan."""

    bank_name: str
    branch: str
    number: str
    date: date
    borrower: str
    id_number: str
    address: str
    mobile: str
    iou_number: str
    loan_type: str
    purpose: str
    amount: Decimal
    amount_figures: str
    amount_capitals: str
    annual_rate: str
    term_months: int
    start_date: date
    end_date: date
    method: str
    guarantee_group: str
    officer: str


@dataclass(frozen=True, slots=True)
class Receipt:
    """扣息回单: the interest deduction receipt of one installment."""

    loan_id: int
    bank_name: str
    branch: str
    number: str
    borrower: str
    iou_number: str
    period: int
    interest_from: date
    interest_to: date
    days: int
    interest_basis: Decimal
    interest_basis_figures: str
    annual_rate: str
    interest: Decimal
    interest_figures: str
    interest_capitals: str
    deducted_on: date


def notice_for(loan, *, user, bank_name: str) -> Notice:
    """The notice of a loan fetched by selectors.notice_loan (no further query)."""
    customer = loan.customer
    return Notice(
        bank_name=bank_name,
        branch=loan.handling_branch.name,
        number=NOTICE_PREFIX + loan.iou_number,
        date=loan.start_date,
        borrower=customer.name,
        id_number=shown(user, "id_number", customer.id_number),
        address=customer.address if sees_personal(user) else customer.address.removesuffix(customer.house_number),
        mobile=shown(user, "mobile", customer.mobile),
        iou_number=loan.iou_number,
        loan_type=loan.loan_type.name,
        purpose=loan.purpose,
        amount=loan.amount,
        amount_figures=figures(loan.amount),
        amount_capitals=amount_in_capitals(loan.amount),
        annual_rate=format_rate(loan.annual_rate),
        term_months=term_months(loan.start_date, loan.end_date),
        start_date=loan.start_date,
        end_date=loan.end_date,
        method=str(loan.get_method_display()),
        guarantee_group=loan.guarantee_group.name if loan.guarantee_group_id else "",
        officer=loan.officer.real_name,
    )


def receipt_for(installment, *, bank_name: str) -> Receipt:
    """The receipt of an installment fetched by the selectors (annotated `principal_before`)."""
    loan = installment.loan
    return Receipt(
        loan_id=loan.pk,
        bank_name=bank_name,
        branch=loan.handling_branch.name,
        number=f"{RECEIPT_PREFIX}{loan.iou_number}-{installment.period:02d}",
        borrower=loan.customer.name,
        iou_number=loan.iou_number,
        period=installment.period,
        interest_from=installment.start_date,
        interest_to=installment.due_date,
        days=(installment.due_date - installment.start_date).days,  # 算头不算尾
        interest_basis=loan.amount - installment.principal_before,
        interest_basis_figures=figures(loan.amount - installment.principal_before),
        annual_rate=format_rate(loan.annual_rate),
        interest=installment.interest,
        interest_figures=figures(installment.interest),
        interest_capitals=amount_in_capitals(installment.interest),
        deducted_on=installment.settled_on or installment.due_date,
    )


def figures(amount: Decimal) -> str:
    """The amount in figures as a bank form writes it: ¥12,345.60."""
    return "¥" + format_amount(amount)
