"""Excel exports of the lists: small ones at once, large ones (settings.EXPORT_INLINE_ROWS) as a
background job whose page offers the file. Each app registers its lists' sheets in its jobs.py:
a builder (user, query) → Sheet, reading through the same selectors and scope as the page."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy

from xindai.core.xlsx import Column, write_xlsx, xlsx_response
from xindai.jobs.registry import job_kind
from xindai.jobs.services import job_start


@dataclass
class Sheet:
    filename: str
    columns: list[Column]
    rows: Iterable[Any]
    count: int
    totals: dict | None = None


Builder = Callable[[Any, QueryDict], Sheet]
SHEETS: dict[str, Builder] = {}


def register_sheet(name: str, perm: str, build: Builder) -> None:
    """A list's sheet, exported in the background as the job kind exports.<name> (same permission)."""
    SHEETS[name] = build
    job_kind(f"exports.{name}", gettext_lazy("Excel export"), perm)(_export_job)


def export_response(request, name: str):
    """The list as .xlsx now, or — above EXPORT_INLINE_ROWS rows — a job and its page."""
    sheet = SHEETS[name](request.user, request.GET)
    if sheet.count <= settings.EXPORT_INLINE_ROWS:
        return xlsx_response(
            sheet.filename, title=sheet.filename, columns=sheet.columns, rows=sheet.rows, totals=sheet.totals
        )
    job = job_start(
        actor=request.user,
        kind=f"exports.{name}",
        params={"sheet": name, "query": request.GET.urlencode()},
        subject=f"{sheet.filename} ({sheet.count:,})",
    )
    return redirect("jobs:detail", job.pk)


def _export_job(job, progress) -> dict:
    sheet = SHEETS[job.params["sheet"]](job.owner, QueryDict(job.params["query"]))
    progress.start(sheet.count, gettext_lazy("writing rows"))

    def counted(rows):
        for number, row in enumerate(rows, start=1):
            if number % 1000 == 0:
                progress.advance(number)
            yield row

    path = progress.result_file(f"{sheet.filename}-{timezone.localdate():%Y%m%d}.xlsx")
    written = write_xlsx(
        str(path), title=sheet.filename, columns=sheet.columns, rows=counted(sheet.rows), totals=sheet.totals
    )
    return {"rows": written}
