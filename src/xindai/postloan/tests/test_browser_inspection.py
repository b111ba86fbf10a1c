"""On a phone (390 × 844) a loan officer opens today's inspections, records one with a photo from
the camera and a head count well below the pledged one, and the warning it raises is on the loan."""

from datetime import date
from decimal import Decimal

import pytest

from xindai.collateral.tests.helpers import cattle
from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.tests.factories import make_loan
from xindai.postloan.models import Inspection
from xindai.tests.test_browser_customers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The smallest JPEG a camera could send: the start-of-image marker is what the server checks.
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="zh-CN",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 38.9321, "longitude": 100.4556},
        permissions=["geolocation"],
    )
    context.set_default_timeout(20000)
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert refused == [], "the Content-Security-Policy refused something"


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_officer_records_an_inspection_on_the_phone(phone, live_server, world):
    customer = CustomerFactory(name="马建国", village=world.village_a1, registered_by=world.officer_a)
    loan = make_loan(
        world.admin,
        customer,
        world.officer_a,
        iou_number="PL-1",
        start_date=date(2026, 10, 20),
        end_date=date(2027, 10, 20),
    )
    cattle(loan, world.officer_a, heads=10, tags=["GZ-0001", "GZ-0002"])
    page = phone
    sign_in(page, live_server, "officer_a")
    page.goto(f"{live_server.url}/postloan/inspections/")
    row = page.locator("[data-testid=inspection-row]", has_text="马建国")
    assert "超期" in row.inner_text()  # the first visit was due within 30 days of 2026-10-20
    _no_sideways_scroll(page)
    row.locator("[data-testid=inspect-link]").click()
    page.wait_for_selector("[data-testid=inspection-form]")
    assert "抵押 10 头" in page.inner_text("[data-testid=pledged]")
    _no_sideways_scroll(page)
    page.fill("#id_head_count_found", "6")
    page.select_option("#id_health", "fair")
    page.fill("#id_use_of_funds", "购买母牛")
    page.fill("#id_findings", "有 4 头已出售")
    page.set_input_files("#id_photos", files=[{"name": "cow.jpg", "mimeType": "image/jpeg", "buffer": JPEG}])
    page.wait_for_function("() => document.querySelector('[data-gps-status]').innerText.includes('38.9')")
    page.check("#id_signed")
    page.click("[data-testid=inspection-save]")
    page.wait_for_selector("[data-testid=loan-warnings]")
    warnings = page.inner_text("[data-testid=loan-warnings]")
    assert "存栏明显少于抵押头数" in warnings and "存栏 6 头，抵押 10 头" in warnings
    inspection = Inspection.objects.system("tests").get(loan=loan)
    [photo] = inspection.photos.all()
    assert (inspection.head_count_found, inspection.head_count_pledged) == (6, 10)
    assert photo.latitude == Decimal("38.932100") and photo.longitude == Decimal("100.455600")
    assert inspection.officer == world.officer_a
