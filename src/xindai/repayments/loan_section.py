"""The loan page's ledger: the loan's repayments and reversals, newest first."""

from xindai.loans.detail_sections import register
from xindai.repayments.models import Repayment
from xindai.repayments.selectors import ledger


@register
def ledger_section(user, loan) -> dict:
    return {"repayments": ledger(Repayment.objects.visible_to(user).filter(loan=loan))}
