import pytest
from django.urls import reverse

from xindai.customers.models import Contact
from xindai.customers.tests.factories import CustomerFactory, channel


@pytest.fixture
def customer(world):
    return CustomerFactory(name="马建国", village=world.village_a1, registered_by=world.officer_a)


def test_officer_records_a_contact_and_the_customer_shows_it_newest_first(world, login, customer):
    client = login(world.officer_a)
    for when, subject in [("2026-11-01T09:00", "催收提醒"), ("2026-11-20T15:30", "上门核实养殖情况")]:
        response = client.post(
            reverse("customers:contact_create"),
            {
                "customer": customer.pk,
                "contacted_at": when,
                "channel": channel("上门拜访").pk,
                "place": "梁家墩村",
                "subject": subject,
                "content": "牛存栏12头",
                "follow_up_on": "2026-12-01",
            },
        )
        assert response.status_code == 302
    contacts = list(Contact.objects.system("tests").filter(customer=customer))
    assert [c.subject for c in contacts] == ["上门核实养殖情况", "催收提醒"]
    assert contacts[0].recorded_by == world.officer_a
    page = client.get(reverse("customers:detail", args=[customer.pk]), headers={"hx-request": "true"})
    text = page.content.decode()
    assert text.index("上门核实养殖情况") < text.index("催收提醒")


def test_contact_for_a_customer_outside_the_scope_is_refused(world, login):
    other = CustomerFactory(village=world.village_b1, registered_by=world.officer_b)
    client = login(world.officer_a)
    response = client.post(
        reverse("customers:contact_create"),
        {"customer": other.pk, "contacted_at": "2026-11-20T15:30", "channel": channel().pk, "subject": "x"},
    )
    assert response.status_code == 200 and not Contact.objects.system("tests").exists()
    assert response.context["form"].errors == {"customer": ["选择一个有效的选项： 该选择不在可用的选项中。"]}
    assert client.get(reverse("customers:contact_create"), {"customer": other.pk}).status_code == 404


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"customer_name": "马"}, 1),
        ({"text": "存栏"}, 1),
        ({"text": "无关"}, 0),
        ({"date_from": "2026-11-02"}, 0),
        ({"date_to": "2026-11-02"}, 1),
    ],
)
def test_contact_search(world, login, customer, params, expected):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    Contact.objects.create(
        customer=customer,
        contacted_at=datetime(2026, 11, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai")),
        channel=channel(),
        subject="电话提醒",
        content="牛存栏12头",
        recorded_by=world.officer_a,
    )
    client = login(world.officer_a)
    assert client.get(reverse("customers:contact_list"), params).context["page"].paginator.count == expected


def test_home_page_counts_the_scope_and_links_to_the_lists(world, login, customer):
    from datetime import timedelta

    from django.utils import timezone

    CustomerFactory(village=world.village_b1, registered_by=world.officer_b)  # outside officer_a's scope
    Contact.objects.create(
        customer=customer,
        contacted_at=timezone.now(),
        channel=channel(),
        subject="回访",
        follow_up_on=timezone.localdate() + timedelta(days=3),
        recorded_by=world.officer_a,
    )
    cards = {c["key"]: c for c in login(world.officer_a).get(reverse("home")).context["overview"]["cards"]}
    assert cards["customers"]["value"] == "1"
    assert cards["follow_ups"]["value"] == "1"
    assert cards["customers"]["url"] == reverse("customers:list")
