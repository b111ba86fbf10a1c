"""The row tags (core/templatetags/rows.py) give the HTML of the include templates and `{% url %}`
they stand for on the list pages, escaped alike, for every value and user."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.context_processors import PermWrapper
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from xindai.core.masking import PERSONAL_PERMISSION


class StubUser:
    is_active = True
    is_authenticated = True

    def __init__(self, *perms):
        self.perms = set(perms)

    def has_perm(self, perm, obj=None):
        return perm in self.perms

    def has_module_perms(self, label):
        return any(p.startswith(label + ".") for p in self.perms)


SEND = "messaging.send"
USERS = [StubUser(), StubUser(SEND), StubUser(PERSONAL_PERMISSION), StubUser(SEND, PERSONAL_PERMISSION)]
LANGUAGES = ["zh-hans", "en"]


def _tag(source, **context):
    return Template(source).render(Context(context))


def _include(name, context):
    """The include's HTML without the newline its file ends with (blank space between cells)."""
    return render_to_string(name, context).removesuffix("\n")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("status", ["overdue", "settled", "due", "partial", "not_due", "normal", "x"])
def test_status_badge(language, status):
    with translation.override(language):
        assert _tag("{% status_badge s %}", s=status) == _include("loans/_status_badge.html", {"status": status})


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", ["normal", "special_mention", "substandard", "doubtful", "loss", "", None])
def test_category_label(language, code):
    with translation.override(language):
        assert _tag("{% category_label c %}", c=code) == _include("repayments/_category.html", {"code": code})


@pytest.mark.parametrize("status", ["active", "prospect", "blocked", "closed"])
def test_customer_status(status):
    label = "<b>&'\""
    expected = _include("customers/_status.html", {"status": status, "label": label})
    assert _tag("{% customer_status s l %}", s=status, l=label) == expected


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("mobile", ["13800001234", "", '1<"&>'])
def test_reach(language, user, mobile):
    customer = SimpleNamespace(pk=42, mobile=mobile)
    with translation.override(language):
        context = {"customer": customer, "user": user, "perms": PermWrapper(user)}
        assert _tag("{% reach customer %}", **context) == _include("customers/_reach.html", context)


NAMES = ["loans:detail", "customers:detail", "repayments:confirm", "repayments:reverse", "messaging:resend"]


@pytest.mark.parametrize("name", NAMES)
def test_pk_url(name):
    expected = f"{reverse(name, args=[7])}|{reverse(name, args=[123])}"
    assert _tag("{% pk_url name 7 %}|{% pk_url name 123 %}", name=name) == expected


def test_figure_cells():
    from decimal import Decimal

    cells = [
        ("npl_ratio", Decimal("0.0221")),
        ("loans", 1234),
        ("repayments", None),
        ("amount", Decimal("12345.6")),
        ("balance", None),
        ("npl_ratio", None),
        ("interest", "108.75"),
        ("loans", "<1>"),
    ]
    loop = (
        '{% for name, v in cells %}<td class="xd-num">{% if name == "npl_ratio" %}{{ v|percent }}'
        '{% elif name == "loans" or name == "repayments" %}{{ v }}{% else %}{{ v|money }}{% endif %}</td>{% endfor %}'
    )
    for language in LANGUAGES:
        with translation.override(language):
            assert _tag("{% figure_cells cells %}", cells=cells) == _tag(loop, cells=cells)
