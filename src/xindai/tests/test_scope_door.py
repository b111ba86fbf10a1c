"""The scope door is mechanical, twice over.

1. Statically: an AST walk over every module of the project (tests and migrations aside) flags
   any query of a scoped model that does not go through the door — `Model.objects.<anything>`
   other than `visible_to`, `system`, `children_of` or an insert, the base or default manager
   named directly, and a system scope whose name is not a literal — unless the reviewed
   allow-list (`scope_door_allowlist.txt`) names the place with a reason. The same file lists
   every system scope by name: a new system caller is a reviewed change.
2. At run time: the default manager refuses to compile a query (a list, a count, a subquery, an
   update) that came through no door.
"""

import ast
import functools
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models import Exists, OuterRef

from xindai.core.scope import ScopedModel, ScopeRefused, system_scope

PACKAGE = Path(__file__).resolve().parent.parent
ALLOWLIST = Path(__file__).with_name("scope_door_allowlist.txt")
THROUGH_DOOR = {"visible_to", "system", "children_of", "about", "create", "bulk_create"}
RULES_MODULE = "core/scope.py"  # the rules build their subqueries with `within(scope)`
# Rules that need a model of their app live beside it (core/scope.py's docstring) and build on
# `within(scope)` the same way.
RULE_MODULES = {RULES_MODULE, "messaging/models.py", "loans/models.py"}


def scoped_model_names() -> set[str]:
    return {m.__name__ for m in apps.get_models() if issubclass(m, ScopedModel)}


def _functions_by_line(tree: ast.AST) -> dict[int, str]:
    """Line → the innermost function around it (nested functions overwrite their parents')."""
    by_line: dict[int, str] = {}
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for node in sorted(functions, key=lambda n: n.lineno):
        for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
            by_line[line] = node.name
    return by_line


def _system_scope_lines(tree: ast.AST) -> set[int]:
    """Lines that run inside a named system scope: a function decorated with one, a `with` block
    opening one (`system_scope("...")` itself, or a module-level name bound to it)."""
    bound = {
        target.id
        for node in getattr(tree, "body", [])
        if isinstance(node, ast.Assign) and _is_system_scope(node.value, set())
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            opened = any(_is_system_scope(d, bound) for d in node.decorator_list)
        elif isinstance(node, ast.With):
            opened = any(_is_system_scope(item.context_expr, bound) for item in node.items)
        else:
            continue
        if opened:
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def _is_system_scope(node: ast.AST, bound: set[str]) -> bool:
    if isinstance(node, ast.Name):
        return node.id in bound
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "system_scope"
        and _literal_name(node)
    )


def _literal_name(call: ast.Call) -> bool:
    return bool(call.args) and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)


@functools.cache
def door_findings() -> tuple[frozenset[str], frozenset[str]]:
    """({"path:function: what"}, {system scope names}) over every module."""
    names = scoped_model_names()
    findings, scopes = set(), set()
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in relative:
            continue
        tree = ast.parse(path.read_text(), filename=relative)
        functions = _functions_by_line(tree)
        in_system_scope = _system_scope_lines(tree)
        for node in ast.walk(tree):
            line = getattr(node, "lineno", 0)
            where = f"{relative}:{functions.get(line, '<module>')}"
            if isinstance(node, ast.Attribute) and node.attr in ("_base_manager", "_default_manager"):
                findings.add(f"{where}: {node.attr}")
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
                manager = node.value
                if (
                    manager.attr == "objects"
                    and isinstance(manager.value, ast.Name)
                    and manager.value.id in names
                    and line not in in_system_scope
                ):
                    allowed = THROUGH_DOOR | ({"within"} if relative in RULE_MODULES else set())
                    if node.attr not in allowed:
                        findings.add(f"{where}: {manager.value.id}.objects.{node.attr}")
            if isinstance(node, ast.Call):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if called in ("system_scope", "SystemScope", "system"):
                    if _literal_name(node):
                        scopes.add(node.args[0].value)
                    elif relative != RULES_MODULE:
                        findings.add(f"{where}: {called}() without a literal name")
    return frozenset(findings), frozenset(scopes)


def read_allowlist() -> tuple[set[str], set[str]]:
    places, scopes = set(), set()
    for raw in ALLOWLIST.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("scope: "):
            scopes.add(line.removeprefix("scope: ").strip())
        else:
            places.add(line)
    return places, scopes


def test_every_scoped_model_is_known():
    assert {
        "Customer",
        "Contact",
        "GuaranteeGroup",
        "Loan",
        "Installment",
        "Repayment",
        "EarlyRepayment",
        "ClassificationChange",
        "Message",
        "MassSending",
    } <= scoped_model_names()


def _allowed(finding: str, entry: str) -> bool:
    """An entry is `path:function` (that function) or `path:*` (a module run as a whole inside
    its command's system scope: benchmarks, demo data)."""
    path, function = entry.split(":", 1)
    return finding.startswith(f"{path}:") and (function == "*" or finding.startswith(f"{entry}:"))


def test_every_query_of_a_scoped_model_goes_through_the_door():
    findings, _scopes = door_findings()
    allowed, _names = read_allowlist()
    outside = [f for f in sorted(findings) if not any(_allowed(f, entry) for entry in allowed)]
    assert outside == [], "query outside the door (or add it, reviewed, to the allow-list)"
    stale = [entry for entry in sorted(allowed) if not any(_allowed(f, entry) for f in findings)]
    assert stale == [], "stale allow-list entries"


def test_every_system_scope_is_reviewed():
    _findings, scopes = door_findings()
    _allowed, reviewed = read_allowlist()
    assert sorted(scopes - reviewed) == [], "a new system scope: review it and list it in the allow-list"
    assert sorted(reviewed - scopes) == [], "a listed system scope no longer used"


def test_the_check_sees_what_it_must(tmp_path, monkeypatch):
    """The walker flags the forms a leak takes (a direct query, a subquery, the base manager)."""
    source = (
        "def leak():\n"
        "    Loan.objects.filter(pk=1)\n"
        "    Exists(Installment.objects.filter(loan=OuterRef('pk')))\n"
        "    Customer._base_manager.all()\n"
        "    system_scope(name)\n"
        "    Loan.objects.visible_to(user).count()\n"
    )
    (tmp_path / "leaky.py").write_text(source)
    monkeypatch.setattr(__import__(__name__, fromlist=["PACKAGE"]), "PACKAGE", tmp_path)
    door_findings.cache_clear()
    try:
        findings, _scopes = door_findings()
    finally:
        door_findings.cache_clear()
    assert findings == {
        "leaky.py:leak: Loan.objects.filter",
        "leaky.py:leak: Installment.objects.filter",
        "leaky.py:leak: _base_manager",
        "leaky.py:leak: system_scope() without a literal name",
    }


# The runtime refusal ------------------------------------------------------------------------


@pytest.fixture
def loan(world):
    from xindai.customers.tests.factories import CustomerFactory
    from xindai.loans.tests.factories import make_loan

    customer = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    return make_loan(world.admin, customer, world.officer_a)


def test_a_query_without_the_door_is_refused(loan):
    from xindai.customers.models import Customer
    from xindai.loans.models import Installment, Loan

    with pytest.raises(ScopeRefused):
        list(Loan.objects.all())
    with pytest.raises(ScopeRefused):
        Loan.objects.filter(pk=loan.pk).exists()
    with pytest.raises(ScopeRefused):
        Loan.objects.count()
    with pytest.raises(ScopeRefused):
        Installment.objects.filter(loan=loan).update(interest=0)
    with pytest.raises(ScopeRefused):  # a subquery inside a query that came through the door
        list(Customer.objects.system("tests").filter(Exists(Loan.objects.filter(customer=OuterRef("pk")))))
    with pytest.raises(TypeError):
        Loan.objects.visible_to(None)


def test_related_objects_follow_their_parents_scope(world, loan):
    from xindai.loans.models import Loan

    found = Loan.objects.visible_to(world.officer_a).get(pk=loan.pk)
    assert found.customer.pk == loan.customer_id  # a key up: the parent of an object in scope
    periods = found.installments.count()  # children scoped through the loan
    assert periods > 1
    [prefetched] = Loan.objects.visible_to(world.officer_a).prefetch_related("installments")
    assert len(prefetched.installments.all()) == periods
    with pytest.raises(ScopeRefused):  # loans have a rule of their own: the customer's other loans
        list(found.customer.loans.all())
    assert list(found.customer.loans.visible_to(world.officer_a)) == [found]
    assert list(found.customer.loans.visible_to(world.officer_b)) == []


def test_a_named_system_scope_opens_the_door(world, loan):
    from xindai.loans.models import Loan

    with system_scope("reminder engine"):
        assert Loan.objects.count() == 1
    with pytest.raises(ScopeRefused):
        Loan.objects.count()
    assert Loan.objects.system("tests").count() == 1
    assert Loan.objects.visible_to(world.officer_b).count() == 0
    with pytest.raises(ValueError, match="needs a name"):
        system_scope("")
    with pytest.raises(ScopeRefused, match="scope of its own"):
        Loan.objects.children_of(loan.customer)
