"""The door is mechanical: views and selectors read scoped models only through visible_to().

A scoped model is any model whose manager returns a ScopedQuerySet. Services may read them
directly (they act on objects a view already found in scope); pages may not, except in a
subquery correlated to a scoped query, marked "# scoped by the outer query".
"""

import re
from pathlib import Path

from django.apps import apps

from xindai.core.scope import ScopedQuerySet

PACKAGE = Path(__file__).resolve().parent.parent
PAGE_MODULES = ("views.py", "selectors.py", "views_*.py", "exports.py", "reports.py", "filters.py")


def scoped_model_names() -> list[str]:
    return [m.__name__ for m in apps.get_models() if isinstance(m._default_manager.all(), ScopedQuerySet)]


def test_every_scoped_model_is_known():
    assert {"Customer", "Contact", "Loan", "Installment", "Repayment"} <= set(scoped_model_names())


def test_pages_read_scoped_models_only_through_visible_to():
    names = "|".join(scoped_model_names())
    unscoped = re.compile(rf"\b({names})\.objects(?!\.visible_to\()")
    offenders = []
    for pattern in PAGE_MODULES:
        for path in PACKAGE.rglob(pattern):
            if "tests" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if unscoped.search(line) and "# scoped by the outer query" not in line:
                    offenders.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert offenders == []
