"""The loan list's Excel export, at once or in the background (jobs/exports.py)."""

from django.utils.translation import gettext as _

from xindai.jobs.exports import Sheet, register_sheet
from xindai.loans import exports, selectors


def loan_sheet(user, query) -> Sheet:
    _filterset, loans, totals = selectors.loan_search(user, query)
    rows = selectors.loans_for_export(loans).values(*exports.FIELDS).iterator(chunk_size=5000)
    return Sheet(_("loans"), exports.loan_columns(user), rows, totals["count"], totals)


register_sheet("loans", "loans.export", loan_sheet)
