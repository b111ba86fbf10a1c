"""Who a mass sending goes to: the recipients of a compose request, read the same way by the
compose page (to count and preview them) and by the background job that builds the messages."""

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xindai.customers.models import Customer
from xindai.customers.selectors import customer_search
from xindai.loans.models import Installment, Loan
from xindai.loans.selectors import loan_search
from xindai.messaging import mass_sending
from xindai.messaging.forms import NumbersForm, UsersForm
from xindai.org.models import User
from xindai.repayments.selectors import installment_search

SOURCES = {
    "customers": gettext_lazy("customers of the list"),
    "loans": gettext_lazy("borrowers of the list"),
    "due": gettext_lazy("installments of the list"),
    "users": gettext_lazy("system users"),
    "numbers": gettext_lazy("numbers typed in"),
}


def recipients_for(user, source: str, data: QueryDict):
    """(recipients, extra form) for `source` with the request's data, in `user`'s scope. The
    order is the list's, so that reading it again gives the same recipients."""
    query = QueryDict(data.get("query", ""))
    ids = [int(i) for i in data.getlist("ids") if i.isdigit()]
    if source == "customers":  # the ticked rows (or one customer's record), else the whole filtered list
        rows = Customer.objects.visible_to(user).filter(pk__in=ids).order_by("pk") if ids else None
        return mass_sending.from_customers(rows if ids else customer_search(user, query)[1]), None
    if source == "loans":
        rows = Loan.objects.visible_to(user).filter(pk__in=ids).order_by("pk") if ids else None
        return mass_sending.from_loans(rows if ids else loan_search(user, query)[1]), None
    if source == "due":
        options, _filterset, rows, _totals = installment_search(user, query)
        as_of = options.values()[1]
        if ids:
            rows = Installment.objects.visible_to(user).filter(pk__in=ids).order_by("pk")
        return mass_sending.from_installments(rows, as_of), None
    if source == "users":
        return _users(data)
    form = NumbersForm(data if "numbers" in data else None)
    if form.is_bound and form.is_valid():
        recipients, invalid = mass_sending.from_numbers(form.cleaned_data["numbers"])
        if invalid:
            form.add_error("numbers", _("Not mobile numbers: %(list)s") % {"list": "、".join(invalid[:20])})
        return recipients, form
    return [], form


def _users(data):
    form = UsersForm(data if "role" in data or "branch" in data else None)
    users = User.objects.filter(is_active=True).exclude(mobile="").order_by("pk")
    if form.is_bound and form.is_valid():
        if form.cleaned_data["role"]:
            users = users.filter(role=form.cleaned_data["role"])
        if form.cleaned_data["branch"]:
            users = users.filter(branch__path__startswith=form.cleaned_data["branch"].path)
    else:
        users = users.none()
    return mass_sending.from_users(users), form
