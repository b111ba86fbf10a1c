"""The loan list's rows drawn in Python (loans/templatetags/loan_rows.py) are the HTML of the
template they replace, for every kind of user and row: overdue or not, names to escape."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.context_processors import PermWrapper
from django.template import Context, Template
from django.utils import timezone, translation

from xindai.customers.tests.factories import CustomerFactory
from xindai.loans import selectors
from xindai.loans.tests.factories import make_loan

# The loop body of loans/loan_list.html before the rows were drawn in Python.
ROW_TEMPLATE = "{% load i18n %}" + (Path(__file__).parent / "loan_row_reference.html").read_text()


@pytest.fixture
def loans(world):
    today = timezone.localdate()
    w = world
    odd = CustomerFactory(name='<马&"建国>', house_number="3组<12>&号", village=w.village_a1, registered_by=w.officer_a)
    plain = CustomerFactory(name="李明辉", village=w.village_b1, registered_by=w.officer_b, mobile="")
    return [
        make_loan(
            w.admin,
            odd,
            iou_number="L-<1>&",
            amount=Decimal("30000.00"),
            start_date=date(2025, 1, 5),
            end_date=date(2026, 1, 5),
        ),
        make_loan(
            w.admin,
            plain,
            iou_number="L-2",
            amount=Decimal("12345.67"),
            start_date=today - timedelta(days=5),
            end_date=today + timedelta(days=360),
        ),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ["admin", "leader", "manager_a", "officer_a", "officer_b", "county_user_a"])
def test_row_is_the_template_row(world, loans, who, language):
    user = getattr(world, who)
    rows = selectors.loans_for_page(user, [loan.pk for loan in loans])
    assert rows
    with translation.override(language):
        for loan in rows:
            context = {"loan": loan, "user": user, "perms": PermWrapper(user)}
            expected = Template(ROW_TEMPLATE).render(Context(context))
            assert Template("{% load loan_rows %}{% loan_row loan %}").render(Context(context)) == expected
