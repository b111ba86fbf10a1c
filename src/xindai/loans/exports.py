"""The loan list as Excel, with the list's filters, scope, statuses and totals.

Rows are read as plain values (no model instances: 100,000 loans export in seconds); labels
are translated once per export, not once per cell.
"""

from django.utils.translation import gettext as _

from xindai.core.masking import shown
from xindai.core.xlsx import Column
from xindai.loans.models import CLASSIFICATION_CHOICES, RepaymentMethod
from xindai.loans.status import LoanStatus

FIELDS = (
    "iou_number",
    "customer__name",
    "customer__id_number",
    "customer__county__name",
    "customer__township__name",
    "customer__village__name",
    "loan_type__name",
    "amount",
    "outstanding_principal",
    "annual_rate",
    "method",
    "start_date",
    "end_date",
    "handling_branch__name",
    "officer__real_name",
    "status",
    "days_overdue",
    "category",
    "purpose",
)


def loan_columns(user) -> list[Column]:
    statuses = {LoanStatus.NORMAL: _("normal"), LoanStatus.OVERDUE: _("overdue"), LoanStatus.SETTLED: _("settled")}
    methods = {value: str(label) for value, label in RepaymentMethod.choices}
    categories = {value: str(label) for value, label in CLASSIFICATION_CHOICES}

    def address(row):
        return f"{row['customer__county__name']}{row['customer__township__name']}{row['customer__village__name']}"

    return [
        Column(_("IOU number"), lambda r: r["iou_number"], width=20),
        Column(_("customer"), lambda r: r["customer__name"], width=10),
        Column(_("ID number"), lambda r: shown(user, "id_number", r["customer__id_number"]), width=21),
        Column(_("address"), address, width=24),
        Column(_("loan type"), lambda r: r["loan_type__name"], width=14),
        Column(_("loan amount"), lambda r: r["amount"], "money", width=13, total="amount"),
        Column(
            _("outstanding principal"), lambda r: r["outstanding_principal"], "money", width=13, total="outstanding"
        ),
        Column(_("annual rate (%)"), lambda r: r["annual_rate"], "rate", width=9),
        Column(_("repayment method"), lambda r: methods[r["method"]], width=16),
        Column(_("start date"), lambda r: r["start_date"], "date", width=11),
        Column(_("end date"), lambda r: r["end_date"], "date", width=11),
        Column(_("handling branch"), lambda r: r["handling_branch__name"], width=14),
        Column(_("loan officer"), lambda r: r["officer__real_name"], width=10),
        Column(_("status"), lambda r: statuses[r["status"]], width=8),
        Column(_("days overdue"), lambda r: r["days_overdue"] or None, "int", width=8),
        Column(_("classification"), lambda r: categories[r["category"]], width=8),
        Column(_("purpose"), lambda r: r["purpose"], width=16),
    ]
