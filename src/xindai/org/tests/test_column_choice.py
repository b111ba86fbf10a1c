"""显示列 per user (#18): the columns a user hides on a list are kept on the server for that user —
the same on any browser they sign in on, never another user's — saved by a CSRF-protected POST."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from xindai.core.errors import BusinessError
from xindai.core.models import AuditLog
from xindai.org.services import user_columns_save

pytestmark = pytest.mark.django_db


def saved(user):
    user.refresh_from_db()
    return user.list_columns


def test_a_hidden_column_is_kept_for_the_user_and_shown_on_their_lists(world, login):
    client = login(world.officer_a)
    response = client.post(reverse("column_choice"), {"table": "due", "hidden": ["复利", "地址", "复利"]})
    assert response.status_code == 200 and response.json() == {"hidden": ["复利", "地址"]}
    client.post(reverse("column_choice"), {"table": "loans", "hidden": ["还款方式"]})
    assert saved(world.officer_a) == {"due": ["复利", "地址"], "loans": ["还款方式"]}
    page = client.get(reverse("repayments:due")).content.decode()
    script = page.split('id="xd-columns" type="application/json">')[1].split("</script>")[0]
    assert json.loads(script) == {"due": ["复利", "地址"], "loans": ["还款方式"]}
    assert saved(world.manager_a) == {}  # another user's lists are untouched
    assert "xd-columns" in login(world.manager_a).get(reverse("repayments:due")).content.decode()


def test_showing_every_column_again_clears_the_list(world, login):
    client = login(world.officer_a)
    client.post(reverse("column_choice"), {"table": "due", "hidden": ["复利"]})
    client.post(reverse("column_choice"), {"table": "due"})
    assert saved(world.officer_a) == {"due": []}


def test_an_unknown_list_or_too_many_names_are_refused(world, login):
    client = login(world.officer_a)
    assert client.post(reverse("column_choice"), {"table": "users", "hidden": ["a"]}).status_code == 400
    too_many = {"table": "due", "hidden": [f"列{n}" for n in range(41)]}
    assert client.post(reverse("column_choice"), too_many).status_code == 400
    with pytest.raises(BusinessError):
        user_columns_save(actor=world.officer_a, table="due", hidden=["列" * 41])
    assert saved(world.officer_a) == {}


def test_the_choice_needs_the_csrf_token_and_is_no_audit_entry(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.officer_a, backend="xindai.org.auth_backends.RolePermissionBackend")
    assert client.post(reverse("column_choice"), {"table": "due", "hidden": ["复利"]}).status_code == 403
    assert saved(world.officer_a) == {}
    token = client.get(reverse("repayments:due")).context["csrf_token"]
    entries = AuditLog.objects.system("tests").count()
    response = client.post(reverse("column_choice"), {"table": "due", "hidden": ["复利"]}, HTTP_X_CSRFTOKEN=str(token))
    assert response.status_code == 200 and saved(world.officer_a) == {"due": ["复利"]}
    assert AuditLog.objects.system("tests").count() == entries  # a preference, not business data
