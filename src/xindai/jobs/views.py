"""我的任务: the user's background jobs, one job's progress (polled by htmx) and its result file."""

from django.http import FileResponse
from django.shortcuts import render

from xindai.core.viewhelpers import found, paginate
from xindai.jobs import selectors
from xindai.jobs.registry import kind_of


def job_list(request):
    page = paginate(request, selectors.my_jobs(request.user))
    for job in page.object_list:
        job.kind_label = kind_of(job.kind).label
    return render(request, "jobs/job_list.html", {"page": page})


def job_detail(request, pk: int):
    job = found(lambda: selectors.job_of(request.user, pk))
    kind = kind_of(job.kind)
    template = "jobs/_progress.html" if request.htmx else "jobs/job_detail.html"
    return render(request, template, {"job": job, "kind": kind})


def job_result(request, pk: int):
    job = found(lambda: selectors.job_of(request.user, pk))
    path = found(lambda: selectors.result_of(request.user, job))
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.result_name)
