"""Post-loan figures on the home page: inspections to make, warnings raised."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core.overview import card, register
from xindai.loans.models import Loan
from xindai.postloan.models import Level
from xindai.postloan.schedule import DUE_WINDOW_DAYS, active_on, with_schedule
from xindai.postloan.selectors import warning_counts


@register
def postloan_cards(user) -> list[dict]:
    if not user.has_perm("loans.view"):
        return []
    from datetime import timedelta

    today = timezone.localdate()
    soon = today + timedelta(days=DUE_WINDOW_DAYS)
    visits = with_schedule(Loan.objects.visible_to(user).filter(active_on(today)), today).aggregate(
        overdue=Count("id", filter=Q(next_inspection__lt=today)),
        due=Count("id", filter=Q(next_inspection__gte=today, next_inspection__lte=soon)),
    )
    warned = warning_counts(user, today)
    high = next(row["count"] for row in warned["levels"] if row["level"] == Level.HIGH)
    inspections, warnings = reverse("postloan:inspections"), reverse("postloan:warnings")
    return [
        card(
            "inspections",
            _("Inspections to make"),
            f"{visits['due'] + visits['overdue']:,}",
            f"{inspections}?view=todo",
            note=_("%(count)s overdue") % {"count": f"{visits['overdue']:,}"},
            alert=visits["overdue"] > 0,
        ),
        card(
            "warnings",
            _("Early warnings"),
            f"{warned['count']:,}",
            warnings,
            note=_("%(count)s high") % {"count": f"{high:,}"},
            alert=high > 0,
        ),
    ]
