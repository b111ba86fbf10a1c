"""The kinds of background job: each app declares its own in `<app>/jobs.py` with @job_kind.

A kind's function receives the job and a Progress; it reports how far it is, writes its result
file through `progress.result_file()` and returns a summary (a dict, kept on the job).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True, slots=True)
class JobKind:
    code: str
    label: Promise
    perm: str  # needed to start it, checked again when it runs and when its result is fetched
    run: Callable
    result_template: str = ""  # shows the summary on the job's page (default: counts and the file)


KINDS: dict[str, JobKind] = {}


def job_kind(code: str, label: Promise, perm: str, *, result_template: str = ""):
    def register(function: Callable) -> Callable:
        KINDS[code] = JobKind(code, label, perm, function, result_template)
        return function

    return register


def kind_of(code: str) -> JobKind:
    return KINDS[code]  # filled when the apps are ready (JobsConfig.ready)
