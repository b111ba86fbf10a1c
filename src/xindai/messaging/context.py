"""The values of the template parameters for an installment, a customer or a user."""

from datetime import date
from decimal import Decimal

from django.conf import settings

from xindai.core.money import amount_in_words, format_amount
from xindai.loans.models import Installment
from xindai.loans.owed import with_owed

RELATED = ("loan__customer", "loan__officer", "loan__handling_branch")


def signature() -> str:
    """【签名】 as the provider prefixes it; counted in the segments the customer receives."""
    return f"【{settings.SMS_SIGN_NAME}】" if settings.SMS_SIGN_NAME else ""


def owed_rows(installments, as_of: date):
    """Installments with what they owe on `as_of` and the rows their parameters need."""
    return with_owed(installments, as_of).select_related(*RELATED)


def installment_values(row: Installment, *, voice: bool = False) -> dict[str, str]:
    """Parameter values of one installment annotated by `owed_rows`; for a call, written for the
    ear: amounts as 人民币 in words, dates as 月日."""
    loan, customer = row.loan, row.loan.customer
    values = {
        "客户姓名": customer.name,
        "借据编号": loan.iou_number,
        "贷款金额": format_amount(loan.amount),
        "到期日": f"{row.due_date:%Y年%-m月%-d日}",
        "应还本金": format_amount(row.principal_owed),
        "应还利息": format_amount(row.interest_owed),
        "罚息": format_amount(row.penalty_owed + row.compound_owed),
        "应还合计": format_amount(row.total_owed),
        "逾期天数": str(max(row.days_overdue, 0)),
        "贷款余额": format_amount(loan.outstanding_principal),
        "信贷员": loan.officer.real_name,
        "信贷员电话": loan.officer.mobile or "",
        "支行": loan.handling_branch.name,
    }
    if voice:
        for name in ("贷款金额", "应还本金", "应还利息", "罚息", "应还合计", "贷款余额"):
            values[name] = "人民币" + amount_in_words(Decimal(values[name].replace(",", "")))
        values["到期日"] = f"{row.due_date.month}月{row.due_date.day}日"
    return values


def customer_values(customer) -> dict[str, str]:
    """Parameter values for a customer without a particular installment (群发)."""
    return {"客户姓名": customer.name}


def user_values(user) -> dict[str, str]:
    return {"客户姓名": user.real_name, "信贷员": user.real_name, "信贷员电话": user.mobile or ""}
