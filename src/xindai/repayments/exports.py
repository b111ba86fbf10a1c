"""The due and overdue lists and the repayment ledger as Excel, with filters, scope and totals."""

from django.utils.translation import gettext_lazy as _

from xindai.core.masking import shown
from xindai.core.xlsx import Column
from xindai.loans.quality import BUCKET_LABELS, OverdueBucket


def _address(customer) -> str:
    return f"{customer.county.name}{customer.township.name}{customer.village.name}"


def due_columns(user, overdue: bool) -> list[Column]:
    columns = [
        Column(_("customer"), lambda r: r.loan.customer.name, width=10),
        Column(_("mobile"), lambda r: shown(user, "mobile", r.loan.customer.mobile), width=13),
        Column(_("IOU number"), lambda r: r.loan.iou_number, width=20),
        Column(_("period"), lambda r: r.period, "int", width=6),
        Column(_("due date"), lambda r: r.due_date, "date", width=11),
        Column(_("principal"), lambda r: r.principal_owed, "money", width=12, total="principal_owed"),
        Column(_("interest"), lambda r: r.interest_owed, "money", width=11, total="interest_owed"),
    ]
    if overdue:
        columns += [
            Column(_("penalty interest"), lambda r: r.penalty_owed, "money", width=11, total="penalty_owed"),
            Column(_("compound interest"), lambda r: r.compound_owed, "money", width=11, total="compound_owed"),
        ]
    columns.append(Column(_("total owed"), lambda r: r.total_owed, "money", width=13, total="total_owed"))
    if overdue:
        columns += [
            Column(_("days overdue"), lambda r: r.days_overdue, "int", width=8),
            Column(_("overdue bucket"), lambda r: str(_(BUCKET_LABELS[OverdueBucket(r.bucket)])), width=10),
        ]
    else:
        columns.append(Column(_("days left"), lambda r: -r.days_overdue, "int", width=8))
    return [
        *columns,
        Column(_("loan officer"), lambda r: r.loan.officer.real_name, width=10),
        Column(_("handling branch"), lambda r: r.loan.handling_branch.name, width=14),
        Column(_("address"), lambda r: _address(r.loan.customer), width=24),
    ]


def ledger_columns(user) -> list[Column]:
    return [
        Column(_("repayment date"), lambda r: r.paid_on, "date", width=11),
        Column(_("IOU number"), lambda r: r.loan.iou_number, width=20),
        Column(_("customer"), lambda r: r.loan.customer.name, width=10),
        Column(_("period"), lambda r: r.installment.period, "int", width=6),
        Column(_("amount"), lambda r: r.amount, "money", width=12, total="amount"),
        Column(_("principal"), lambda r: r.principal, "money", width=12, total="principal"),
        Column(_("interest"), lambda r: r.interest, "money", width=11, total="interest"),
        Column(_("penalty interest"), lambda r: r.penalty, "money", width=11, total="penalty"),
        Column(_("compound interest"), lambda r: r.compound, "money", width=11, total="compound"),
        Column(_("channel"), lambda r: r.get_channel_display(), width=8),
        Column(_("entry"), lambda r: _("reversal") if r.reverses_id else _("repayment"), width=8),
        Column(_("remark"), lambda r: r.remark, width=20),
        Column(_("loan officer"), lambda r: r.loan.officer.real_name, width=10),
        Column(_("handling branch"), lambda r: r.loan.handling_branch.name, width=14),
        Column(_("confirmed by"), lambda r: r.created_by.display_name, width=10),
        Column(_("confirmed at"), lambda r: r.created_at, "datetime", width=17),
    ]
