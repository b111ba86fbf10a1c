"""Customer search criteria one by one and combined, and the list's fixed query count."""

import pytest
from django.urls import reverse

from xindai.customers.models import CustomerStatus
from xindai.customers.tests.factories import CustomerFactory


@pytest.fixture
def customers(world):
    w = world
    return {
        "ma": CustomerFactory(
            name="马建国",
            mobile="13909360001",
            spouse_mobile="13909369999",
            village=w.village_a1,
            group=w.group_a1,
            registered_by=w.officer_a,
        ),
        "ma2": CustomerFactory(
            name="马秀英",
            mobile="13909360002",
            village=w.village_a1b,
            registered_by=w.officer_a1,
            status=CustomerStatus.PROSPECT,
        ),
        "li": CustomerFactory(name="李明辉", mobile="13809360003", village=w.village_a2, registered_by=w.officer_a),
        "zhao": CustomerFactory(
            name="赵天佑",
            mobile="13709360004",
            village=w.village_b1,
            registered_by=w.officer_b,
            status=CustomerStatus.BLOCKED,
        ),
    }


def found(client, **params) -> set[str]:
    response = client.get(reverse("customers:list"), params)
    assert response.status_code == 200
    return {c.name for c in response.context["page"]}


@pytest.fixture
def admin_client(world, login):
    return login(world.admin)


def test_name_is_partial(admin_client, customers):
    assert found(admin_client, name="马") == {"马建国", "马秀英"}


def test_id_number_whole_or_last_digits(admin_client, customers):
    ma = customers["ma"]
    assert found(admin_client, id_number=ma.id_number) == {"马建国"}
    assert found(admin_client, id_number=ma.id_number[-6:]) >= {"马建国"}
    assert found(admin_client, id_number=ma.id_number.lower()) == {"马建国"}


def test_mobile_matches_own_or_spouse(admin_client, customers):
    assert found(admin_client, mobile="13909360001") == {"马建国"}
    assert found(admin_client, mobile="139 0936 9999") == {"马建国"}
    assert found(admin_client, mobile="1390936") == {"马建国", "马秀英"}


@pytest.mark.parametrize(
    "level, expected",
    [
        ("county_a", {"马建国", "马秀英", "李明辉"}),
        ("area_a", {"马建国", "马秀英"}),
        ("township_a1", {"马建国", "马秀英"}),
        ("village_a1", {"马建国"}),
        ("group_a1", {"马建国"}),
        ("county_b", {"赵天佑"}),
    ],
)
def test_region_at_any_level(admin_client, customers, world, level, expected):
    assert found(admin_client, region=getattr(world, level).pk) == expected


def test_status_branch_and_officer(admin_client, customers, world):
    assert found(admin_client, status="prospect") == {"马秀英"}
    assert found(admin_client, registered_branch=world.branch_a.pk) == {"马建国", "马秀英", "李明辉"}
    assert found(admin_client, registered_branch=world.sub_branch_a1.pk) == {"马秀英"}
    assert found(admin_client, registered_by=world.officer_a.pk) == {"马建国", "李明辉"}


def test_criteria_combine(admin_client, customers, world):
    assert found(admin_client, name="马", region=world.village_a1b.pk) == {"马秀英"}
    assert found(admin_client, name="马", status="blocked") == set()
    assert found(admin_client, region=world.county_a.pk, registered_by=world.officer_a.pk, mobile="1380936") == {
        "李明辉"
    }


def test_criteria_stay_in_the_url_and_empty_result_says_how_to_widen(admin_client, customers):
    response = admin_client.get(reverse("customers:list"), {"name": "不存在"})
    assert "扩大" in response.content.decode() or "清除" in response.content.decode()


@pytest.mark.parametrize("size", [20, 50])
def test_list_runs_a_fixed_number_of_queries(world, login, django_assert_num_queries, size):
    for i in range(6):
        CustomerFactory(village=world.village_a1, group=world.group_a1, registered_by=world.officer_a, name=f"王{i}")
    client = login(world.manager_a)
    client.get(reverse("customers:list"))  # warm the settings cache
    # session, user (with role and branch), branch subtree, count, branch and officer choices,
    # the page — the same whatever the page size
    with django_assert_num_queries(7):
        response = client.get(reverse("customers:list"), {"size": size})
    assert len(response.context["page"]) == 6
