"""Two-person approval (双人复核, maker-checker): the guard every gated service calls.

A service whose action an administrator put under approval calls ``guard(action, target=...)``
inside its own transaction. The guard lets it run only inside ``approved(...)`` — opened by the
credit app when a checker approves a request, for that action and that object, once — and then
records the approval in the same transaction (``on_use``); anywhere else it raises. So a view,
an import, the API or a shell that calls the service directly is refused: there is no path
around the approval.

The policy (which actions need approval) and the request store live in the credit app, above
every app whose services are gated; it registers them here when it is loaded (``register``).
"""

import contextvars
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from xindai.core.errors import BusinessError


class Action(StrEnum):
    """Actions that can be put under two-person approval (codes stored in the policy)."""

    REPAYMENT_REVERSAL = "repayment_reversal"  # 冲正
    CLASSIFICATION = "classification"  # 五级分类认定
    EXTENSION = "extension"  # 展期 / 重组
    WRITE_OFF = "write_off"  # 核销
    WAIVER = "waiver"  # 减免
    TRANSFER = "transfer"  # 移交
    LOAN_DELETE = "loan_delete"  # 删除贷款
    TERMS_CHANGE = "terms_change"  # 合同变更
    ROLE_CHANGE = "role_change"  # 角色与权限


ACTION_LABELS = {
    Action.REPAYMENT_REVERSAL: _("Repayment reversal"),
    Action.CLASSIFICATION: _("Classification set by hand"),
    Action.EXTENSION: _("Extension and restructuring"),
    Action.WRITE_OFF: _("Write-off"),
    Action.WAIVER: _("Waiver of penalty and interest"),
    Action.TRANSFER: _("Portfolio transfer"),
    Action.LOAN_DELETE: _("Loan deletion"),
    Action.TERMS_CHANGE: _("Change of a loan's contract terms"),
    Action.ROLE_CHANGE: _("Role and permission changes"),
}

SUBMITTED = _("Submitted for approval: it runs when another person approves it (待我审批).")
APPROVAL_REQUIRED = _(
    "%(action)s needs a second person's approval: submit it as a request; it runs when a checker approves it."
)


@dataclass
class _Approval:
    action: str
    target: str
    on_use: Callable[[], None]
    used: bool = False


_approved: contextvars.ContextVar[_Approval | None] = contextvars.ContextVar("xindai_approval", default=None)
_policy: Callable[[str], bool] | None = None
_submit: Callable[..., object] | None = None


def register(*, policy: Callable[[str], bool], submit: Callable[..., object]) -> None:
    """The credit app's policy reader and request maker (called from its AppConfig.ready)."""
    global _policy, _submit  # noqa: PLW0603 - set once at start-up
    _policy, _submit = policy, submit


def needs_approval(action: Action) -> bool:
    return _policy is not None and _policy(action)


def submit(*, actor, action: Action, params: dict, loan=None, target=None, branch=None):
    """Store a maker's request for approval (the credit app's ``approval_request_create``)."""
    if _submit is None:
        raise RuntimeError("two-person approval is not installed")
    return _submit(actor=actor, action=action, params=params, loan=loan, target=target, branch=branch)


@contextmanager
def approved(action: Action, target, on_use: Callable[[], None]):
    """Run the block as the approved `action` on `target` (one service call may use it)."""
    token = _approved.set(_Approval(str(action), str(target), on_use))
    try:
        yield
    finally:
        _approved.reset(token)


def guard(action: Action, *, target) -> None:
    """Called by a gated service inside its transaction, once it knows its object: passes when
    the action needs no approval, or inside an approval of this action on this object (whose
    ``on_use`` then marks the request approved in the same transaction); raises otherwise."""
    current = _approved.get()
    if current is not None and not current.used and current.action == action and current.target == str(target):
        current.used = True
        current.on_use()
        return
    if needs_approval(action):
        raise BusinessError(APPROVAL_REQUIRED, {"action": ACTION_LABELS[action]})


def submit_or_run(action: Action, *, actor, params: dict, run: Callable, loan=None, target=None, branch=None):
    """What a page does: submit a request when `action` needs approval, else run it now.
    Returns (the request or the service's result, whether it was submitted)."""
    if needs_approval(action):
        return submit(actor=actor, action=action, params=params, loan=loan, target=target, branch=branch), True
    return run(), False
