"""Audit entries in words (操作日志, 变更历史): "张三 于 2026-03-20 09:00 将 年利率 由 4.35% 改为 4.75%".

The one place that turns an audit row's codes into what a clerk reads: the action code into its
words (the registry of core/audit_actions.py), the changed fields into their labels, ids into
the names of the people and objects they point at (looked up in bulk, inside the reader's
scope), choice codes into their labels, amounts and rates into the one number format. A code
no longer registered is read from its last word (created, changed, deleted…) and the object's
kind.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xindai.core import masking
from xindai.core.audit_actions import AuditAction
from xindai.core.display import format_rate
from xindai.core.money import format_amount

VERBS = {
    "created": gettext_lazy("created"),
    "changed": gettext_lazy("changed"),
    "saved": gettext_lazy("saved"),
    "deleted": gettext_lazy("deleted"),
    "imported": gettext_lazy("imported"),
    "confirmed": gettext_lazy("confirmed"),
    "reversed": gettext_lazy("reversed"),
    "answered": gettext_lazy("answered"),
    "switched": gettext_lazy("switched"),
}
# Keys of `changes` that are not fields of the audited object (or read better by another name).
KEYS = {
    "amount": gettext_lazy("amount"),
    "principal": gettext_lazy("principal"),
    "interest": gettext_lazy("interest"),
    "penalty": gettext_lazy("penalty interest"),
    "compound": gettext_lazy("compound interest"),
    "paid_on": gettext_lazy("repayment date"),
    "installment": gettext_lazy("period"),
    "loan": gettext_lazy("loan"),
    "method": gettext_lazy("sign-in method"),
    "members": gettext_lazy("members"),
    "reason": gettext_lazy("reason"),
    "reversal": gettext_lazy("reversal entry"),
    "effective_from": gettext_lazy("effective from"),
    "version": gettext_lazy("plan version"),
    "installments_replaced": gettext_lazy("installments replaced"),
    "lpr": gettext_lazy("LPR"),
    "lpr_announced_on": gettext_lazy("LPR announced on"),
    "plan_regenerated": gettext_lazy("plan regenerated"),
    "number": gettext_lazy("mobile number"),
    "login": gettext_lazy("user name"),
    "ip": gettext_lazy("IP address"),
    "kind": gettext_lazy("kind"),
    "messages": gettext_lazy("messages"),
    "loans": gettext_lazy("loans"),
    "customers": gettext_lazy("customers"),
    "errors": gettext_lazy("errors"),
    "source": gettext_lazy("source"),
    "subject": gettext_lazy("subject"),
    "opted_out": gettext_lazy("opted out"),
    "day": gettext_lazy("day"),
    "days_overdue": gettext_lazy("days overdue"),
    "classification": gettext_lazy("classification"),
    "early_repayment": gettext_lazy("early repayment"),
    "before": gettext_lazy("before"),
    "answer": gettext_lazy("reply"),
    "announced_on": gettext_lazy("announced on"),
    "one_year": gettext_lazy("1-year LPR"),
    "five_year": gettext_lazy("5-year LPR"),
    "name": gettext_lazy("name"),
    "enabled": gettext_lazy("on"),
}
# Values that are codes of their own.
VALUES = {
    "method": {"password": gettext_lazy("password"), "sms": gettext_lazy("SMS code")},
}
# Keys holding ids of another model than a field of the object says.
KEY_MODELS = {"loan": "loans.loan", "reversal": "repayments.repayment"}
MONEY_KEYS = {"amount", "principal", "interest", "penalty", "compound"}
RATE_NAME_HINTS = ("rate", "spread", "lpr", "one_year", "five_year")


@dataclass
class Line:
    """One key of an entry's changes: "贷款利率 由 4.35% 改为 4.75%" (pair) or "还款日期：2026-03-20"."""

    label: str
    value: str = ""
    old: str = ""
    new: str = ""
    pair: bool = False

    def __str__(self) -> str:
        if self.pair:
            return _("%(field)s from %(old)s to %(new)s") % {"field": self.label, "old": self.old, "new": self.new}
        return _("%(field)s: %(value)s") % {"field": self.label, "value": self.value}


@dataclass
class Entry:
    """One audit row in words."""

    who: str
    when: str
    what: str
    target: str
    lines: list[Line] = field(default_factory=list)

    @property
    def sentence(self) -> str:
        """张三 于 2026-03-20 09:00 将 贷款利率 由 4.35% 改为 4.75%, or 张三 于 … 新增贷款 A-001."""
        pairs = [str(line) for line in self.lines if line.pair]
        if pairs:
            return _("%(who)s on %(when)s changed %(changes)s") % {
                "who": self.who,
                "when": self.when,
                "changes": _("; ").join(pairs),
            }
        return _("%(who)s on %(when)s %(what)s %(target)s") % {
            "who": self.who,
            "when": self.when,
            "what": self.what,
            "target": self.target,
        }


def _model(label: str):
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def _field(model, key: str):
    if model is None:
        return None
    try:
        f = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    # A reverse relation is no field of the row: {"messages": 30} on a batch is a count, not message #30.
    return None if f.auto_created and not f.concrete else f


def action_words(code: str, target_type: str = "") -> str:
    """The words of an action code: the registry's (core/audit_actions.py), else — for a code no
    longer registered — its verb and the object's kind."""
    if code in AuditAction.values:
        return str(AuditAction(code).label)
    last = code.rsplit(".", 1)[-1]
    model = _model(target_type or ".".join(code.split(".")[:2]))
    kind = str(model._meta.verbose_name) if model is not None else ""
    verb = VERBS.get(last)
    if verb is None:
        return _("acted on %(kind)s") % {"kind": kind} if kind else _("other action")
    return f"{verb}{kind}"


def logged_actions(entries) -> list[tuple[str, str]]:
    """The action filter's choices: the actions found in `entries` (one query), in words."""
    codes = entries.order_by().values_list("action", flat=True).distinct()
    return sorted(((code, action_words(code)) for code in codes), key=lambda pair: pair[1])


def _related_model(model, key: str):
    if key in KEY_MODELS:
        return _model(KEY_MODELS[key])
    f = _field(model, key)
    if f is not None and f.is_relation and f.related_model:
        return f.related_model
    return None


def _is_pair(model, key: str, value) -> bool:
    """[old, new] as audit.diff writes it — not a list of ids of a many-to-many field."""
    f = _field(model, key)
    return isinstance(value, list) and len(value) == 2 and not (f is not None and f.many_to_many)


def _ids(value) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [int(v) for v in values if isinstance(v, int) and not isinstance(v, bool) or str(v).isdigit()]


def _name(obj) -> str:
    for attribute in ("display_name", "real_name", "iou_number"):
        value = getattr(obj, attribute, "")
        if value:
            return str(value)
    return str(obj)


def _names(user, wanted: dict) -> dict:
    """{model: {id: name}} for the ids wanted, one query a model, inside the reader's scope
    (an object outside it stays a number)."""
    found = {}
    for model, ids in wanted.items():
        manager = model._default_manager
        rows = manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()
        found[model] = {obj.pk: _name(obj) for obj in rows.filter(pk__in=ids)}
    return found


def _plain(model, key: str, value, names: dict) -> str:
    """One value of `changes` as a clerk reads it."""
    if value is None or value == "" or value == []:
        return "—"
    related = _related_model(model, key)
    if related is not None and _ids(value):
        shown = [names.get(related, {}).get(i, f"#{i}") for i in _ids(value)]
        return "、".join(dict.fromkeys(shown))
    if key in VALUES and str(value) in VALUES[key]:
        return str(VALUES[key][str(value)])
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    f = _field(model, key)
    if f is not None and f.choices:
        labels = {str(k): str(v) for k, v in f.flatchoices}
        values = value if isinstance(value, list) else [value]
        return "、".join(labels.get(str(v), str(v)) for v in values)
    if isinstance(value, list):
        return "、".join(_plain(model, key, v, names) for v in value)
    if isinstance(value, str) and len(value) >= 16 and value[4] == "-" and value[10] == "T":
        return value.replace("T", " ")[:16]  # a time: 2026-03-20 09:00
    is_rate = any(hint in key for hint in RATE_NAME_HINTS)
    is_money = key in MONEY_KEYS or (isinstance(f, models.DecimalField) and not is_rate)
    if (is_money or is_rate) and isinstance(value, str | int) and not isinstance(value, bool):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        return format_rate(number) if is_rate else format_amount(number)
    return str(value)


def _label(model, key: str) -> str:
    """The field's label without its unit ("年利率（%）" → "年利率": the value carries the %)."""
    f = _field(model, key)
    label = str(f.verbose_name) if f is not None and hasattr(f, "verbose_name") else str(KEYS.get(key, key))
    for unit in ("（%）", "(%)", " (%)"):
        label = label.removesuffix(unit)
    return label.strip()


def in_words(user, entries) -> list[Entry]:
    """The entries in words, ids resolved with one query per kind of object named."""
    entries = list(entries)
    wanted = defaultdict(set)
    for e in entries:
        model = _model(e.target_type)
        for key, value in (e.changes or {}).items():
            if (related := _related_model(model, key)) is not None:
                for item in value if _is_pair(model, key, value) else [value]:
                    wanted[related].update(_ids(item))
    names = _names(user, wanted)
    result = []
    for e in entries:
        model = _model(e.target_type)
        lines = []
        for key, value in masking.shown_changes(user, e.changes or {}).items():
            if _is_pair(model, key, value):
                old, new = (_plain(model, key, v, names) for v in value)
                lines.append(Line(_label(model, key), old=old, new=new, pair=True))
            else:
                lines.append(Line(_label(model, key), value=_plain(model, key, value, names)))
        who = e.actor_name if e.actor_name and e.actor_name != "system" else _("the system")
        when = timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M") if e.created_at else ""
        target = str(masking.shown(user, "text", e.target_repr)) if e.target_repr else ""
        result.append(Entry(who=who, when=when, what=action_words(e.action, e.target_type), target=target, lines=lines))
    return result
