"""The post-loan pages: what they show, to whom, masked where it must be, in a bounded number of queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from xindai.collateral.models import Guarantor
from xindai.collateral.services import guarantor_add
from xindai.collateral.tests.helpers import borrower_loan, cattle
from xindai.customers.tests.factories import CustomerFactory, make_id_number
from xindai.postloan.models import Inspection
from xindai.postloan.tests.helpers import inspect

D = Decimal


def _three_warned_loans(world):
    loans = []
    for n in range(3):
        loan = borrower_loan(world, f"W-{n}")
        cattle(loan, world.officer_a, heads=10, tags=[f"E{n}-1", f"E{n}-2"], insurer="人保", policy_number=f"P{n}",
               insured_to=timezone.localdate() + timedelta(days=10))  # fmt: skip
        inspect(loan, world.officer_a, timezone.localdate(), found=5, risk=True)
        loans.append(loan)
    return loans


@pytest.mark.django_db
def test_warning_list_shows_each_trigger_in_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    _three_warned_loans(world)
    client = login(world.officer_a)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("postloan:warnings"))
    html = response.content.decode()
    assert html.count('data-testid="warning-row"') == 3
    assert "存栏" in html or "头数" in html
    assert "5 / 10" not in html  # the detail reads "found of pledged"
    assert (
        login(world.officer_b).get(reverse("postloan:warnings")).content.decode().count('data-testid="warning-row"')
        == 0
    )


@pytest.mark.django_db
def test_inspection_list_in_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    for n in range(3):
        borrower_loan(world, f"I-{n}")
    client = login(world.officer_a)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("postloan:inspections") + "?view=all")
    assert response.content.decode().count('data-testid="inspection-row"') == 3


@pytest.mark.django_db
def test_collateral_lists_in_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    _three_warned_loans(world)
    client = login(world.manager_a)
    for name, marker in (("collateral:list", "collateral-list"), ("collateral:coverage", "coverage-row")):
        with django_assert_max_num_queries(12):
            html = client.get(reverse(name)).content.decode()
        assert marker in html
    with django_assert_max_num_queries(12):
        assert client.get(reverse("postloan:report")).status_code == 200


@pytest.mark.django_db
def test_guarantors_personal_data_is_masked_for_users_without_the_permission(world, login):
    loan = borrower_loan(world)
    number = make_id_number(77)
    guarantor_add(
        actor=world.officer_a, loan=loan, customer_id=None, name="李保证", id_number=number, mobile="13912345678",
        relationship="邻居", amount=D("20000"), signed_on=loan.start_date,
    )  # fmt: skip
    for url in (
        reverse("collateral:guarantors"),
        reverse("collateral:loan", args=[loan.pk]),
        reverse("loans:detail", args=[loan.pk]),
    ):
        masked = login(world.county_user_a).get(url).content.decode()
        assert number not in masked and "13912345678" not in masked, url
        assert number[:4] in masked
        full = login(world.officer_a).get(url).content.decode()
        assert number in full, url


@pytest.mark.django_db
def test_a_guarantor_customer_sees_the_exposure_on_their_record(world, login):
    guarantor = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    from xindai.loans.tests.factories import make_loan

    make_loan(world.admin, guarantor, world.officer_a, iou_number="OWN-1", amount=D("30000.00"))
    loan = borrower_loan(world, "G-1")
    guarantor_add(
        actor=world.officer_a, loan=loan, customer_id=guarantor.pk, name="", id_number="", mobile="",
        relationship="同村村民", amount=D("60000.00"), signed_on=loan.start_date,
    )  # fmt: skip
    assert Guarantor.objects.system("test").get().name == guarantor.name
    html = login(world.officer_a).get(reverse("customers:detail", args=[guarantor.pk])).content.decode()
    # 30,000.00 own + the guarantee at most the 50,000.00 the loan still owes
    assert 'data-testid="exposure-total">80,000.00' in html


@pytest.mark.django_db
def test_a_guarantor_with_a_wrong_id_number_is_refused(world, login):
    loan = borrower_loan(world)
    response = login(world.officer_a).post(
        reverse("collateral:guarantor_create", args=[loan.pk]),
        {
            "name": "王五",
            "id_number": "620702198001010010",
            "relationship": "邻居",
            "amount": "1000",
            "signed_on": "2026-02-10",
        },
    )
    assert response.status_code == 200 and "校验位" in response.content.decode()
    assert not Guarantor.objects.system("test").exists()


@pytest.mark.django_db
def test_recording_an_inspection_with_a_photo_on_the_page(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    loan = borrower_loan(world)
    cattle(loan, world.officer_a, heads=10)
    photo = SimpleUploadedFile("cow.jpg", b"\xff\xd8\xff\xe0 cow", content_type="image/jpeg")
    response = login(world.officer_a).post(
        reverse("postloan:inspect", args=[loan.pk]),
        {
            "inspected_on": timezone.localdate().isoformat(), "way": "visit", "head_count_found": "6", "health": "good",
            "use_of_funds": "购买母牛", "findings": "", "next_steps": "", "signed": "on", "photos": [photo],
            "photo_meta": "cow.jpg|1764547200000|38.932100|100.455600",
        },
    )  # fmt: skip
    assert response.status_code == 302
    inspection = Inspection.objects.system("test").get()
    [saved] = inspection.photos.all()
    assert (saved.latitude, saved.longitude) == (D("38.932100"), D("100.455600"))
    assert saved.taken_at.year == 2025 and inspection.officer == world.officer_a
    page = login(world.officer_a).get(reverse("loans:detail", args=[loan.pk])).content.decode()
    assert 'data-testid="warning"' in page
    assert login(world.officer_a).get(reverse("postloan:photo", args=[saved.pk]))["Content-Type"] == "image/jpeg"


@pytest.mark.django_db
def test_an_unsigned_inspection_or_a_file_that_is_no_image_writes_nothing(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    loan = borrower_loan(world)
    base = {"inspected_on": timezone.localdate().isoformat(), "way": "phone", "use_of_funds": "购买母牛"}
    client = login(world.officer_a)
    assert client.post(reverse("postloan:inspect", args=[loan.pk]), base).status_code == 200
    bad = SimpleUploadedFile("x.jpg", b"<script>", content_type="image/jpeg")
    assert (
        client.post(reverse("postloan:inspect", args=[loan.pk]), {**base, "signed": "on", "photos": [bad]}).status_code
        == 200
    )
    assert not Inspection.objects.system("test").exists()


@pytest.mark.django_db
def test_home_page_cards_for_inspections_and_warnings(world, login):
    loan = borrower_loan(world, start_date=date(2026, 10, 20), end_date=date(2027, 10, 20))
    cattle(loan, world.officer_a, heads=10)  # coverage 0.80: a warning
    html = login(world.officer_a).get(reverse("home")).content.decode()
    assert "待贷后检查" in html and "风险预警" in html
    assert reverse("postloan:inspections") + "?view=todo" in html


@pytest.mark.django_db
def test_lists_filter_by_village(world, login):
    _three_warned_loans(world)
    client = login(world.manager_a)
    here = {"village": world.village_a1.pk}
    elsewhere = {"village": world.village_a1b.pk}
    assert client.get(reverse("postloan:warnings"), here).content.decode().count('data-testid="warning-row"') == 3
    assert client.get(reverse("postloan:warnings"), elsewhere).content.decode().count('data-testid="warning-row"') == 0
    url = reverse("postloan:inspections")
    assert client.get(url, {"view": "all", **here}).content.decode().count('data-testid="inspection-row"') == 3
    assert client.get(url, {"view": "all", **elsewhere}).content.decode().count('data-testid="inspection-row"') == 0


@pytest.mark.django_db
def test_warning_list_pages_past_the_end_show_the_last_one(world, login):
    _three_warned_loans(world)
    client = login(world.officer_a)
    for page in ("999", "abc", "0"):
        html = client.get(reverse("postloan:warnings"), {"page": page, "size": "20"}).content.decode()
        assert html.count('data-testid="warning-row"') == 3, page
    html = client.get(reverse("postloan:warnings"), {"rule": "mobile_vacant", "page": "3"}).content.decode()
    assert 'data-testid="empty"' in html
