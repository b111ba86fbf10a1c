"""The repayment ledger's rows drawn in Python (repayments/templatetags/ledger_rows.py) are the HTML
of the template they replace."""

from datetime import date
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from xindai.loans.models import Installment
from xindai.repayments import services
from xindai.repayments.tests.test_pages import book  # noqa: F401 (the fixture)

LEDGER_TEMPLATE = "{% load i18n %}" + (Path(__file__).parent / "ledger_row_reference.html").read_text()
MARKS = [{}, {"reverses_id": 1}, {"is_reversed": True}, {"is_early": True, "remark": '<a&"b>'}]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ["admin", "manager_a", "officer_a"])
def test_ledger_row_is_the_template_row(world, login, book, who, language):  # noqa: F811
    for loan in ("ma", "li"):
        installment = Installment.objects.system("tests").filter(loan=book[loan]).order_by("period").first()
        services.repayment_confirm(
            actor=world.admin, installment_id=installment.pk, amount=None, paid_on=date(2026, 5, 1)
        )
    user = getattr(world, who)
    response = login(user).get(reverse("repayments:ledger"))
    rows = response.context["page"].object_list
    assert rows
    with translation.override(language):
        for r in rows:
            for marks in MARKS:
                for name, value in marks.items():
                    setattr(r, name, value)
                for show_loan, reversible in (
                    (True, True),
                    (False, False),
                    (True, user.has_perm("repayments.reverse")),
                ):
                    context = Context({"r": r, "show_loan": show_loan, "reversible": reversible})
                    expected = Template(LEDGER_TEMPLATE).render(context)
                    assert Template("{% load ledger_rows %}{% ledger_row r %}").render(context) == expected
