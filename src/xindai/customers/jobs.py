"""The customer and contact lists' Excel exports, at once or in the background (jobs/exports.py)."""

from django.utils.translation import gettext as _

from xindai.customers import exports, selectors
from xindai.jobs.exports import Sheet, register_sheet


def customer_sheet(user, query) -> Sheet:
    _filterset, customers = selectors.customer_search(user, query)
    rows = customers.values(*exports.CUSTOMER_FIELDS).iterator(chunk_size=5000)
    return Sheet(_("customers"), exports.customer_columns(user), rows, customers.count())


def contact_sheet(user, query) -> Sheet:
    _filterset, contacts = selectors.contact_search(user, query)
    return Sheet(_("contacts"), exports.contact_columns(user), contacts.iterator(chunk_size=2000), contacts.count())


register_sheet("customers", "customers.export", customer_sheet)
register_sheet("contacts", "customers.export", contact_sheet)
