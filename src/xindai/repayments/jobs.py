"""The due/overdue list's and the ledger's Excel exports, at once or in the background (jobs/exports.py)."""

from django.utils.translation import gettext as _

from xindai.jobs.exports import Sheet, register_sheet
from xindai.repayments import exports, selectors
from xindai.repayments.filters import OVERDUE


def due_sheet(user, query) -> Sheet:
    options, _filterset, rows, totals = selectors.installment_search(user, query)
    view, _as_of, _within = options.values()
    overdue = view == OVERDUE
    name = _("overdue installments") if overdue else _("installments falling due")
    return Sheet(name, exports.due_columns(user, overdue), selectors.rows_for_export(rows), totals["count"], totals)


def ledger_sheet(user, query) -> Sheet:
    _filterset, entries, totals = selectors.repayment_search(user, query)
    rows = (
        selectors.ledger(entries)
        .select_related("loan__customer", "loan__officer", "loan__handling_branch")
        .iterator(chunk_size=2000)
    )
    return Sheet(_("repayments"), exports.ledger_columns(user), rows, totals["count"], totals)


register_sheet("due", "loans.export", due_sheet)
register_sheet("ledger", "loans.export", ledger_sheet)
