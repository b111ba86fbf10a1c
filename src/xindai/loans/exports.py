"""The loan list as Excel, with the list's filters, scope, statuses and totals."""

from django.utils.translation import gettext_lazy as _

from xindai.core.idnumber import mask_id_number
from xindai.core.xlsx import Column
from xindai.loans.status import LoanStatus
from xindai.repayments.quality import CATEGORY_LABELS, Category

STATUS_LABELS = {LoanStatus.NORMAL: _("normal"), LoanStatus.OVERDUE: _("overdue"), LoanStatus.SETTLED: _("settled")}
CATEGORIES = {
    Category.NORMAL: _("normal"),
    Category.SPECIAL_MENTION: _("special mention"),
    Category.SUBSTANDARD: _("substandard"),
    Category.DOUBTFUL: _("doubtful"),
    Category.LOSS: _("loss"),
}
assert set(CATEGORIES) == set(CATEGORY_LABELS)


def loan_columns(user) -> list[Column]:
    id_number = (lambda v: v) if user.has_perm("customers.view_personal") else mask_id_number

    def address(loan):
        c = loan.customer
        return f"{c.county.name}{c.township.name}{c.village.name}"

    return [
        Column(_("IOU number"), lambda loan: loan.iou_number, width=20),
        Column(_("customer"), lambda loan: loan.customer.name, width=10),
        Column(_("ID number"), lambda loan: id_number(loan.customer.id_number), width=21),
        Column(_("address"), address, width=24),
        Column(_("loan type"), lambda loan: loan.loan_type.name, width=14),
        Column(_("loan amount"), lambda loan: loan.amount, "money", width=13, total="amount"),
        Column(
            _("outstanding principal"), lambda loan: loan.outstanding_principal, "money", width=13, total="outstanding"
        ),
        Column(_("annual rate (%)"), lambda loan: loan.annual_rate, "rate", width=9),
        Column(_("repayment method"), lambda loan: loan.get_method_display(), width=16),
        Column(_("start date"), lambda loan: loan.start_date, "date", width=11),
        Column(_("end date"), lambda loan: loan.end_date, "date", width=11),
        Column(_("handling branch"), lambda loan: loan.handling_branch.name, width=14),
        Column(_("loan officer"), lambda loan: loan.officer.real_name, width=10),
        Column(_("status"), lambda loan: STATUS_LABELS[LoanStatus(loan.status)], width=8),
        Column(_("days overdue"), lambda loan: loan.days_overdue or None, "int", width=8),
        Column(_("classification"), lambda loan: CATEGORIES[Category(loan.category)], width=8),
        Column(_("purpose"), lambda loan: loan.purpose, width=16),
    ]
