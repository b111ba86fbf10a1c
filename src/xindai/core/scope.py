"""The one door to scoped data (数据范围).

`scope_for(user)` resolves what a user may see, once per request; `ScopedQuerySet.visible_to`
turns it into a filter through the model's rule. Each scoped model names its rule in
`scope_rule`: a function (scope, prefix) -> Q. Customers and loans have their own rules;
everything hanging off them (installments, repayments, contacts, messages) reuses one of
those with a prefix, so there is exactly one definition of who sees a customer and who
sees a loan. An object outside the scope is then simply not found (404).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import models
from django.db.models import Exists, OuterRef, Q


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


NOTHING = Scope(Reach.NOTHING)


def scope_for(user) -> Scope:
    """What `user` may see; computed once per user object."""
    cached = getattr(user, "_xindai_scope", None)
    if cached is not None:
        return cached
    scope = _resolve(user)
    if getattr(user, "pk", None) is not None:
        user._xindai_scope = scope
    return scope


def _resolve(user) -> Scope:
    from xindai.org.models import Branch, ScopeKind, UserKind

    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Scope(Reach.ALL, user.pk)
    if user.kind == UserKind.EXTERNAL:
        if user.scope != ScopeKind.REGION or user.region_id is None:
            return NOTHING
        return Scope(Reach.REGION, user.pk, region_level=user.region.level, region_id=user.region_id)
    if user.scope == ScopeKind.ALL:
        return Scope(Reach.ALL, user.pk)
    if user.scope == ScopeKind.BRANCH and user.branch_id:
        ids = Branch.objects.filter(path__startswith=user.branch.path).values_list("pk", flat=True)
        return Scope(Reach.BRANCH, user.pk, branch_ids=frozenset(ids))
    if user.scope == ScopeKind.PERSONAL:
        return Scope(Reach.PERSONAL, user.pk)
    return NOTHING


def _loans_model():
    from django.apps import apps

    return apps.get_model("loans", "Loan") if apps.is_installed("xindai.loans") else None


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
    loan = _loans_model()
    if loan is None:
        return own
    has_visible_loan = Exists(loan.objects.filter(loan_rule(scope), customer_id=OuterRef(f"{prefix}pk")))
    return own | Q(has_visible_loan)


ScopeRule = Callable[[Scope, str], Q]


def via(rule: ScopeRule, prefix: str) -> ScopeRule:
    """A rule for a model that belongs to a customer or a loan through `prefix` ("loan__")."""
    return lambda scope, _prefix="": rule(scope, _prefix + prefix)


class ScopedQuerySet(models.QuerySet):
    """QuerySet of a scoped model: `Model.objects.visible_to(user)` is the only way views read it."""

    def visible_to(self, user) -> "ScopedQuerySet":
        scope = scope_for(user)
        if scope.reach == Reach.NOTHING:
            return self.none()
        return self.filter(self.model.scope_rule(scope))
