"""Background work of the credit operations: requests past their time expire (the worker's clock)."""

from django.tasks import task

from xindai.credit.approvals import approvals_expire


@task()
def expire_requests() -> int:
    """Mark the requests waiting past their expiry as expired (``approvals.approvals_expire``)."""
    return approvals_expire()
