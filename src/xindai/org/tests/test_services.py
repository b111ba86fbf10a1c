import pytest

from xindai.core.errors import BusinessError
from xindai.core.models import AuditLog
from xindai.org import services
from xindai.org.models import RegionLevel, Role, ScopeKind, UserKind
from xindai.org.tests.factories import UserFactory, role

pytestmark = pytest.mark.django_db


def test_branch_in_use_cannot_be_deleted(world):
    with pytest.raises(BusinessError) as err:
        services.branch_delete(actor=world.admin, branch=world.branch_a)  # has a sub-branch and users
    assert err.value.message == services.BRANCH_IN_USE
    assert "不能删除" in str(err.value)


def test_unused_branch_is_deleted_with_an_audit_row(world):
    branch = services.branch_save(actor=world.admin, code="0999", name="临时支行", parent=world.hq)
    pk = branch.pk
    services.branch_delete(actor=world.admin, branch=branch)
    assert AuditLog.objects.system("tests").filter(action="org.branch.deleted", target_id=str(pk)).exists()


def test_region_in_use_cannot_be_deleted(world):
    with pytest.raises(BusinessError) as err:
        services.region_delete(actor=world.admin, region=world.village_a1)
    assert err.value.message == services.REGION_IN_USE


def test_region_used_by_a_user_cannot_be_deleted(world):
    from xindai.org.tests.factories import external_user

    leaf = services.region_save(
        actor=world.admin, code="620722100299", name="孤村", level=RegionLevel.VILLAGE, parent=world.township_b1
    )
    external_user(leaf)
    with pytest.raises(BusinessError) as err:
        services.region_delete(actor=world.admin, region=leaf)
    assert err.value.message == services.REGION_IN_USE
    leaf.refresh_from_db()  # still there, and no audit row of a deletion survived
    assert not AuditLog.objects.system("tests").filter(action="org.region.deleted").exists()


def test_region_levels_must_fit(world):
    with pytest.raises(BusinessError) as err:
        services.region_save(
            actor=world.admin, code="x1", name="错层村", level=RegionLevel.VILLAGE, parent=world.county_a
        )
    assert err.value.message == services.REGION_PARENT_LEVEL
    group = services.region_save(
        actor=world.admin, code="x2", name="二社", level=RegionLevel.GROUP, parent=world.village_a1b
    )
    assert group.path.startswith(world.township_a1.path)


def test_a_node_cannot_move_under_itself(world):
    with pytest.raises(BusinessError) as err:
        services.branch_save(actor=world.admin, branch=world.branch_a, parent=world.sub_branch_a1)
    assert err.value.message == services.PARENT_LOOP


def test_external_roles_hold_only_read_only_permissions(world):
    with pytest.raises(BusinessError) as err:
        services.role_save(actor=world.admin, name="镇干部", for_external=True, permissions=["loans.view", "loans.add"])
    assert err.value.message == services.EXTERNAL_ROLE_WRITES


def test_permission_changes_are_logged(world):
    officer_role = role("信贷员")
    services.role_save(actor=world.admin, role=officer_role, permissions=officer_role.permissions + ["loans.import"])
    entry = AuditLog.objects.system("tests").get(action="org.role.changed")
    assert entry.changes["permissions_added"] == ["loans.import"]
    services.user_update(actor=world.admin, user=world.officer_a, role=role("支行行长"))
    assert (
        AuditLog.objects.system("tests")
        .filter(action="org.user.permissions_changed", target_id=str(world.officer_a.pk))
        .exists()
    )


def test_builtin_role_cannot_be_deleted(world):
    with pytest.raises(BusinessError) as refused:
        services.role_delete(actor=world.admin, role=role("信贷员"))
    assert str(refused.value) == "内置角色不能删除；如需调整，请修改其权限。"


def test_role_held_by_users_cannot_be_deleted(world):
    custom = Role.objects.create(name="临时")
    UserFactory(role=custom)
    with pytest.raises(BusinessError) as err:
        services.role_delete(actor=world.admin, role=custom)
    assert err.value.message == services.ROLE_IN_USE


def test_external_user_is_normalised_to_a_region_scope(world):
    user = services.user_create(
        actor=world.admin,
        password="Gansu-2026!x",
        username="zf",
        real_name="镇政府",
        kind=UserKind.EXTERNAL,
        role=role("乡镇政府"),
        region=world.township_a2,
        scope=ScopeKind.ALL,
        branch=world.branch_a,
    )
    assert (user.scope, user.branch) == (ScopeKind.REGION, None)


def test_a_bank_role_cannot_go_to_an_external_user(world):
    with pytest.raises(BusinessError) as err:
        services.user_create(
            actor=world.admin,
            password="Gansu-2026!x",
            username="zf2",
            real_name="镇政府",
            kind=UserKind.EXTERNAL,
            role=role("信贷员"),
            region=world.township_a2,
        )
    assert err.value.message == services.ROLE_KIND_MISMATCH


def test_nobody_deactivates_themselves(world):
    with pytest.raises(BusinessError) as refused:
        services.user_update(actor=world.admin, user=world.admin, is_active=False)
    assert str(refused.value) == "不能停用您自己的账号。"


def test_createsuperuser_noinput_gives_an_all_data_administrator(monkeypatch, db):
    from django.core.management import call_command

    from xindai.org.models import User

    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "root")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "First-admin-2026")
    call_command("createsuperuser", "--noinput", verbosity=0)
    user = User.objects.get(username="root")
    assert (user.kind, user.scope, user.role.name, user.is_superuser) == (
        UserKind.BANK,
        ScopeKind.ALL,
        "系统管理员",
        True,
    )
    assert user.check_password("First-admin-2026")
