"""Registering, editing and deleting customers through the pages."""

import pytest
from django.urls import reverse

from xindai.core.models import AuditLog
from xindai.customers.models import Customer, CustomerStatus
from xindai.customers.tests.factories import CustomerFactory, make_id_number


@pytest.fixture
def officer_client(world, login):
    return login(world.officer_a)


def form_data(world, **overrides):
    data = {
        "name": "马建国",
        "id_number": make_id_number(7, birth="19750312"),
        "mobile": "13909361234",
        "county": world.county_a.pk,
        "township": world.township_a1.pk,
        "village": world.village_a1.pk,
        "group": world.group_a1.pk,
        "house_number": "12号",
        "status": CustomerStatus.ACTIVE,
        "registered_branch": world.branch_a.pk,
        "registered_by": world.officer_a.pk,
    }
    data.update(overrides)
    return data


def test_officer_registers_a_customer_with_the_region_chain_filled(world, officer_client):
    response = officer_client.post(reverse("customers:create"), form_data(world))
    customer = Customer.objects.system("tests").get()
    assert response.status_code == 302 and response.url == reverse("customers:detail", args=[customer.pk])
    assert (customer.county, customer.area, customer.township, customer.village, customer.group) == (
        world.county_a,
        world.area_a,
        world.township_a1,
        world.village_a1,
        world.group_a1,
    )
    assert (customer.gender, str(customer.birth_date)) == ("male", "1975-03-12")
    assert (
        AuditLog.objects.system("tests")
        .filter(action="customers.customer.created", target_id=str(customer.pk))
        .exists()
    )


def test_awkward_id_number_is_normalised(world, officer_client):
    number = make_id_number(3, birth="19800229", male=False)
    awkward = " " + number[:6] + " " + number[6:].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "\t"
    officer_client.post(reverse("customers:create"), form_data(world, id_number=awkward))
    assert Customer.objects.system("tests").get().id_number == number


def test_bad_input_gets_clear_chinese_errors_and_keeps_the_input(world, officer_client):
    response = officer_client.post(
        reverse("customers:create"), form_data(world, id_number="620702197503121235", mobile="1234", village="")
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Customer.objects.system("tests").exists()
    assert "校验" in page  # the check character does not match
    assert "手机号" in page
    assert "马建国" in page  # the input is kept


def test_gender_that_disagrees_with_the_id_number_is_refused(world, officer_client):
    response = officer_client.post(reverse("customers:create"), form_data(world, gender="female"))
    assert response.status_code == 200 and not Customer.objects.system("tests").exists()
    assert response.context["form"].errors["gender"]


def test_duplicate_id_number_shows_the_existing_customer(world, officer_client):
    existing = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    response = officer_client.post(reverse("customers:create"), form_data(world, id_number=existing.id_number))
    assert response.status_code == 200
    assert reverse("customers:detail", args=[existing.pk]) in response.content.decode()


def test_duplicate_outside_the_scope_does_not_reveal_the_customer(world, officer_client):
    existing = CustomerFactory(name="乙某", village=world.village_b1, registered_by=world.officer_b)
    response = officer_client.post(reverse("customers:create"), form_data(world, id_number=existing.id_number))
    page = response.content.decode()
    assert "数据范围" in page and "乙某" not in page


def test_personal_officer_cannot_register_for_another_branch(world, officer_client):
    response = officer_client.post(reverse("customers:create"), form_data(world, registered_branch=world.branch_b.pk))
    assert response.status_code == 200 and not Customer.objects.system("tests").exists()
    assert response.context["form"].errors == {"registered_branch": ["选择一个有效的选项： 该选择不在可用的选项中。"]}


def test_edit_keeps_a_history_of_old_and_new_values(world, officer_client):
    customer = CustomerFactory(village=world.village_a1, registered_by=world.officer_a, mobile="13900000001")
    data = form_data(world, name=customer.name, id_number=customer.id_number, mobile="13900000002")
    officer_client.post(reverse("customers:edit", args=[customer.pk]), data)
    entry = AuditLog.objects.system("tests").get(action="customers.customer.changed", target_id=str(customer.pk))
    assert entry.changes["mobile"] == ["13900000001", "13900000002"]
    assert entry.actor == world.officer_a
    page = officer_client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "13900000001" in page and "13900000002" in page


def test_customer_without_loans_is_deleted(world, login):
    customer = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    client = login(world.manager_a)
    response = client.post(reverse("customers:delete", args=[customer.pk]))
    assert response.status_code == 302 and not Customer.objects.system("tests").exists()
    assert AuditLog.objects.system("tests").filter(action="customers.customer.deleted").exists()


def test_officer_without_delete_permission_gets_403(world, officer_client):
    customer = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    assert officer_client.post(reverse("customers:delete", args=[customer.pk])).status_code == 403


def test_region_cascade_offers_only_the_next_level(world, login):
    client = login(world.officer_a)
    response = client.get(reverse("org:region_cascade"), {"county": world.county_a.pk})
    townships = set(response.context["form"].fields["township"].queryset)
    assert townships == {world.township_a1, world.township_a2}  # the area's township too
    assert not response.context["form"].fields["village"].queryset.exists()
    stale = client.get(reverse("org:region_cascade"), {"county": world.county_b.pk, "township": world.township_a1.pk})
    assert not stale.context["form"].fields["village"].queryset.exists()
