"""Portfolio transfer (移交): loans — chosen, or all of an officer's — to another officer and/or
branch from a date, with a reason. The loan keeps its current officer and branch (the data scope
follows them at once); each transfer is a dated row with who had the loan before, so the officer
and branch on any past date are known (``assignment_sql``: reports as of a past date group by them).
"""

from collections.abc import Sequence
from datetime import date
from hashlib import sha1

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core import approval, audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError
from xindai.core.scope import Reach, scope_for
from xindai.credit.models import LoanAssignment
from xindai.loans.models import Loan
from xindai.org.models import Branch, User

REASON_REQUIRED = _("Please give the reason for the transfer.")
NOTHING_SELECTED = _("No loan was selected.")
OUT_OF_SCOPE = _("%(count)s of the selected loans are not in your data scope.")
OFFICER_INVALID = _("The new loan officer must be an active loan officer of the bank.")
BRANCH_OUT_OF_SCOPE = _("The new branch must be in your data scope.")
NOTHING_CHANGES = _("The loans already have this officer and branch.")
DATE_RANGE = _("A transfer takes effect on a date not after today and not before the loans' last transfer (%(last)s).")
SETTLED = _("%(count)s of the selected loans are settled (%(ious)s); only loans still outstanding move.")
MAX_LOANS = 5000
TOO_MANY = _("At most %(max)s loans can be transferred at once.")


def officer_loan_ids(actor, officer_id: int) -> list[int]:
    """The outstanding loans of an officer that `actor` sees (a transfer of all of them)."""
    return list(
        Loan.objects.visible_to(actor)
        .filter(officer_id=officer_id, settled_on__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def target_of(loan_ids: Sequence[int]) -> str:
    """The approval guard's name for a set of loans."""
    return "loans:" + sha1(",".join(map(str, sorted(set(loan_ids)))).encode(), usedforsecurity=False).hexdigest()


def check_destination(actor, officer_id: int, branch_id: int | None):
    officer = User.objects.filter(pk=officer_id, is_active=True, is_loan_officer=True, branch__isnull=False).first()
    if officer is None:
        raise BusinessError(OFFICER_INVALID, field="officer")
    branch = Branch.objects.filter(pk=branch_id or officer.branch_id).first()
    scope = scope_for(actor)
    if branch is None or (scope.reach == Reach.BRANCH and branch.pk not in scope.branch_ids):
        raise BusinessError(BRANCH_OUT_OF_SCOPE, field="branch")
    return officer, branch


def _locked_loans(actor, ids: list[int]) -> list[Loan]:
    loans = list(Loan.objects.visible_to(actor).filter(pk__in=ids).order_by("pk").select_for_update(of=("self",)))
    if len(loans) != len(ids):
        raise BusinessError(OUT_OF_SCOPE, {"count": len(ids) - len(loans)})
    return loans


def check_transfer(actor, loans: list[Loan], officer, branch, effective_from: date) -> list[Loan]:
    settled = [loan for loan in loans if loan.settled_on is not None]
    if settled:
        raise BusinessError(SETTLED, {"count": len(settled), "ious": "、".join(x.iou_number for x in settled[:5])})
    moving = [loan for loan in loans if (loan.officer_id, loan.handling_branch_id) != (officer.pk, branch.pk)]
    if not moving:
        raise BusinessError(NOTHING_CHANGES)
    last = (
        LoanAssignment.objects.children_of([loan.pk for loan in moving])
        .order_by("-effective_from")
        .values_list("effective_from", flat=True)
        .first()
    )
    earliest = max([last] if last else [], default=None)
    if effective_from > timezone.localdate() or (earliest and effective_from < earliest):
        raise BusinessError(DATE_RANGE, {"last": earliest.isoformat() if earliest else "—"}, field="effective_from")
    return moving


def loans_transfer(
    *,
    actor,
    loan_ids: Sequence[int],
    officer_id: int,
    branch_id: int | None,
    effective_from: date,
    reason: str,
) -> int:
    """Move the loans to the officer (and the branch, default the officer's) from `effective_from`.
    Returns how many loans moved (those already there are left alone)."""
    reason = reason.strip()
    if not reason:
        raise BusinessError(REASON_REQUIRED, field="reason")
    ids = sorted(set(loan_ids))
    if not ids:
        raise BusinessError(NOTHING_SELECTED)
    if len(ids) > MAX_LOANS:
        raise BusinessError(TOO_MANY, {"max": MAX_LOANS})
    with transaction.atomic(durable=True):
        loans = _locked_loans(actor, ids)
        approval.guard(approval.Action.TRANSFER, target=target_of(ids))
        officer, branch = check_destination(actor, officer_id, branch_id)
        moving = check_transfer(actor, loans, officer, branch, effective_from)
        LoanAssignment.objects.bulk_create(
            LoanAssignment(
                loan=loan,
                effective_from=effective_from,
                officer=officer,
                branch=branch,
                previous_officer_id=loan.officer_id,
                previous_branch_id=loan.handling_branch_id,
                reason=reason[:200],
                created_by=actor,
            )
            for loan in moving
        )
        Loan.objects.visible_to(actor).filter(pk__in=[loan.pk for loan in moving]).update(
            officer=officer, handling_branch=branch, updated_at=timezone.now()
        )
        audit.record_many(
            actor,
            AuditAction.LOAN_TRANSFERRED,
            [
                (
                    loan,
                    {
                        "effective_from": effective_from,
                        "officer": [loan.officer_id, officer.pk],
                        "handling_branch": [loan.handling_branch_id, branch.pk],
                        "reason": reason,
                    },
                )
                for loan in moving
            ],
        )
    return len(moving)


def assignment_sql(as_of: date, loan: str, column: str, current: str) -> tuple[str, list]:
    """SQL: the loan's officer (`column` "officer") or branch ("branch") in force at the end of
    `as_of`: that of the last transfer by then, else the one before the first transfer, else `current`."""
    assert column in ("officer", "branch")
    # `loan`, `column` and `current` are the report's own SQL names; the date is a parameter.
    sql = (
        f"COALESCE((SELECT a.{column}_id FROM credit_loanassignment a WHERE a.loan_id = {loan}"  # noqa: S608
        f" AND a.effective_from <= %s ORDER BY a.effective_from DESC, a.id DESC LIMIT 1),"
        f" (SELECT a.previous_{column}_id FROM credit_loanassignment a WHERE a.loan_id = {loan}"
        f" ORDER BY a.effective_from, a.id LIMIT 1), {current})"
    )
    return sql, [as_of]


UNKNOWN_IOUS = _("Not found in your data scope: %(ious)s.")


def selected_loan_ids(actor, from_officer, ious: list[str]) -> list[int]:
    """The loans a transfer page names: all outstanding ones of an officer, and/or IOU numbers."""
    ids = set(officer_loan_ids(actor, from_officer.pk)) if from_officer else set()
    if ious:
        found = dict(Loan.objects.visible_to(actor).filter(iou_number__in=ious).values_list("iou_number", "pk"))
        missing = [iou for iou in ious if iou not in found]
        if missing:
            raise BusinessError(UNKNOWN_IOUS, {"ious": "、".join(missing[:10])}, field="ious")
        ids |= set(found.values())
    if not ids:
        raise BusinessError(NOTHING_SELECTED)
    return sorted(ids)


def source_branch(actor, ids: list[int]):
    """The branch a transfer request belongs to (its checker's scope): the loans' one branch, if one."""
    branches = set(Loan.objects.visible_to(actor).filter(pk__in=ids).values_list("handling_branch_id", flat=True))
    return Branch.objects.filter(pk=branches.pop()).first() if len(branches) == 1 else None


def destinations(actor):
    """(officers, branches) a transfer may go to: active loan officers and branches in the actor's scope."""
    scope = scope_for(actor)
    officers = User.objects.filter(is_active=True, is_loan_officer=True, branch__isnull=False).order_by("real_name")
    branches = Branch.objects.order_by("path")
    if scope.reach == Reach.BRANCH:
        officers = officers.filter(branch_id__in=scope.branch_ids)
        branches = branches.filter(pk__in=scope.branch_ids)
    elif scope.reach != Reach.ALL:
        officers, branches = officers.none(), branches.none()
    return officers, branches
