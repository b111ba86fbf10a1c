"""Two-person approval (双人复核): a maker's request, a checker's decision, the action run then.

The maker's request stores the action, its parameters and what it would change (figures before
and after, computed when it is asked). A checker — holding ``credit.approve``, seeing the
request's loan in their data scope (else 404), not the maker — approves or rejects it with a
reason. On approval the action's own service runs as the maker inside
``core.approval.approved(...)``: the service's guard marks the request approved in the
service's transaction, so the approval and its effect commit together or not at all. A request
not decided within its policy's hours expires and can no longer be approved.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core import approval, audit
from xindai.core.approval import ACTION_LABELS, Action
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError, NotFound
from xindai.credit.models import ApprovalPolicy, ApprovalRequest, CreditSettings

NOT_A_CHECKER = _("You do not hold the permission to approve requests.")
OWN_REQUEST = _("You made this request; another person must approve it.")
ALREADY_DECIDED = _("This request was already decided (%(status)s).")
EXPIRED = _("This request expired on %(at)s; the maker must ask again.")
REASON_REQUIRED = _("Please give the reason for rejecting the request.")
PENDING_EXISTS = _("A request for this action on %(target)s is already waiting for approval.")
MAKER_LOST_SCOPE = _("The loan is no longer in the data scope of the user who asked; the request cannot run.")
NOTHING_SELECTED = _("No request was selected.")
WATCH_TOO_SHORT = _("The watch period after a restructuring is at least 12 months (2023 rules).")
Status = ApprovalRequest.Status
APPROVE_PERMISSION = "credit.approve"


def requires_approval(action: str) -> bool:
    """Whether the policy puts `action` under approval (the guard's policy; one indexed query)."""
    return ApprovalPolicy.objects.filter(action=action, required=True).exists()


def _expiry_hours(action: str) -> int:
    return ApprovalPolicy.objects.filter(action=action).values_list("expiry_hours", flat=True).first() or 72


@dataclass(frozen=True)
class Kind:
    """How one action is asked and run: its summary and effect, and the service call."""

    describe: Callable  # (maker, params, loan, target) -> (summary, [[label, before, after], ...])
    run: Callable  # (maker, params, loan_id, target) -> None
    checker_sees: Callable | None = None  # (checker, params) -> bool: every object of it in scope


KINDS: dict[str, Kind] = {}


def register_kind(action: Action, kind: Kind) -> None:
    KINDS[action.value] = kind


def approval_request_create(
    *, actor, action: Action, params: dict, loan=None, target=None, branch=None
) -> ApprovalRequest:
    """Store a maker's request with its effect; the action itself does not run yet."""
    target = str(target if target is not None else loan.pk)
    kind = KINDS[str(action)]
    summary, effect = kind.describe(actor, params, loan, target)  # refuses what the action would refuse
    with transaction.atomic(durable=True):
        waiting = ApprovalRequest.objects.system("pending requests").filter(
            action=action, target=target, status=Status.PENDING, expires_at__gt=timezone.now()
        )
        if waiting.select_for_update().exists():
            raise BusinessError(PENDING_EXISTS, {"target": str(loan) if loan else target})
        request = ApprovalRequest.objects.create(
            action=action,
            loan=loan,
            branch=branch if branch is not None else (loan.handling_branch if loan is not None else None),
            target=target,
            summary=str(summary)[:200],
            params=params,
            effect=[[str(label), _plain(before), _plain(after)] for label, before, after in effect],
            maker=actor,
            expires_at=timezone.now() + timedelta(hours=_expiry_hours(str(action))),
        )
        audit.record(actor, AuditAction.REQUEST_CREATED, request, changes={"action": action, **params})
    return request


def _plain(value):
    return audit._plain(value)  # noqa: SLF001 - the audit trail's JSON rendering, one definition


def _locked(request_id: int) -> ApprovalRequest:
    return ApprovalRequest.objects.system("approval decision").select_for_update().get(pk=request_id)


def _check(actor, request: ApprovalRequest) -> None:
    if not actor.has_perm(APPROVE_PERMISSION):
        raise BusinessError(NOT_A_CHECKER)
    if request.maker_id == actor.pk:
        raise BusinessError(OWN_REQUEST)
    if request.status != Status.PENDING:
        raise BusinessError(ALREADY_DECIDED, {"status": request.get_status_display()})


def _expire_if_due(request: ApprovalRequest) -> None:
    if request.status == Status.PENDING and request.expires_at <= timezone.now():
        with transaction.atomic(durable=True):
            locked = _locked(request.pk)
            if locked.status == Status.PENDING:
                locked.status = Status.EXPIRED
                locked.save(update_fields=["status"])
                audit.record(None, AuditAction.REQUEST_EXPIRED, locked)
        raise BusinessError(EXPIRED, {"at": timezone.localtime(request.expires_at).strftime("%Y-%m-%d %H:%M")})


def _decided(actor, request_id: int, status: str, reason: str) -> ApprovalRequest:
    """Lock the request again (inside the action's transaction), check it is still pending, and record the decision."""
    locked = _locked(request_id)
    _check(actor, locked)
    locked.status = status
    locked.checker = actor
    locked.decided_at = timezone.now()
    locked.decision_reason = reason[:200]
    locked.save(update_fields=["status", "checker", "decided_at", "decision_reason"])
    audit.record(
        actor,
        AuditAction.REQUEST_APPROVED if status == Status.APPROVED else AuditAction.REQUEST_REJECTED,
        locked,
        changes={"action": locked.action, "maker": locked.maker_id, "reason": reason},
    )
    return locked


def approval_decide(*, actor, request_id: int, approve: bool, reason: str = "") -> ApprovalRequest:
    """Approve (the action runs now, as the maker, in the same transaction) or reject a request.
    Out of the checker's scope: 404."""
    reason = reason.strip()
    try:
        request = ApprovalRequest.objects.visible_to(actor).select_related("maker").get(pk=request_id)
    except ApprovalRequest.DoesNotExist:
        raise NotFound from None
    checker_sees = KINDS[request.action].checker_sees
    if checker_sees is not None and not checker_sees(actor, request.params):
        raise NotFound
    _check(actor, request)
    _expire_if_due(request)
    if not approve:
        if not reason:
            raise BusinessError(REASON_REQUIRED, field="reason")
        with transaction.atomic(durable=True):
            return _decided(actor, request.pk, Status.REJECTED, reason)
    used: list[ApprovalRequest] = []
    with approval.approved(
        request.action, request.target, lambda: used.append(_decided(actor, request.pk, Status.APPROVED, reason))
    ):
        try:
            KINDS[request.action].run(request.maker, request.params, request.loan_id, request.target)
        except NotFound:  # the maker's services raise NotFound (core/errors) for what they cannot reach
            raise BusinessError(MAKER_LOST_SCOPE) from None
    if not used:  # the service never reached its guard: a programming error, never silently "approved"
        raise RuntimeError(f"{request.action} ran without its approval guard")
    return used[0]


@dataclass
class BulkResult:
    approved: int
    failed: list[tuple[ApprovalRequest | int, str]]


def approvals_decide_bulk(*, actor, request_ids: Iterable[int], approve: bool, reason: str = "") -> BulkResult:
    """Decide several requests, each in its own transaction (one refused does not stop the rest)."""
    ids = sorted(set(request_ids))
    if not ids:
        raise BusinessError(NOTHING_SELECTED)
    done, failed = 0, []
    for request_id in ids:
        try:
            approval_decide(actor=actor, request_id=request_id, approve=approve, reason=reason)
            done += 1
        except (BusinessError, NotFound) as err:
            failed.append((request_id, str(err) if isinstance(err, BusinessError) else str(_("not found"))))
    return BulkResult(done, failed)


def inbox(actor):
    """The requests `actor` may decide: in scope, pending, not expired, not their own."""
    return (
        ApprovalRequest.objects.visible_to(actor)
        .filter(status=Status.PENDING, expires_at__gt=timezone.now())
        .exclude(maker=actor)
        .select_related("maker", "loan")
    )


def inbox_count(actor) -> int:
    if not actor.has_perm(APPROVE_PERMISSION):
        return 0
    return inbox(actor).count()


def my_requests(actor):
    return ApprovalRequest.objects.visible_to(actor).filter(maker=actor).select_related("checker", "loan")


def approvals_expire() -> int:
    """Mark every request waiting past its expiry as expired, each audited (the worker's clock;
    a decision on one finds it expired anyway). Returns how many."""
    with transaction.atomic(durable=True):
        due = list(
            ApprovalRequest.objects.system("request expiry")
            .filter(status=Status.PENDING, expires_at__lte=timezone.now())
            .select_for_update(skip_locked=True)
        )
        ApprovalRequest.objects.system("request expiry").filter(pk__in=[r.pk for r in due]).update(
            status=Status.EXPIRED
        )
        audit.record_many(None, AuditAction.REQUEST_EXPIRED, [(r, {"action": r.action}) for r in due])
    return len(due)


def display_status(request: ApprovalRequest) -> str:
    if request.status == Status.PENDING and request.expires_at <= timezone.now():
        return Status.EXPIRED.value
    return request.status


def policy_rows() -> list[ApprovalPolicy]:
    """One policy row per action (missing ones created off)."""
    existing = {p.action: p for p in ApprovalPolicy.objects.all()}
    return [existing.get(a.value) or ApprovalPolicy(action=a.value) for a in ACTION_LABELS]


def approval_policy_update(*, actor, values: dict[str, tuple[bool, int]], settings: dict | None = None) -> bool:
    """Set which actions need approval and their expiry hours (系统设置 · 双人复核), and the
    credit settings (extensions allowed, watch period, interest waivers)."""
    with transaction.atomic(durable=True):
        changes = {}
        if settings:
            row, _created = CreditSettings.objects.select_for_update().get_or_create(pk=1)
            before = audit.snapshot(row, list(settings))
            if settings.get("watch_months", 12) < 12:
                raise BusinessError(WATCH_TOO_SHORT, field="watch_months")
            for name, value in settings.items():
                setattr(row, name, value)
            row.save()
            changes.update(audit.diff(before, audit.snapshot(row, list(settings))))
        for action, (required, hours) in values.items():
            if action not in ACTION_LABELS or hours < 1:
                raise BusinessError(_("Each request must expire after at least one hour."))
            row, _created = ApprovalPolicy.objects.select_for_update().get_or_create(action=action)
            if (row.required, row.expiry_hours) != (required, hours):
                changes[action] = [[row.required, row.expiry_hours], [required, hours]]
                row.required, row.expiry_hours = required, hours
                row.save()
        audit.record(actor, AuditAction.APPROVAL_POLICY_CHANGED, changes=changes)
    return True


def pending_q() -> Q:
    return Q(status=Status.PENDING, expires_at__gt=timezone.now())
