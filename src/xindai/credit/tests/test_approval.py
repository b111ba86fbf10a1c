"""Two-person approval (双人复核): enforced in the services, a test per action that there is no path
around it; the checker is another user, in scope, with the permission; rejected and expired
requests change nothing; bulk approval."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from xindai.core import approval
from xindai.core.approval import ACTION_LABELS, APPROVAL_REQUIRED, Action
from xindai.core.errors import BusinessError, NotFound
from xindai.core.models import AuditLog
from xindai.credit import approvals, restructure, transfer, waiver, writeoff
from xindai.credit.models import ApprovalRequest, LoanChange
from xindai.credit.tests.helpers import D, loan_a, manager_a2, manager_b, on, require
from xindai.loans import contract
from xindai.loans.models import Loan
from xindai.loans.services import loan_delete
from xindai.org.models import Role
from xindai.org.services import role_delete, role_save
from xindai.repayments import early, services
from xindai.repayments.classification import classification_set
from xindai.repayments.models import Repayment

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 1)


def _paid(world, loan):
    first = loan.installments.get(period=1)
    with on(date(2026, 2, 15)):
        return services.repayment_confirm(
            actor=world.admin, installment_id=first.pk, amount=None, paid_on=first.due_date
        )


# Each action's service called directly, as a view, an import, the API or a shell would.
DIRECT = {
    Action.REPAYMENT_REVERSAL: lambda w, loan: services.repayment_reverse(
        actor=w.manager_a, repayment_id=_paid(w, loan).pk, reason="录错"
    ),
    Action.CLASSIFICATION: lambda w, loan: classification_set(
        actor=w.manager_a, loan=loan, category="loss", reason="认定", as_of=TODAY
    ),
    Action.EXTENSION: lambda w, loan: restructure.loan_change_apply(
        actor=w.officer_a,
        loan_id=loan.pk,
        kind=LoanChange.Kind.EXTENSION,
        effective_from=TODAY,
        new_end_date=date(2027, 1, 15),
        reason="展期",
    ),
    Action.WRITE_OFF: lambda w, loan: writeoff.loan_write_off(actor=w.manager_a, loan_id=loan.pk, reason="核销"),
    Action.WAIVER: lambda w, loan: waiver.installment_waive(
        actor=w.manager_a, installment_id=loan.installments.get(period=1).pk, penalty=D("0.01"), reason="减免"
    ),
    Action.LOAN_DELETE: lambda w, loan: loan_delete(actor=w.manager_a, loan=loan),
    Action.TERMS_CHANGE: lambda w, loan: contract.contract_change(
        actor=w.manager_a, loan_id=loan.pk, effective_from=TODAY, reason="调息", annual_rate=D("5.00")
    ),
    Action.TRANSFER: lambda w, loan: transfer.loans_transfer(
        actor=w.manager_a,
        loan_ids=[loan.pk],
        officer_id=w.officer_a1.pk,
        branch_id=None,
        effective_from=TODAY,
        reason="调岗",
    ),
    Action.ROLE_CHANGE: lambda w, loan: role_save(
        actor=w.admin, role=Role.objects.get(name="信贷员"), permissions=["customers.view"]
    ),
}


def test_every_action_has_its_direct_path_test():
    assert set(DIRECT) == set(Action)


@pytest.mark.parametrize("action", list(Action), ids=str)
def test_the_service_refuses_without_an_approved_request(world, action):
    loan = loan_a(world)
    require(action)
    audit_rows = AuditLog.objects.system("tests").count()
    with on(TODAY), pytest.raises(BusinessError) as err:
        DIRECT[action](world, loan)
    assert str(err.value) == str(APPROVAL_REQUIRED) % {"action": ACTION_LABELS[action]}
    loan.refresh_from_db()
    assert loan.end_date == date(2026, 7, 15) and loan.officer_id == world.officer_a.pk
    assert loan.annual_rate == D("6.00") and loan.classification_override == ""
    assert Loan.objects.system("tests").filter(pk=loan.pk).exists()
    assert not Repayment.objects.system("tests").filter(reverses__isnull=False).exists()
    assert set(Role.objects.get(name="信贷员").permissions) != {"customers.view"}
    # Nothing but the test's own setup (the repayment to reverse) was audited.
    assert AuditLog.objects.system("tests").exclude(action="repayments.repayment.confirmed").count() == audit_rows


def test_the_early_repayment_reversal_is_under_the_same_approval(world):
    loan = loan_a(world)
    with on(date(2026, 2, 1)):
        record = early.early_repayment_confirm(
            actor=world.admin, loan_id=loan.pk, paid_on=date(2026, 2, 1), principal=D("1000.00")
        )
    require(Action.REPAYMENT_REVERSAL)
    with on(TODAY), pytest.raises(BusinessError):
        early.early_repayment_reverse(actor=world.manager_a, early_id=record.pk, reason="录错")


def test_the_role_deletion_is_under_the_role_approval(world):
    spare = Role.objects.create(name="临时", permissions=["customers.view"])
    require(Action.ROLE_CHANGE)
    with pytest.raises(BusinessError):
        role_delete(actor=world.admin, role=spare)
    assert Role.objects.filter(pk=spare.pk).exists()


def _extension_request(world, loan):
    with on(TODAY):
        return approval.submit(
            actor=world.officer_a,
            action=Action.EXTENSION,
            loan=loan,
            params={
                "kind": "extension",
                "effective_from": "2026-03-01",
                "new_end_date": "2027-01-15",
                "reason": "疫病减产",
            },
        )


def test_a_request_stores_its_effect_and_runs_only_when_a_checker_approves(world):
    loan = loan_a(world)
    require(Action.EXTENSION)
    request = _extension_request(world, loan)
    assert request.status == ApprovalRequest.Status.PENDING and request.maker == world.officer_a
    effect = {row[0]: row[1:] for row in request.effect}
    assert effect["end date"] == ["2026-07-15", "2027-01-15"] or effect["到期日"] == ["2026-07-15", "2027-01-15"]
    loan.refresh_from_db()
    assert loan.end_date == date(2026, 7, 15)  # nothing ran yet
    with on(TODAY):
        decided = approvals.approval_decide(actor=world.manager_a, request_id=request.pk, approve=True, reason="同意")
    assert decided.status == ApprovalRequest.Status.APPROVED and decided.checker == world.manager_a
    loan.refresh_from_db()
    assert loan.end_date == date(2027, 1, 15)
    change = LoanChange.objects.children_of(loan).get()
    assert change.created_by == world.officer_a  # the maker's action, approved by the checker
    actions = list(AuditLog.objects.system("tests").values_list("action", flat=True).order_by("id"))
    assert actions[-3:] == ["credit.request.created", "credit.request.approved", "credit.loan.extension"]


def test_the_maker_cannot_approve_their_own_request(world):
    loan = loan_a(world)
    require(Action.EXTENSION)
    world.officer_a.role = world.manager_a.role  # even holding the permission
    world.officer_a.save()
    request = _extension_request(world, loan)
    with on(TODAY), pytest.raises(BusinessError) as err:
        approvals.approval_decide(actor=world.officer_a, request_id=request.pk, approve=True)
    assert str(err.value) == str(approvals.OWN_REQUEST)


def test_a_checker_outside_the_loan_scope_gets_404(world):
    loan = loan_a(world)
    require(Action.EXTENSION)
    request = _extension_request(world, loan)
    with on(TODAY), pytest.raises(NotFound):
        approvals.approval_decide(actor=manager_b(), request_id=request.pk, approve=True)
    assert ApprovalRequest.objects.system("tests").get(pk=request.pk).status == ApprovalRequest.Status.PENDING


def test_a_user_without_the_permission_cannot_approve(world):
    loan = loan_a(world)
    require(Action.EXTENSION)
    request = _extension_request(world, loan)
    from xindai.org.models import ScopeKind
    from xindai.org.tests.factories import UserFactory, role

    clerk = UserFactory(role=role("信贷员"), scope=ScopeKind.BRANCH, branch=world.branch_a)  # in scope, no permission
    with on(TODAY), pytest.raises(BusinessError) as err:
        approvals.approval_decide(actor=clerk, request_id=request.pk, approve=True)
    assert str(err.value) == str(approvals.NOT_A_CHECKER)


def test_a_rejected_request_changes_nothing(world):
    loan = loan_a(world)
    require(Action.EXTENSION)
    request = _extension_request(world, loan)
    with on(TODAY), pytest.raises(BusinessError):
        approvals.approval_decide(actor=world.manager_a, request_id=request.pk, approve=False, reason="")
    with on(TODAY):
        rejected = approvals.approval_decide(
            actor=world.manager_a, request_id=request.pk, approve=False, reason="材料不全"
        )
    assert rejected.status == ApprovalRequest.Status.REJECTED and rejected.decision_reason == "材料不全"
    loan.refresh_from_db()
    assert loan.end_date == date(2026, 7, 15) and not LoanChange.objects.children_of(loan).exists()
    assert loan.plan_versions.count() == 1
    with on(TODAY), pytest.raises(BusinessError) as err:
        approvals.approval_decide(actor=manager_a2(world), request_id=request.pk, approve=True)
    assert "rejected" in str(err.value) or "已驳回" in str(err.value)


def test_an_expired_request_cannot_be_approved(world):
    loan = loan_a(world)
    require(Action.EXTENSION, hours=24)
    request = _extension_request(world, loan)
    later = timezone.now() + timedelta(hours=25)
    import time_machine

    with time_machine.travel(later, tick=False), pytest.raises(BusinessError):
        approvals.approval_decide(actor=world.manager_a, request_id=request.pk, approve=True)
    assert ApprovalRequest.objects.system("tests").get(pk=request.pk).status == ApprovalRequest.Status.EXPIRED
    loan.refresh_from_db()
    assert loan.end_date == date(2026, 7, 15)
    with time_machine.travel(later, tick=False):
        assert approvals.inbox_count(world.manager_a) == 0


def test_the_worker_expires_requests_past_their_time(world):
    import time_machine

    loan = loan_a(world)
    require(Action.EXTENSION, hours=24)
    request = _extension_request(world, loan)
    with on(TODAY):
        assert approvals.approvals_expire() == 0
    with time_machine.travel(request.expires_at + timedelta(hours=1), tick=False):
        assert approvals.approvals_expire() == 1
        assert approvals.approvals_expire() == 0
    assert ApprovalRequest.objects.system("tests").get(pk=request.pk).status == ApprovalRequest.Status.EXPIRED
    assert AuditLog.objects.system("tests").filter(action="credit.request.expired").count() == 1


def test_a_request_approved_twice_runs_once(world):
    loan = loan_a(world)
    require(Action.EXTENSION)
    request = _extension_request(world, loan)
    with on(TODAY):
        approvals.approval_decide(actor=world.manager_a, request_id=request.pk, approve=True)
        with pytest.raises(BusinessError):
            approvals.approval_decide(actor=manager_a2(world), request_id=request.pk, approve=True)
    assert LoanChange.objects.children_of(loan).count() == 1


def test_an_action_the_rules_refuse_leaves_the_request_waiting(world):
    loan = loan_a(world)
    require(Action.EXTENSION)
    request = _extension_request(world, loan)
    Loan.objects.system("tests").filter(pk=loan.pk).update(officer=world.officer_b, handling_branch=world.branch_b)
    with on(TODAY), pytest.raises((BusinessError, NotFound)):
        approvals.approval_decide(actor=world.admin, request_id=request.pk, approve=True)
    assert ApprovalRequest.objects.system("tests").get(pk=request.pk).status == ApprovalRequest.Status.PENDING


def test_bulk_approval_runs_each_and_reports_the_refused(world):
    require(Action.EXTENSION, Action.CLASSIFICATION)
    loans = [loan_a(world) for _n in range(3)]
    requests = [_extension_request(world, loan) for loan in loans[:2]]
    with on(TODAY):
        own = approval.submit(
            actor=world.manager_a,
            action=Action.CLASSIFICATION,
            loan=loans[2],
            params={"category": "doubtful", "reason": "认定"},
        )
        assert approvals.inbox_count(world.manager_a) == 2  # not their own request
        result = approvals.approvals_decide_bulk(
            actor=world.manager_a, request_ids=[r.pk for r in requests] + [own.pk], approve=True
        )
    assert result.approved == 2 and [pk for pk, _msg in result.failed] == [own.pk]
    assert Loan.objects.system("tests").filter(end_date=date(2027, 1, 15)).count() == 2


def test_a_second_request_for_the_same_loan_waits_for_the_first(world):
    loan = loan_a(world)
    require(Action.EXTENSION)
    _extension_request(world, loan)
    with pytest.raises(BusinessError):
        _extension_request(world, loan)


def test_the_request_refuses_at_once_what_the_action_would_refuse(world):
    loan = loan_a(world)
    require(Action.EXTENSION)
    with on(TODAY), pytest.raises(BusinessError):
        approval.submit(
            actor=world.officer_a,
            action=Action.EXTENSION,
            loan=loan,
            params={"kind": "extension", "effective_from": "2026-03-01", "new_end_date": "2027-03-15", "reason": "x"},
        )
    assert not ApprovalRequest.objects.system("tests").exists()


def test_without_the_policy_the_actions_run_directly(world):
    loan = loan_a(world)
    with on(TODAY):
        DIRECT[Action.EXTENSION](world, loan)
    loan.refresh_from_db()
    assert loan.end_date == date(2027, 1, 15)


def test_a_change_of_a_users_role_or_scope_is_under_the_role_approval(world):
    from xindai.org.models import ScopeKind
    from xindai.org.services import user_update
    from xindai.org.tests.factories import UserFactory, role

    require(Action.ROLE_CHANGE)
    manager = role("支行行长")
    with pytest.raises(BusinessError):
        user_update(actor=world.admin, user=world.officer_a1, role=manager)
    user_update(actor=world.admin, user=world.officer_a1, real_name="李信贷员")  # not a permission change
    world.officer_a1.refresh_from_db()
    assert world.officer_a1.role != manager and world.officer_a1.real_name == "李信贷员"
    request = approval.submit(
        actor=world.admin,
        action=Action.ROLE_CHANGE,
        params={"user_id": world.officer_a1.pk, "values": {"role": manager.pk}},
        target=f"user:{world.officer_a1.pk}",
    )
    assert [row[0] for row in request.effect] == ["role"]
    with pytest.raises(NotFound):  # a role change is about no loan: only all-data checkers see it
        approvals.approval_decide(actor=world.manager_a, request_id=request.pk, approve=True)
    second = UserFactory(username="admin2", role=role("系统管理员"), scope=ScopeKind.ALL, branch=world.hq)
    approvals.approval_decide(actor=second, request_id=request.pk, approve=True)
    world.officer_a1.refresh_from_db()
    assert world.officer_a1.role == manager
