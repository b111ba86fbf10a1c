"""Writes of the organisation: branches, regions, roles, users. Each takes the acting user
and leaves an audit row in the same transaction."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _

from xindai.core import approval, audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError
from xindai.core.tree import tree_save_path
from xindai.org import permissions
from xindai.org.models import ALLOWED_PARENT_LEVELS, Branch, Region, RegionLevel, Role, ScopeKind, User, UserKind

BRANCH_IN_USE = _(
    "The branch %(name)s is in use (by sub-branches, users, customers or loans) and cannot be "
    "deleted. Deactivate it instead."
)
REGION_IN_USE = _(
    "The region %(name)s is in use (by lower regions, users or customers) and cannot be deleted. Deactivate it instead."
)
ROLE_IN_USE = _("The role %(name)s is held by %(count)s user(s) and cannot be deleted.")
BUILTIN_ROLE = _("Built-in roles cannot be deleted; change their permissions instead.")
PARENT_LOOP = _("A node cannot be moved under itself or one of its own descendants.")
REGION_PARENT_LEVEL = _("A %(level)s cannot be placed under %(parent)s.")
EXTERNAL_ROLE_WRITES = _("A role for external users may only hold read-only permissions; remove: %(perms)s.")
UNKNOWN_PERMISSION = _("Unknown permission: %(code)s.")
OLD_PASSWORD_WRONG = _("The current password is wrong.")
GRANT_BEYOND_OWN = _("You can only grant permissions you hold yourself; you do not hold: %(perms)s.")
EXTERNAL_ROLE_BANK_ONLY = _("A role for external users cannot hold the bank's own permissions; remove: %(perms)s.")
ROLE_KIND_MISMATCH = _("The role %(role)s is not meant for this kind of user.")
SELF_DEACTIVATE = _("You cannot deactivate your own account.")

BRANCH_FIELDS = ["code", "name", "parent", "address", "phone", "is_active"]
REGION_FIELDS = ["level", "parent", "code", "name", "is_active"]
ROLE_FIELDS = ["name", "description", "for_external", "permissions"]
USER_FIELDS = [
    "username",
    "real_name",
    "mobile",
    "kind",
    "role",
    "branch",
    "scope",
    "region",
    "is_loan_officer",
    "organisation",
    "email",
    "is_active",
]


def _check_no_loop(node, parent) -> None:
    if parent is not None and node.pk is not None and parent.path.startswith(node.path):
        raise BusinessError(PARENT_LOOP, field="parent")


def _save_tree_node(*, actor: User, node, values: dict, fields: list[str], actions: tuple[AuditAction, AuditAction]):
    before = audit.snapshot(node, fields) if node.pk else {}
    _check_no_loop(node, values.get("parent", node.parent if node.pk else None))
    for name, value in values.items():
        setattr(node, name, value)
    created = node.pk is None
    node.save()
    tree_save_path(node)
    audit.record(
        actor,
        actions[0] if created else actions[1],
        node,
        changes=audit.diff(before, audit.snapshot(node, fields)),
    )
    return node


def branch_save(*, actor: User, branch: Branch | None = None, **values) -> Branch:
    """Create a branch (branch=None) or change one; a change of parent moves its subtree."""
    with transaction.atomic():
        return _save_tree_node(
            actor=actor,
            node=branch or Branch(),
            values=values,
            fields=BRANCH_FIELDS,
            actions=(AuditAction.BRANCH_CREATED, AuditAction.BRANCH_CHANGED),
        )


def _check_region_parent(level: int, parent: Region | None) -> None:
    allowed = ALLOWED_PARENT_LEVELS[level]
    parent_level = parent.level if parent else None
    if parent_level not in allowed:
        raise BusinessError(
            REGION_PARENT_LEVEL,
            {
                "level": RegionLevel(level).label,
                "parent": parent.name if parent else _("the top level"),
            },
            field="parent",
        )


def region_save(*, actor: User, region: Region | None = None, **values) -> Region:
    """Create or change a region node; its level must fit under its parent's."""
    node = region or Region()
    level = values.get("level", node.level)
    parent = values.get("parent", node.parent if node.pk else None)
    _check_region_parent(level, parent)
    if node.pk and level != node.level and node.children.exists():
        raise BusinessError(REGION_IN_USE, {"name": node.name}, field="level")
    with transaction.atomic():
        return _save_tree_node(
            actor=actor,
            node=node,
            values=values,
            fields=REGION_FIELDS,
            actions=(AuditAction.REGION_CREATED, AuditAction.REGION_CHANGED),
        )


def _delete(*, actor: User, obj, action: AuditAction, in_use_message) -> None:
    with transaction.atomic():
        if obj.children.exists():
            raise BusinessError(in_use_message, {"name": obj.name})
        audit.record(actor, action, obj)
        try:
            with transaction.atomic():
                obj.delete()
        except (ProtectedError, RestrictedError):
            raise BusinessError(in_use_message, {"name": obj.name}) from None


def branch_delete(*, actor: User, branch: Branch) -> None:
    _delete(actor=actor, obj=branch, action=AuditAction.BRANCH_DELETED, in_use_message=BRANCH_IN_USE)


def region_delete(*, actor: User, region: Region) -> None:
    _delete(actor=actor, obj=region, action=AuditAction.REGION_DELETED, in_use_message=REGION_IN_USE)


def _labels(codes) -> str:
    return "、".join(permissions.label_of(c) for c in sorted(codes))


def _check_permissions(codes: list[str], for_external: bool) -> list[str]:
    for code in codes:
        if code not in permissions.ALL:
            raise BusinessError(UNKNOWN_PERMISSION, {"code": code}, field="permissions")
    if for_external:
        writes = [c for c in codes if c not in permissions.READ_ONLY]
        if writes:
            raise BusinessError(EXTERNAL_ROLE_WRITES, {"perms": _labels(writes)}, field="permissions")
        bank_only = set(codes) & permissions.BANK_ONLY
        if bank_only:
            raise BusinessError(EXTERNAL_ROLE_BANK_ONLY, {"perms": _labels(bank_only)}, field="permissions")
    return sorted(set(codes))


def _check_grant(actor: User, granted: set[str], field: str) -> None:
    """Nobody grants what they do not hold (the permissions a role gains, a user's new role)."""
    beyond = granted - permissions.held_by(actor)
    if beyond:
        raise BusinessError(GRANT_BEYOND_OWN, {"perms": _labels(beyond)}, field=field)


def role_save(*, actor: User, role: Role | None = None, **values) -> Role:
    """Create or change a role; the permissions it gains must be the actor's own; the audit row
    names the permissions added and removed."""
    role = role or Role()
    for_external = values.get("for_external", role.for_external)
    values["permissions"] = _check_permissions(list(values.get("permissions", role.permissions)), for_external)
    with transaction.atomic():
        if role.pk:
            role = Role.objects.select_for_update().get(pk=role.pk)
        approval.guard(approval.Action.ROLE_CHANGE, target=f"role:{role.pk or 'new'}")
        old = set(role.permissions) if role.pk else set()
        new = set(values["permissions"])
        _check_grant(actor, new - old, "permissions")
        before = audit.snapshot(role, ROLE_FIELDS) if role.pk else {}
        created = role.pk is None
        for name, value in values.items():
            setattr(role, name, value)
        role.save()
        action = AuditAction.ROLE_CREATED if created else AuditAction.ROLE_CHANGED
        changes = audit.diff(before, audit.snapshot(role, ROLE_FIELDS))
        changes.pop("permissions", None)
        if new != old:
            changes.update(permissions_added=sorted(new - old), permissions_removed=sorted(old - new))
        audit.record(actor, action, role, changes=changes)
    return role


def role_delete(*, actor: User, role: Role) -> None:
    if role.is_builtin:
        raise BusinessError(BUILTIN_ROLE)
    count = User.objects.filter(role=role).count()
    if count:
        raise BusinessError(ROLE_IN_USE, {"name": role.name, "count": count})
    with transaction.atomic():
        approval.guard(approval.Action.ROLE_CHANGE, target=f"role:{role.pk}")
        audit.record(actor, AuditAction.ROLE_DELETED, role)
        role.delete()


def _normalise_user_values(values: dict) -> dict:
    kind = values.get("kind")
    if kind == UserKind.EXTERNAL:
        values["scope"] = ScopeKind.REGION
        values["branch"] = None
        values["is_loan_officer"] = False
    elif kind == UserKind.BANK:
        values["region"] = None
    role = values.get("role")
    if role is not None and kind is not None and role.for_external != (kind == UserKind.EXTERNAL):
        raise BusinessError(ROLE_KIND_MISMATCH, {"role": role.name}, field="role")
    return values


def user_create(*, actor: User, password: str, **values) -> User:
    values = _normalise_user_values(values)
    if values.get("role") is not None:
        _check_grant(actor, set(values["role"].permissions), "role")
    user = User(**values)
    validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        audit.record(actor, AuditAction.USER_CREATED, user, changes=audit.snapshot(user, USER_FIELDS))
    return user


def user_update(*, actor: User, user: User, **values) -> User:
    """Change a user; role and scope changes are permission changes and are logged as such."""
    values = _normalise_user_values({"kind": values.get("kind", user.kind), **values})
    if user.pk == actor.pk and values.get("is_active") is False:
        raise BusinessError(SELF_DEACTIVATE, field="is_active")
    if values.get("role") is not None and values["role"].pk != user.role_id:
        _check_grant(actor, set(values["role"].permissions), "role")
    with transaction.atomic():
        if permission_change(user, values):  # what the user may do or see: under the role approval
            approval.guard(approval.Action.ROLE_CHANGE, target=f"user:{user.pk}")
        before = audit.snapshot(user, USER_FIELDS)
        for name, value in values.items():
            setattr(user, name, value)
        user.save()
        changes = audit.diff(before, audit.snapshot(user, USER_FIELDS))
        sensitive = {"role", "scope", "region", "branch", "kind", "is_active"} & changes.keys()
        action = AuditAction.USER_PERMISSIONS_CHANGED if sensitive else AuditAction.USER_CHANGED
        audit.record(actor, action, user, changes=changes)
    return user


PERMISSION_FIELDS = ("role", "scope", "region", "branch", "kind")


def permission_change(user: User, values: dict) -> bool:
    """Whether `values` change what `user` may do or see (role, data scope and its node, kind)."""
    return any(name in values and values[name] != getattr(user, name) for name in PERMISSION_FIELDS)


def user_change_own_password(*, actor: User, old_password: str, password: str) -> None:
    """A user changes their own password: the old one first, then the strength rules."""
    if not actor.check_password(old_password):
        raise BusinessError(OLD_PASSWORD_WRONG, field="old_password")
    validate_password(password, actor)
    with transaction.atomic():
        actor.set_password(password)
        actor.save(update_fields=["password"])
        audit.record(actor, AuditAction.PASSWORD_CHANGED, actor)


def user_set_password(*, actor: User, user: User, password: str) -> None:
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(actor, AuditAction.PASSWORD_RESET, user)


# 显示列 ----------------------------------------------------------------------------------------

COLUMN_LISTS = frozenset({"customers", "loans", "due"})  # the tables with a 显示列 menu (data-columns)
COLUMNS_MAX, COLUMN_NAME_MAX = 40, 40
BAD_COLUMNS = _("Unknown list, or too many or too long column names.")


def user_columns_save(*, actor: User, table: str, hidden: list[str]) -> list[str]:
    """Remember the columns `actor` hides on the list `table` (header texts, each once) and answer
    them. The user's own display preference, not business data: no audit row."""
    names = list(dict.fromkeys(name.strip() for name in hidden if name.strip()))
    if table not in COLUMN_LISTS or len(names) > COLUMNS_MAX or any(len(n) > COLUMN_NAME_MAX for n in names):
        raise BusinessError(BAD_COLUMNS)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        user.list_columns = {**(user.list_columns or {}), table: names}
        user.save(update_fields=["list_columns"])
    actor.list_columns = user.list_columns
    return names
