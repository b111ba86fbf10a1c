"""The project's own permissions, grouped by module, named in Chinese through translation.

Codes look like Django's "app.codename", so `user.has_perm(code)`, `{% if perms.loans.add %}`
and `permission_required` all work through `RolePermissionBackend`.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True, slots=True)
class PermissionDef:
    code: str
    label: Promise
    read_only: bool = False


MODULES: list[tuple[Promise, list[PermissionDef]]] = [
    (
        _("Customers"),
        [
            PermissionDef("customers.view", _("View customers"), read_only=True),
            PermissionDef("customers.add", _("Register customers")),
            PermissionDef("customers.change", _("Edit customers")),
            PermissionDef("customers.delete", _("Delete customers")),
            PermissionDef("customers.export", _("Export customers"), read_only=True),
            PermissionDef("customers.view_personal", _("See full ID and mobile numbers"), read_only=True),
            PermissionDef("customers.add_contact", _("Record contacts with customers")),
        ],
    ),
    (
        _("Loans"),
        [
            PermissionDef("loans.view", _("View loans"), read_only=True),
            PermissionDef("loans.add", _("Register loans")),
            PermissionDef("loans.change", _("Edit loans")),
            PermissionDef("loans.delete", _("Delete loans")),
            PermissionDef("loans.export", _("Export loans"), read_only=True),
            PermissionDef("loans.import", _("Import loans")),
            PermissionDef("loans.print", _("Print notices and receipts"), read_only=True),
            PermissionDef("loans.manage_types", _("Manage loan types")),
            PermissionDef("loans.change_terms", _("Change loan contract terms")),
        ],
    ),
    (
        _("Repayments"),
        [
            PermissionDef("repayments.view", _("View due and overdue installments"), read_only=True),
            PermissionDef("repayments.confirm", _("Confirm repayments")),
            PermissionDef("repayments.reverse", _("Reverse repayments")),
            PermissionDef("repayments.classify", _("Override loan classification")),
        ],
    ),
    (
        _("Credit operations"),
        [
            PermissionDef("credit.approve", _("Approve requests (second person)")),
            PermissionDef("credit.extend", _("Extend and restructure loans")),
            PermissionDef("credit.write_off", _("Write off loss-class loans")),
            PermissionDef("credit.waive", _("Waive penalty and interest")),
            PermissionDef("credit.transfer", _("Transfer loans to another officer or branch")),
        ],
    ),
    (
        _("SMS and voice"),
        [
            PermissionDef("messaging.view", _("View message log"), read_only=True),
            PermissionDef("messaging.send", _("Send messages")),
            PermissionDef("messaging.manage_templates", _("Manage message templates")),
            PermissionDef("messaging.switch_auto", _("Switch automatic sending on and off")),
        ],
    ),
    (
        _("Reports"),
        [
            PermissionDef("reports.view", _("View reports"), read_only=True),
            PermissionDef("reports.export", _("Export and print reports"), read_only=True),
        ],
    ),
    (
        _("System"),
        [
            PermissionDef("system.manage_users", _("Manage users")),
            PermissionDef("system.manage_roles", _("Manage roles and permissions")),
            PermissionDef("system.manage_org", _("Manage branches and regions")),
            PermissionDef("system.manage_settings", _("Change system settings")),
            PermissionDef("system.view_audit", _("View the audit log"), read_only=True),
        ],
    ),
]

ALL: dict[str, PermissionDef] = {p.code: p for _m, perms in MODULES for p in perms}
READ_ONLY: frozenset[str] = frozenset(code for code, p in ALL.items() if p.read_only)
# Read-only permissions that are still the bank's own business, never a government user's: the
# bank's internal forms, its communication with borrowers, and the whole system module (the
# audit log shows what every bank user did).
BANK_ONLY: frozenset[str] = frozenset(
    {"loans.print", "messaging.view"} | {code for code in ALL if code.startswith("system.")}
)


def held_by(user) -> frozenset[str]:
    """The permission codes `user` holds (a superuser holds them all)."""
    if getattr(user, "is_superuser", False):
        return frozenset(ALL)
    role = getattr(user, "role", None)
    return frozenset(role.permissions) if role is not None and user.is_active else frozenset()


def label_of(code: str) -> str:
    perm = ALL.get(code)
    return str(perm.label) if perm else code
