"""The one door to scoped data (数据范围), and it fails closed.

A scoped model's default manager (`ScopedManager`) refuses to run any query — a list, a count,
an `Exists(...)` subquery, an update — that has not been through the door:

    Loan.objects.visible_to(request.user)                  # what this user may see
    Loan.objects.visible_to(system_scope("report command"))  # a named system caller: everything
    with system_scope("reminder engine"): ...              # every query in the block, named once

`visible_to` takes a user or a `SystemScope`, never None. A query that skips it raises
`ScopeRefused` when it would reach the database, so a forgotten door is a failure, not a leak.

What passes without the door, and why:
- Inserts (`create`, `bulk_create`): writing a row reads nothing.
- The base manager (`Model._base_manager`, Django's plain manager): Django uses it to follow a
  foreign key (`loan.customer`, `installment.loan`), to save, refresh and cascade. Every rule here
  is closed upwards — an object in scope has its parents in scope (a visible loan's customer is
  visible; a message is visible only with its loan) — so following a key from an object that
  came through the door stays inside the scope. Code must not name `_base_manager` itself (the
  door test flags it).
- A related manager from a parent object to children that are scoped *through that parent*
  (`loan.installments`, `loan.repayments`, `customer.contacts`, prefetches of them): their rule is
  the parent's rule, so the parent having come through the door is the door. Children with a
  rule of their own (`customer.loans`, `group.members`, `message.matched_customers`) refuse
  like `Model.objects` and are read with `.visible_to(user)` on the related manager.

The rules are field paths: those of a customer, a loan, a mass sending and the audit log live
here; a rule that needs a model of an app (a message's, a joint-guarantee group's) lives beside
that model and builds on these (`messaging/models.py`, `loans/models.py`, which also adds "sees
one of the customer's loans" to the customer's rule); models that belong to one of them reuse it
through `via`. Who a user is (bank or external, which branch or region) is resolved by the user
model itself (`user.data_scope()`), so this module knows no app above it.
"""

from __future__ import annotations

import contextvars
import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import models
from django.db.models import Q
from django.db.models.sql import Query


class Reach(StrEnum):
    NOTHING = "nothing"
    ALL = "all"
    BRANCH = "branch"
    PERSONAL = "personal"
    REGION = "region"


# The customer field holding each region level (County=1 ... Group=5).
REGION_FIELDS = {1: "county", 2: "area", 3: "township", 4: "village", 5: "group"}


@dataclass(frozen=True, slots=True)
class Scope:
    reach: Reach
    user_id: int | None = None
    branch_ids: frozenset[int] = field(default_factory=frozenset)
    region_level: int | None = None
    region_id: int | None = None
    system: str = ""  # the name of the system caller, for a system scope


NOTHING = Scope(Reach.NOTHING)


class ScopeRefused(RuntimeError):
    """A query of a scoped model that went through no door: a programming error, never shown."""


_active_system: contextvars.ContextVar[str | None] = contextvars.ContextVar("xindai_system_scope", default=None)
_tokens: contextvars.ContextVar[tuple] = contextvars.ContextVar("xindai_system_scope_tokens", default=())


class SystemScope:
    """A named caller that is not a user (the reminder engine, the worker, an import command).

    Pass it where a user goes (`visible_to(system)`, `report_rows(viewer=system)`), or use it as
    a context manager to open the door for every query in a block. It sees everything.
    """

    __slots__ = ("name",)

    def __init__(self, name: str):
        if not isinstance(name, str) or not name.strip():
            raise ValueError("a system scope needs a name")
        self.name = name

    def __enter__(self) -> SystemScope:
        # The tokens are kept per context (thread, task), so one module-level scope can be
        # entered by many threads at once.
        _tokens.set((*_tokens.get(), _active_system.set(self.name)))
        return self

    def __exit__(self, *exc) -> None:
        *rest, token = _tokens.get()
        _tokens.set(tuple(rest))
        _active_system.reset(token)

    sees_everything = True  # personal data in full (core/masking.py): the worker sends to real numbers

    def __call__(self, function: Callable) -> Callable:
        """As a decorator: the whole function runs in this system scope."""

        @functools.wraps(function)
        def scoped(*args, **kwargs):
            with self:
                return function(*args, **kwargs)

        return scoped

    def __repr__(self) -> str:
        return f"system_scope({self.name!r})"


def system_scope(name: str) -> SystemScope:
    """The door for a named system caller: `with system_scope("reminder engine"): ...`."""
    return SystemScope(name)


# Django's and our own uniqueness checks: an ID or IOU number is unique in the bank, not in a
# scope. Only "already registered" may follow from it, never anything of the other record.
UNIQUE = SystemScope("uniqueness check")


Viewer = Any  # a user (org.User, AnonymousUser) or a SystemScope


def scope_for(viewer: Viewer) -> Scope:
    """What `viewer` may see; resolved once per user object (the request's user)."""
    if viewer is None:
        raise TypeError("visible_to() needs a user or a system scope, not None")
    if isinstance(viewer, SystemScope):
        return Scope(Reach.ALL, system=viewer.name)
    cached = getattr(viewer, "_xindai_scope", None)
    if cached is not None:
        return cached
    resolve = getattr(viewer, "data_scope", None)
    if resolve is None or not viewer.is_authenticated or not viewer.is_active:
        return NOTHING
    scope = resolve()
    if getattr(viewer, "pk", None) is not None:
        viewer._xindai_scope = scope
    return scope


# Rules: (scope, prefix) -> Q over field paths ---------------------------------------------------


def loan_rule(scope: Scope, prefix: str = "") -> Q:
    """Which loans a scope sees: handled by the branch subtree, officered by the user, or
    lent to a customer living under the region node."""
    if scope.reach == Reach.ALL:
        return Q()
    if scope.reach == Reach.BRANCH:
        return Q(**{f"{prefix}handling_branch_id__in": scope.branch_ids})
    if scope.reach == Reach.PERSONAL:
        return Q(**{f"{prefix}officer_id": scope.user_id})
    if scope.reach == Reach.REGION:
        return Q(**{f"{prefix}customer__{REGION_FIELDS[scope.region_level]}_id": scope.region_id})
    return Q(pk__in=[])


def customer_rule(scope: Scope, prefix: str = "") -> Q:
    """Which customers a scope sees: registered by the branch subtree / the user, or having a
    loan the scope sees; for external users, living under the region node."""
    if scope.reach == Reach.ALL:
        return Q()
    if scope.reach == Reach.REGION:
        return Q(**{f"{prefix}{REGION_FIELDS[scope.region_level]}_id": scope.region_id})
    if scope.reach == Reach.BRANCH:
        own = Q(**{f"{prefix}registered_branch_id__in": scope.branch_ids})
    elif scope.reach == Reach.PERSONAL:
        own = Q(**{f"{prefix}registered_by_id": scope.user_id})
    else:
        return Q(pk__in=[])
    return own | functools.reduce(operator.or_, (reach(scope, prefix) for reach in _CUSTOMER_REACH), Q(pk__in=[]))


# Who else sees a customer: the loans app adds "whoever sees one of the customer's loans". A
# rule (scope, prefix) -> Q over the customer at `prefix`; none registered reaches no further.
_CUSTOMER_REACH: list[Callable[[Scope, str], Q]] = []


def register_customer_reach(rule: Callable[[Scope, str], Q]) -> Callable[[Scope, str], Q]:
    _CUSTOMER_REACH.append(rule)
    return rule


def sending_rule(scope: Scope, prefix: str = "") -> Q:
    """A mass sending (短信群发) is its sender's (and all-data users'): what it was, to how many, how
    it went. Its messages, each in the log, stay scoped like any message."""
    if scope.reach == Reach.ALL:
        return Q()
    if scope.user_id is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}created_by_id": scope.user_id})


def audit_rule(scope: Scope, prefix: str = "") -> Q:
    """The audit log (操作日志): all-data users read it all; a branch scope reads what users of its
    branch subtree did; a personal scope what the user did; external users nothing."""
    if scope.reach == Reach.ALL:
        return Q()
    if scope.reach == Reach.BRANCH:
        return Q(**{f"{prefix}actor__branch_id__in": scope.branch_ids})
    if scope.reach == Reach.PERSONAL:
        return Q(**{f"{prefix}actor_id": scope.user_id})
    return Q(pk__in=[])


ScopeRule = Callable[[Scope, str], Q]


class via:  # noqa: N801 - reads as a function: via(loan_rule, "loan__")
    """The rule of a model that belongs to a customer or a loan through a key ("loan__"):
    exactly its parent's rule, so its related manager from a parent in scope is in scope."""

    __slots__ = ("rule", "prefix", "parent_field")

    def __init__(self, rule: ScopeRule, prefix: str):
        self.rule = rule
        self.prefix = prefix
        self.parent_field = prefix.removesuffix("__")

    def __call__(self, scope: Scope, prefix: str = "") -> Q:
        return self.rule(scope, prefix + self.prefix)


# The door ------------------------------------------------------------------------------------


class ScopedQuery(Query):
    """A query that knows which door it came through (`door`); compiling it without one fails."""

    door: str | None = None

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        if self.door is None and _active_system.get() is None:
            raise ScopeRefused(
                f"{self.model._meta.label} queried outside the scope door: use "
                f".visible_to(user) or system_scope('<who>')"
            )
        return super().get_compiler(using, connection, elide_empty)


class ScopedQuerySet(models.QuerySet):
    """QuerySet of a scoped model: nothing reaches the database before `visible_to`."""

    def __init__(self, model=None, query=None, using=None, hints=None):
        super().__init__(model, query if query is not None else ScopedQuery(model), using, hints)

    def _through_door(self, door: str) -> ScopedQuerySet:
        clone = self._chain()
        clone.query.door = door
        return clone

    def within(self, scope: Scope) -> ScopedQuerySet:
        """The rows `scope` reaches (used by the rules themselves; pages use `visible_to`)."""
        if scope.reach == Reach.NOTHING:
            return self._through_door("nothing").none()
        door = f"system: {scope.system}" if scope.system else f"user {scope.user_id}"
        return self._through_door(door).filter(self.model.scope_rule(scope))

    def visible_to(self, viewer: Viewer) -> ScopedQuerySet:
        """What a user (or a named system scope) may see."""
        return self.within(scope_for(viewer))

    def system(self, name: str) -> ScopedQuerySet:
        """Every row, for a named system caller: `Message.objects.system("worker")`."""
        return self.visible_to(SystemScope(name))

    def children_of(self, parent) -> ScopedQuerySet:
        """The rows belonging to `parent` (an object, a pk or an `OuterRef` to a row of an outer
        query that came through the door) of a model scoped through that parent: its rule is the
        parent's, so they are in scope with it. Refused for a model with a rule of its own."""
        parent_field = getattr(self.model.scope_rule, "parent_field", None)
        if parent_field is None:
            raise ScopeRefused(f"{self.model._meta.label} has a scope of its own: use visible_to()")
        many = isinstance(parent, models.QuerySet | list | tuple | set | frozenset)
        lookup = f"{parent_field}__in" if many else parent_field
        return self._through_door(f"child of {parent_field}").filter(**{lookup: parent})

    def _check_door(self) -> None:
        if getattr(self.query, "door", None) is None and _active_system.get() is None:
            raise ScopeRefused(f"{self.model._meta.label} written outside the scope door")

    def update(self, **kwargs):
        self._check_door()
        return super().update(**kwargs)

    update.alters_data = True

    def _update(self, values):
        self._check_door()
        return super()._update(values)

    def delete(self):
        self._check_door()
        return super().delete()

    delete.alters_data = True

    def _raw_delete(self, using):
        self._check_door()
        return super()._raw_delete(using)


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    """The default manager of a scoped model; related managers from a parent through which the
    model is scoped (`loan.installments`) are in scope already."""

    def get_queryset(self) -> ScopedQuerySet:
        queryset = super().get_queryset()
        parent = getattr(self, "field", None)
        if getattr(self, "instance", None) is not None and parent is not None:
            if getattr(self.model.scope_rule, "parent_field", None) == parent.name:
                queryset.query.door = f"through {parent.name}"
        return queryset


class ScopedModel(models.Model):
    """Base of scoped models: Django's own uniqueness checks see the whole table (an ID number is
    unique in the bank, not in a scope); the form then says only "already registered"."""

    objects = ScopedManager()
    scope_rule: ScopeRule

    class Meta:
        abstract = True

    def _perform_unique_checks(self, unique_checks):
        with system_scope("uniqueness check"):
            return super()._perform_unique_checks(unique_checks)

    def validate_constraints(self, exclude=None):
        with system_scope("constraint check"):
            return super().validate_constraints(exclude)
