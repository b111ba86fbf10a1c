"""The customer list's rows drawn in Python (customers/templatetags/customer_rows.py) are the HTML
of the template they replace, for every kind of user and both languages."""

from pathlib import Path

import pytest
from django.contrib.auth.context_processors import PermWrapper
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from xindai.customers.tests.factories import CustomerFactory
from xindai.customers.tests.test_search import customers  # noqa: F401 (the fixture)

# The loop body of customers/customer_list.html before the rows were drawn in Python.
ROW_TEMPLATE = "{% load i18n %}" + (Path(__file__).parent / "customer_row_reference.html").read_text()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ["admin", "leader", "manager_a", "officer_a", "officer_b", "county_user_a"])
def test_row_is_the_template_row(world, login, customers, who, language):  # noqa: F811
    CustomerFactory(name='<马&"建国>', mobile="", village=world.village_a1, registered_by=world.officer_a)
    user = getattr(world, who)
    response = login(user).get(reverse("customers:list"))
    assert response.status_code == 200
    rows = response.context["page"].object_list
    assert rows
    context = {"user": user, "perms": PermWrapper(user)}
    with translation.override(language):
        for c in rows:
            context["c"] = c
            expected = Template(ROW_TEMPLATE).render(Context(context))
            assert Template("{% load customer_rows %}{% customer_row c %}").render(Context(context)) == expected
