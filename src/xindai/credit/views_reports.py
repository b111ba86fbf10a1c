"""The credit operations' reports: the write-off register with its recoveries (核销台账, 核销后收回)
and the waiver report (减免报表), for a period, in the user's scope."""

from datetime import date

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils import timezone

from xindai.credit import selectors
from xindai.credit.waiver import waivers

view_reports = permission_required("reports.view", raise_exception=True)


def _period(request) -> tuple[date, date]:
    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = today.replace(month=1, day=1)
    try:
        end = date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        end = today
    return start, max(start, end)


@view_reports
def write_off_register(request):
    start, end = _period(request)
    rows, totals = selectors.write_off_register(request.user, start, end)
    return render(
        request, "credit/write_offs.html", {"rows": rows, "totals": totals, "date_from": start, "date_to": end}
    )


@view_reports
def waiver_report(request):
    start, end = _period(request)
    rows, totals = waivers(request.user, start, end)
    return render(
        request, "credit/waivers.html", {"rows": rows[:500], "totals": totals, "date_from": start, "date_to": end}
    )
