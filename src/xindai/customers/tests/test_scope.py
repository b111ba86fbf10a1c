"""Who sees which customer and contact — every user kind, on lists, details, search and contacts."""

import pytest
from django.urls import reverse
from django.utils import timezone

from xindai.customers.models import Contact, Customer
from xindai.customers.tests.factories import CustomerFactory, channel


@pytest.fixture
def book(world):
    """Customers spread over the test organisation, each registered by a different officer."""
    w = world
    return {
        "a_officer": CustomerFactory(name="甲一", village=w.village_a1, group=w.group_a1, registered_by=w.officer_a),
        "a1_officer": CustomerFactory(name="甲二", village=w.village_a1b, registered_by=w.officer_a1),
        "a2_village": CustomerFactory(name="甲三", village=w.village_a2, registered_by=w.officer_a),
        "b_officer": CustomerFactory(name="乙一", village=w.village_b1, registered_by=w.officer_b),
    }


EXPECTED = {
    "admin": {"a_officer", "a1_officer", "a2_village", "b_officer"},
    "leader": {"a_officer", "a1_officer", "a2_village", "b_officer"},
    "manager_a": {"a_officer", "a1_officer", "a2_village"},  # branch A and its sub-branch A1
    "officer_a": {"a_officer", "a2_village"},
    "officer_a1": {"a1_officer"},
    "officer_b": {"b_officer"},
    "county_user_a": {"a_officer", "a1_officer", "a2_village"},
    "township_user_a2": {"a2_village"},
    "village_user_a1": {"a_officer"},
}


@pytest.mark.parametrize("user_kind", EXPECTED)
def test_visible_customers(world, book, user_kind):
    user = getattr(world, user_kind)
    names = {key for key, c in book.items() if Customer.objects.visible_to(user).filter(pk=c.pk).exists()}
    assert names == EXPECTED[user_kind]
    assert Customer.objects.visible_to(user).count() == len(EXPECTED[user_kind])


@pytest.mark.parametrize("user_kind", EXPECTED)
def test_list_search_and_detail_respect_scope(world, book, login, user_kind):
    client = login(getattr(world, user_kind))
    response = client.get(reverse("customers:list"))
    listed = {c.pk for c in response.context["page"]}
    assert listed == {book[k].pk for k in EXPECTED[user_kind]}
    assert response.context["page"].paginator.count == len(EXPECTED[user_kind])
    # Searching by a name outside the scope finds nothing, and the record answers 404.
    for key, customer in book.items():
        found = client.get(reverse("customers:list"), {"name": customer.name}).context["page"].paginator.count
        status = client.get(reverse("customers:detail", args=[customer.pk])).status_code
        inside = key in EXPECTED[user_kind]
        assert (found, status) == ((1, 200) if inside else (0, 404)), key
        picked = client.get(reverse("customers:pick"), {"q": customer.name}).json()["results"]
        assert bool(picked) is inside


@pytest.mark.parametrize("user_kind", EXPECTED)
def test_contacts_are_scoped_like_their_customer(world, book, login, user_kind):
    for customer in book.values():
        Contact.objects.create(
            customer=customer,
            contacted_at=timezone.now(),
            channel=channel(),
            subject=f"走访{customer.name}",
            recorded_by=world.admin,
        )
    client = login(getattr(world, user_kind))
    listed = {c.customer_id for c in client.get(reverse("customers:contact_list")).context["page"]}
    assert listed == {book[k].pk for k in EXPECTED[user_kind]}


def test_external_users_see_id_and_mobile_numbers_masked(world, book, login):
    customer = book["a_officer"]
    masked = login(world.county_user_a).get(reverse("customers:list")).content.decode()
    assert customer.id_number not in masked and customer.mobile not in masked
    assert f"{customer.id_number[:4]}**********{customer.id_number[-4:]}" in masked
    assert f"{customer.mobile[:3]}****{customer.mobile[-4:]}" in masked


def test_bank_users_with_the_permission_see_them_in_full(world, book, login):
    customer = book["a_officer"]
    page = login(world.officer_a).get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert customer.id_number in page and customer.mobile in page
