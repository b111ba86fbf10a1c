"""The loans' figures on the home page (业务查询), each linking to the list behind it."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core.money import format_amount
from xindai.core.overview import card, register
from xindai.loans.selectors import overview_figures


@register
def loan_cards(user) -> list[dict]:
    if not user.has_perm("loans.view"):
        return []
    today = timezone.localdate()
    f = overview_figures(user, today)
    url = reverse("loans:list")
    return [
        card("loans", _("Number of loans"), f"{f['loans']:,}", url),
        card("disbursed", _("Amount disbursed (yuan)"), format_amount(f["disbursed"]), url),
        card("outstanding", _("Outstanding principal (yuan)"), format_amount(f["outstanding"]), f"{url}?status=normal"),
        card(
            "overdue",
            _("Overdue loans"),
            f"{f['overdue_loans']:,}",
            f"{url}?status=overdue",
            note=_("outstanding %(amount)s yuan") % {"amount": format_amount(f["overdue_outstanding"])},
            alert=f["overdue_loans"] > 0,
        ),
        card(
            "due_7",
            _("Due in 7 days"),
            f"{f['due_7']:,}",
            f"{url}?due_within=7",
            note=_("%(amount)s yuan to collect") % {"amount": format_amount(f["due_7_amount"])},
        ),
        card(
            "due_30",
            _("Due in 30 days"),
            f"{f['due_30']:,}",
            f"{url}?due_within=30",
            note=_("%(amount)s yuan to collect") % {"amount": format_amount(f["due_30_amount"])},
        ),
    ]
