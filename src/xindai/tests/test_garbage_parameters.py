"""Every URL pattern, every query parameter its page reads, garbage in each: never a 5xx.

The walk fills each pattern's path with an object that exists (or garbage for text), reads the
names of the page's own form fields and the parameters every list reads, then sends all of them
each value below at once, and each of them alone the values that most often broke a page. A page
answers with its list and a field error, a 404 or a 400. Before the forms that now parse them,
the walk found 38 requests answering 500 from 16 causes: `?region=abc` on five lists, `?q=%00` on
pickers and lists, 10²⁰ days or `?period=-1` on the due lists, 30 February on the statistics."""

import re
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from xindai.conftest import build_world, module_transaction
from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.tests.factories import make_loan
from xindai.messaging.models import Message
from xindai.repayments.services import repayment_confirm

GARBAGE = ["abc", "\x00", "1" + "0" * 20, "-1", "2026-02-30", "0001-01-01", "x" * 300]
ONE_BY_ONE = ["abc", "1" + "0" * 20]  # values sent to each parameter alone too
ALWAYS = ["page", "size", "sort", "export", "q", "view"]  # read by the list helpers of every page
SKIP = {"logout", "set_language", "login_sms_send", "imports:run", "jobs:result"}
_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')


def _patterns(patterns=None, prefix="", namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), prefix + str(pattern.pattern)


@pytest.fixture(scope="module")
def book(django_db_setup, django_db_blocker):
    """The organisation and one of each object, built once for the module (each URL is a test)."""
    with django_db_blocker.unblock(), module_transaction():
        world = build_world()
        customer = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
        loan = make_loan(world.admin, customer, world.officer_a)
        first = loan.installments.get(period=1)
        repayment = repayment_confirm(
            actor=world.admin, installment_id=first.pk, amount=Decimal("10.00"), paid_on=first.due_date
        )
        message = Message.objects.create(recipient="13800000001", text="x", direction="in", customer=customer)
        yield world, [loan.pk, customer.pk, first.pk, repayment.pk, message.pk, world.branch_a.pk, world.village_a1.pk]
        transaction.set_rollback(True)


ROUTES = {name: route for name, route in _patterns() if name not in SKIP}


def _path(client, route, ids):
    """The pattern's path filled so the page answers (the first id that gives < 400)."""
    candidates = [route]
    for converter in re.findall(r"<(\w+):\w+>", route):
        filled = []
        for path in candidates:
            values = ids if converter == "int" else ["x"]
            filled += [re.sub(r"<\w+:\w+>", str(value), path, count=1) for value in values]
        candidates = filled
    for path in candidates:
        response = client.get("/" + path)
        if response.status_code < 400 or path == candidates[-1]:
            return "/" + path, response
    raise AssertionError(route)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_no_url_answers_5xx_to_garbage_in_any_parameter(db, book, login, name):
    world, ids = book
    client = login(world.admin)
    client.raise_request_exception = False  # a 500 is counted, not raised
    path, first = _path(client, ROUTES[name], ids)
    assert first.status_code < 500, f"{name} {path} answered {first.status_code} without parameters"
    if first.status_code == 405:
        return  # POST only: its forms are tested with the action
    page = first.content.decode(errors="replace") if first.get("Content-Type", "").startswith("text/") else ""
    names = dict.fromkeys([*_NAME.findall(page), *ALWAYS])
    names.pop("csrfmiddlewaretoken", None)
    tries = [{parameter: value for parameter in names} for value in GARBAGE]  # every field at once
    tries += [{parameter: value} for parameter in names for value in ONE_BY_ONE]  # and each alone
    failures = []
    for params in tries:
        status = client.get(path, params).status_code
        if status >= 500:
            shown = "&".join(f"{k}={v[:20]!r}" for k, v in params.items()) if len(params) == 1 else "…"
            failures.append(f"{name} {path}?{shown} ({next(iter(params.values()))[:20]!r}) → {status}")
    assert failures == [], "\n".join(failures)
