"""The module menu, in the order of the original requirement (ux.md), filtered by permission.

Entries name a URL (reversed when the menu is drawn: a misnamed entry fails loudly, in the
tests of every page).
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True, slots=True)
class Entry:
    label: Promise
    url_name: str
    perm: str | None = None


@dataclass(frozen=True, slots=True)
class Module:
    label: Promise
    icon: str
    entries: tuple[Entry, ...]


# The modules in the order of the original requirement (ux.md): 业务查询, 客户管理, 业务管理, 短信群发,
# (电话语音,) 客户沟通, 报表统计, …, 系统管理.
MENU: tuple[Module, ...] = (
    Module(_("Business overview"), "speedometer2", (Entry(_("Overview"), "home"), Entry(_("My jobs"), "jobs:list"))),
    Module(
        _("Customers"),
        "people",
        (
            Entry(_("New customer"), "customers:create", "customers.add"),
            Entry(_("Customer search"), "customers:list", "customers.view"),
        ),
    ),
    Module(
        _("Business"),
        "briefcase",
        (
            Entry(_("New loan"), "loans:create", "loans.add"),
            Entry(_("Loans"), "loans:list", "loans.view"),
            Entry(_("Loan calculator"), "loans:calculator", "loans.view"),
            Entry(_("Due and overdue"), "repayments:due", "repayments.view"),
            Entry(_("Repayment records"), "repayments:ledger", "repayments.view"),
            Entry(_("Interest receipts"), "printing:receipts", "loans.print"),
            Entry(_("Data import"), "imports:upload", "loans.import"),
            Entry(_("Portfolio transfer"), "credit:transfer", "credit.transfer"),
        ),
    ),
    Module(
        _("SMS"),
        "envelope",
        (
            Entry(_("Send SMS"), "messaging:compose", "messaging.send"),
            Entry(_("SMS templates"), "messaging:templates", "messaging.manage_templates"),
            Entry(_("Automatic sending"), "messaging:auto", "messaging.switch_auto"),
            Entry(_("Inbox"), "messaging:inbox", "messaging.view"),
            Entry(_("Automatic replies"), "messaging:rules", "messaging.manage_templates"),
            Entry(_("Message log"), "messaging:log", "messaging.view"),
            Entry(_("Statistics"), "messaging:statistics", "messaging.view"),
        ),
    ),
    Module(
        _("Voice calls"),
        "telephone",
        (
            Entry(_("Voice notice"), "messaging:voice_compose", "messaging.send"),
            Entry(_("Voice templates"), "messaging:voice_templates", "messaging.manage_templates"),
            Entry(_("Call log"), "messaging:calls", "messaging.view"),
        ),
    ),
    Module(
        _("Customer contacts"),
        "chat-left-text",
        (
            Entry(_("Record a contact"), "customers:contact_create", "customers.add_contact"),
            Entry(_("Contact search"), "customers:contact_list", "customers.view"),
        ),
    ),
    Module(
        _("Reports"),
        "bar-chart",
        (
            Entry(_("Reports"), "reports:report", "reports.view"),
            Entry(_("Comparison charts"), "reports:charts", "reports.view"),
            Entry(_("Write-off register"), "credit:write_offs", "reports.view"),
            Entry(_("Waiver report"), "credit:waivers", "reports.view"),
        ),
    ),
    Module(
        _("Post-loan"),
        "clipboard-check",
        (
            Entry(_("Post-loan inspections"), "postloan:inspections", "loans.view"),
            Entry(_("Early warnings"), "postloan:warnings", "loans.view"),
            Entry(_("Collateral"), "collateral:list", "loans.view"),
            Entry(_("Coverage"), "collateral:coverage", "loans.view"),
            Entry(_("Guarantors"), "collateral:guarantors", "loans.view"),
            Entry(_("Post-loan reports"), "postloan:report", "loans.view"),
        ),
    ),
    Module(
        _("Approvals"),
        "check2-square",
        (
            Entry(_("Waiting for my approval"), "credit:inbox", "credit.approve"),
            Entry(_("My requests"), "credit:mine", "loans.view"),
        ),
    ),
    Module(
        _("System"),
        "gear",
        (
            Entry(_("Users"), "org:user_list", "system.manage_users"),
            Entry(_("Roles and permissions"), "org:role_list", "system.manage_roles"),
            Entry(_("Branches"), "org:branch_list", "system.manage_org"),
            Entry(_("Regions"), "org:region_list", "system.manage_org"),
            Entry(_("Contact channels"), "customers:channel_list", "system.manage_settings"),
            Entry(_("Loan types"), "loans:type_list", "loans.manage_types"),
            Entry(_("Holidays"), "loans:calendar", "system.manage_settings"),
            Entry(_("LPR"), "loans:lpr", "system.manage_settings"),
            Entry(_("System settings"), "core:settings", "system.manage_settings"),
            Entry(_("Haircuts"), "collateral:haircuts", "system.manage_settings"),
            Entry(_("Post-loan rules"), "postloan:rules", "system.manage_settings"),
            Entry(_("Two-person approval"), "credit:policy", "system.manage_settings"),
            Entry(_("Audit log"), "core:audit_list", "system.view_audit"),
        ),
    ),
)


def menu_for(user, current_path: str) -> list[dict]:
    """The modules and entries `user` may open, with the current entry marked."""
    modules, best = [], ""
    for module in MENU:
        entries = []
        for entry in module.entries:
            if entry.perm and not user.has_perm(entry.perm):
                continue
            url = _url(entry.url_name)
            if (current_path == url or (url != "/" and current_path.startswith(url))) and len(url) > len(best):
                best = url  # the deepest entry containing the page is the current one
            entries.append({"label": entry.label, "url": url})
        if entries:
            modules.append({"label": module.label, "icon": module.icon, "entries": entries})
    for module in modules:
        for entry in module["entries"]:
            entry["active"] = entry["url"] == best
        module["active"] = any(e["active"] for e in module["entries"])
    return modules


_URLS: dict[tuple, str] = {}


def _url(url_name: str) -> str:
    """reverse() of an entry, once per process (and URL configuration): ~50 a page otherwise."""
    key = (url_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    if key not in _URLS:
        _URLS[key] = reverse(url_name)
    return _URLS[key]
