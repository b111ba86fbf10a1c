"""A loan officer in a real Chromium registers a customer, finds them, opens the pop-up and
records a contact."""

import pytest

from xindai.customers.tests.factories import make_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username):
    from xindai.org.tests.factories import PASSWORD

    page.goto(live_server.url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")


def choose_region(page, level, name):
    page.wait_for_function(
        "([level, name]) => [...document.querySelectorAll(`select[name=${level}] option`)]"
        ".some(o => o.textContent.trim() === name)",
        arg=[level, name],
    )
    page.select_option(f"select[name={level}]", label=name)


def test_register_find_open_and_record_a_contact(page, live_server, world):
    from xindai.customers.tests.factories import channel

    channel("上门拜访")
    sign_in(page, live_server, "officer_a")
    page.goto(live_server.url + "/customers/new/")
    number = make_id_number(11, birth="19790515")
    page.fill("#id_name", "马建国")
    page.fill("#id_id_number", number.lower())
    page.fill("#id_mobile", "139 0936 1234")
    choose_region(page, "county", "甘州区")
    choose_region(page, "township", "梁家墩镇")
    choose_region(page, "village", "梁家墩村")
    choose_region(page, "group", "一社")
    page.fill("#id_house_number", "12号")
    page.click("[data-testid=customer-form] button[type=submit]")
    page.wait_for_selector("[data-testid=customer-record]")
    assert "梁家墩镇梁家墩村一社12号" in page.inner_text("[data-testid=customer-record]")

    page.goto(live_server.url + "/customers/")
    page.fill("#id_id_number", number[-6:])
    page.click("[data-testid=customer-search] button[type=submit]")
    page.wait_for_selector("[data-testid=customer-link]")
    assert page.locator("[data-testid=customer-link]").count() == 1
    page.click("[data-testid=customer-link]")
    modal = page.wait_for_selector("[data-testid=customer-modal]", state="visible")
    assert "马建国" in modal.inner_text()

    page.click("[data-testid=customer-modal] >> text=沟通登记")
    page.wait_for_selector("[data-testid=contact-form]")
    page.select_option("#id_channel", label="上门拜访")
    page.fill("#id_place", "梁家墩村")
    page.fill("#id_subject", "养殖情况回访")
    page.fill("#id_content", "牛存栏12头")
    page.click("[data-testid=contact-form] button[type=submit]")
    page.wait_for_selector("[data-testid=customer-contacts]")  # saving returns to the customer (#18)
    assert "养殖情况回访" in page.inner_text("[data-testid=customer-contacts]")
