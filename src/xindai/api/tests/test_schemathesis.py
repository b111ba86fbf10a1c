"""Schemathesis calls every /api/v1 operation with data generated from the OpenAPI schema, in
process (WSGI) against the test database, as an administrator (who may call everything): no
answer may be a server error or break the schema (status, content type, body)."""

import pytest
import schemathesis
from django.db import transaction
from django.test.utils import override_settings
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from xindai.conftest import module_transaction

EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    from xindai.api.services import token_create
    from xindai.conftest import build_world
    from xindai.tests.test_permission_matrix import _build

    with django_db_blocker.unblock(), module_transaction(), override_settings(API_RATE_LIMIT="100000/m"):
        objects = _build(build_world())
        admin = objects.world.admin
        secret = token_create(actor=admin, user=admin, name="fuzz", days=1, allowed_ips=[])[1]
        yield {"Authorization": f"Bearer {secret}"}
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def api_schema(fuzz_world):
    """The schema as the app serves it, called through the app's own WSGI handler; like Django's
    test client, the handler keeps the test's connection (and its transaction) across requests."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from xindai.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with override_settings(ALLOWED_HOSTS=["*"]):
            yield schemathesis.openapi.from_wsgi("/api/v1/schema/", application, headers=fuzz_world)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_no_server_error_and_no_schema_breaking_answer(db, fuzz_world, api_schema):
    """Each operation in turn (its own Hypothesis run), every request in a savepoint rolled back."""
    failures = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 18
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def run(case):
            with override_settings(ALLOWED_HOSTS=["*"]), module_transaction():
                case.call_and_validate(headers=fuzz_world, checks=CHECKS)
                transaction.set_rollback(True)

        try:
            run()
        except Exception as err:  # noqa: BLE001 - every operation's failure is reported together
            failures.append(f"{operation.method.upper()} {operation.path}: {err}"[:3000])
    assert failures == [], "\n\n".join(failures)
