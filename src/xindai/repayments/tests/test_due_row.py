"""The due and overdue lists' rows drawn in Python (repayments/templatetags/due_rows.py) are the
HTML of the template they replace, for every kind of user, both views and both languages."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.context_processors import PermWrapper
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from xindai.repayments.tests.test_pages import book  # noqa: F401 (the fixture)

# The loop body of repayments/due_list.html before the rows were drawn in Python.
ROW_TEMPLATE = (
    "{% load i18n %}{% with loan=row.loan customer=row.loan.customer %}"
    + (Path(__file__).parent / "due_row_reference.html").read_text()
    + "{% endwith %}"
)
VIEWS = [{"view": "overdue", "as_of": "2026-05-01"}, {"view": "due", "as_of": "2026-03-20", "within": "30"}]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("params", VIEWS)
@pytest.mark.parametrize("who", ["admin", "leader", "manager_a", "officer_a", "county_user_a"])
def test_row_is_the_template_row(world, login, book, who, params, language):  # noqa: F811
    user = getattr(world, who)
    response = login(user).get(reverse("repayments:due"), params)
    assert response.status_code == 200
    rows = response.context["page"].object_list
    assert rows
    context = {
        "view": response.context["view"],
        "buckets": response.context["buckets"],
        "next": urlencode({"x": response.wsgi_request.get_full_path()})[2:],
        "user": user,
        "perms": PermWrapper(user),
    }
    with translation.override(language):
        for row in rows:
            for variant in ({}, {"payable_on": row.due_date + timedelta(days=2), "payable": False}):
                for name, value in variant.items():  # a due date moved off a holiday, an older period owing
                    setattr(row, name, value)
                row.loan.customer.house_number = "3组<12>&号"  # masked for most, escaped for all
                context["row"] = row
                expected = Template(ROW_TEMPLATE).render(Context(context))
                assert Template("{% load due_rows %}{% due_row row %}").render(Context(context)) == expected
