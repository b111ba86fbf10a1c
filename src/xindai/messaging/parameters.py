"""The template parameters ({客户姓名}, {应还合计}, ...), one registry: each one's name, its value
for an installment, how a call speaks it, and which template kinds may use it. Checking a text,
the pages' parameter lists and every sender's values read it; rendering.py only substitutes."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.conf import settings

from xindai.core.money import amount_in_words, format_amount
from xindai.loans.models import Installment
from xindai.loans.owed import with_owed
from xindai.messaging.models import SmsTemplate

RELATED = ("loan__customer", "loan__officer", "loan__handling_branch")


class Spoken(StrEnum):
    """How a call reads a value: as written, an amount in words (人民币…), a date as 月日."""

    TEXT = "text"
    AMOUNT = "amount"
    DATE = "date"


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    value: Callable[[Installment], str] | None  # of an installment annotated by owed_rows; None: a reply's
    spoken: Spoken = Spoken.TEXT
    kinds: frozenset[str] = frozenset(SmsTemplate.Kind.values)


REPLY = frozenset({SmsTemplate.Kind.REPLY})

REGISTRY: tuple[Parameter, ...] = (
    Parameter("客户姓名", lambda row: row.loan.customer.name),
    Parameter("借据编号", lambda row: row.loan.iou_number),
    Parameter("贷款金额", lambda row: format_amount(row.loan.amount), Spoken.AMOUNT),
    Parameter("到期日", lambda row: f"{row.due_date:%Y年%-m月%-d日}", Spoken.DATE),
    Parameter("应还本金", lambda row: format_amount(row.principal_owed), Spoken.AMOUNT),
    Parameter("应还利息", lambda row: format_amount(row.interest_owed), Spoken.AMOUNT),
    Parameter("罚息", lambda row: format_amount(row.penalty_owed + row.compound_owed), Spoken.AMOUNT),
    Parameter("应还合计", lambda row: format_amount(row.total_owed), Spoken.AMOUNT),
    Parameter("逾期天数", lambda row: str(max(row.days_overdue, 0))),
    Parameter("贷款余额", lambda row: format_amount(row.loan.outstanding_principal), Spoken.AMOUNT),
    Parameter("信贷员", lambda row: row.loan.officer.real_name),
    Parameter("信贷员电话", lambda row: row.loan.officer.mobile or ""),
    Parameter("支行", lambda row: row.loan.handling_branch.name),
    # An automatic reply's own: a customer's open loans (messaging/inbound.reply_values).
    Parameter("余额明细", None, kinds=REPLY),
    Parameter("还款明细", None, kinds=REPLY),
    Parameter("还款方式说明", None, kinds=REPLY),
)
INSTALLMENT = tuple(p for p in REGISTRY if p.value is not None)
NAMES = tuple(p.name for p in INSTALLMENT)  # the parameters of every kind of template


def names_for(kind: str) -> tuple[str, ...]:
    """The parameters a template of `kind` may use: every installment's, and its kind's own."""
    return NAMES + tuple(p.name for p in REGISTRY if p.value is None and kind in p.kinds)


def signature() -> str:
    """【签名】 as the provider prefixes it; counted in the segments the customer receives."""
    return f"【{settings.SMS_SIGN_NAME}】" if settings.SMS_SIGN_NAME else ""


def owed_rows(installments, as_of: date):
    """Installments with what they owe on `as_of` and the rows their parameters need."""
    return with_owed(installments, as_of).select_related(*RELATED)


def installment_values(row: Installment, *, voice: bool = False) -> dict[str, str]:
    """Parameter values of one installment annotated by `owed_rows`; for a call, written for the
    ear: amounts as 人民币 in words, dates as 月日."""
    values = {p.name: p.value(row) for p in INSTALLMENT}
    if voice:
        for p in INSTALLMENT:
            if p.spoken == Spoken.AMOUNT:
                values[p.name] = "人民币" + amount_in_words(Decimal(values[p.name].replace(",", "")))
            elif p.spoken == Spoken.DATE:
                values[p.name] = f"{row.due_date.month}月{row.due_date.day}日"
    return values


def user_values(user) -> dict[str, str]:
    return {"客户姓名": user.real_name, "信贷员": user.real_name, "信贷员电话": user.mobile or ""}
