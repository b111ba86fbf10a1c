"""List exports: small ones download at once; above EXPORT_INLINE_ROWS the request answers with
a job at once and the job writes the same sheet, in the owner's scope."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from xindai.customers.tests.factories import CustomerFactory
from xindai.jobs.models import Job, JobState
from xindai.loans.tests.factories import make_loan


def _loans(world):
    for n, (village, officer) in enumerate(
        [(world.village_a1, world.officer_a), (world.village_a1, world.officer_a), (world.village_b1, world.officer_b)]
    ):
        make_loan(world.admin, CustomerFactory(village=village, registered_by=officer), officer, iou_number=f"X{n}")


def test_a_small_export_downloads_at_once(world, login, settings):
    _loans(world)
    response = login(world.manager_a).get(reverse("loans:list"), {"export": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert not Job.objects.exists()


def test_a_large_export_is_a_job_with_the_same_rows_in_scope(world, login, committed, settings):
    settings.EXPORT_INLINE_ROWS = 1
    _loans(world)
    client = login(world.manager_a)  # branch A: two of the three loans
    with committed():
        response = client.get(reverse("loans:list"), {"export": "xlsx", "sort": "iou_number"})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.state, job.result) == ("exports.loans", JobState.DONE, {"rows": 2})
    content = b"".join(client.get(reverse("jobs:result", args=[job.pk])).streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, max_row=3, values_only=True)) == ["X0", "X1"]


def test_every_list_export_runs_as_a_job_when_large(world, login, committed, settings):
    settings.EXPORT_INLINE_ROWS = 0
    _loans(world)
    client = login(world.admin)
    for name in ("loans:list", "customers:list", "customers:contact_list", "repayments:due", "repayments:ledger"):
        with committed():
            assert client.get(reverse(name), {"export": "xlsx", "view": "due", "within": "400"}).status_code in (
                200,
                302,
            )
    assert set(Job.objects.values_list("state", flat=True)) == {JobState.DONE}
