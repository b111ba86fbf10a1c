"""Masking that cannot be undone, on every output kind (issue #14).

One customer with every personal field; a county user (external) and a bank user without
`customers.view_personal` read every page, pop-up, export, print, report key, message log and
audit log that shows them: the full ID number, mobile, birth date, house number and spouse
name never appear; the masked forms do. The measured cases: the birth date beside a masked ID
number, the report Excel grouped by 客户 with the full number in its 编码 column, 变更历史 and
操作日志 in clear, the inbox and the message log with mobiles in clear.
"""

import io
import json
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xindai.core import masking
from xindai.customers.services import customer_update
from xindai.customers.tests.factories import CustomerFactory, make_id_number
from xindai.loans.tests.factories import loan_type, make_loan
from xindai.org.models import Role, ScopeKind
from xindai.org.tests.factories import UserFactory

ID_NUMBER = make_id_number(21, birth="19900624", male=False)
MOBILE = "18600000003"
NEW_MOBILE = "18600000004"
SPOUSE_MOBILE = "13900000009"
SECRETS = (ID_NUMBER, MOBILE, NEW_MOBILE, SPOUSE_MOBILE, "1990-06-24", "19900624", "门牌12号", "王秀英")


@pytest.fixture
def person(world):
    loan_type()
    customer = CustomerFactory(
        name="测丙三",
        id_number=ID_NUMBER,
        mobile=MOBILE,
        village=world.village_a1,
        registered_by=world.officer_a,
        house_number="门牌12号",
        spouse_name="王秀英",
        spouse_mobile=SPOUSE_MOBILE,
    )
    customer_update(actor=world.officer_a, customer=customer, mobile=NEW_MOBILE)
    customer.refresh_from_db()
    loan = make_loan(world.admin, customer, world.officer_a, iou_number="MASK-1")
    return {"customer": customer, "loan": loan}


@pytest.fixture
def plain_banker(world):
    """A bank user with every read permission but `customers.view_personal`."""
    role = Role.objects.create(
        name="只读无个人信息",
        permissions=[
            "customers.view",
            "customers.export",
            "loans.view",
            "loans.export",
            "loans.print",
            "repayments.view",
            "messaging.view",
            "reports.view",
            "reports.export",
            "system.view_audit",
        ],
    )
    return UserFactory(username="plain", role=role, scope=ScopeKind.ALL, branch=world.hq)


def _xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row if cell
    )


def _outputs(client, person) -> dict[str, str]:
    customer, loan = person["customer"], person["loan"]
    pages = {
        "customer page": reverse("customers:detail", args=[customer.pk]),
        "customer pop-up": reverse("customers:detail", args=[customer.pk]),
        "customer list": reverse("customers:list"),
        "loan page": reverse("loans:detail", args=[loan.pk]),
        "loan list": reverse("loans:list"),
        "customer card": reverse("loans:customer_card") + f"?customer={customer.pk}",
        "due list": reverse("repayments:due") + "?view=due&within=400",
        "message log": reverse("messaging:log"),
        "inbox": reverse("messaging:inbox"),
        "audit log": reverse("core:audit_list"),
        "report by customer": reverse("reports:report") + "?kind=balance&group=customer",
        "notice print": reverse("printing:notice", args=[loan.pk]),
    }
    exports = {
        "customer export": reverse("customers:list") + "?export=xlsx",
        "loan export": reverse("loans:list") + "?export=xlsx",
        "due export": reverse("repayments:due") + "?view=due&within=400&export=xlsx",
        "report export by customer": reverse("reports:report") + "?kind=balance&group=customer&export=xlsx",
    }
    seen = {}
    for name, url in pages.items():
        headers = {"HTTP_HX_REQUEST": "true"} if name == "customer pop-up" else {}
        response = client.get(url, **headers)
        if response.status_code == 200:
            seen[name] = response.content.decode()
    for name, url in exports.items():
        response = client.get(url)
        if response.status_code == 200:
            content = b"".join(response.streaming_content) if response.streaming else response.content
            seen[name] = _xlsx_text(content)
    return seen


@pytest.fixture
def inbound(person, client, settings):
    settings.SMS_REPORT_SECRET = "s3cret"
    settings.SMS_HTTP_INBOUND_FIELDS = {"sender": "mobile", "text": "content", "id": "id", "time": "time"}
    body = json.dumps({"mobile": NEW_MOBILE, "content": f"你好，我的另一个号码{SPOUSE_MOBILE}", "id": "m1"})
    client.post(reverse("messaging:inbound", args=["http", "s3cret"]), data=body, content_type="application/json")
    client.logout()


@pytest.mark.parametrize("who", ["county_user_a", "plain_banker"])
def test_no_output_shows_personal_data_in_full(world, login, person, inbound, plain_banker, who):
    user = plain_banker if who == "plain_banker" else getattr(world, who)
    seen = _outputs(login(user), person)
    expected = {"customer page", "customer list", "loan page", "report by customer", "report export by customer"}
    assert expected <= set(seen), sorted(seen)
    if who == "plain_banker":
        assert {"message log", "inbox", "audit log", "customer export", "due export", "notice print"} <= set(seen)
    for name, text in seen.items():
        for secret in SECRETS:
            assert secret not in text, f"{who} sees {secret} in the {name}"
    assert masking.mask("id_number", ID_NUMBER) in seen["customer page"]
    assert masking.mask("id_number", ID_NUMBER) in seen["report export by customer"]
    assert "36" in seen["customer page"] or "35" in seen["customer page"]  # an age, not the date


def test_the_permission_shows_everything_in_full(world, login, person, inbound):
    seen = _outputs(login(world.admin), person)
    assert ID_NUMBER in seen["customer page"] and "1990-06-24" in seen["customer page"]
    assert "门牌12号" in seen["customer page"] and "王秀英" in seen["customer page"]
    assert ID_NUMBER in seen["report export by customer"] and NEW_MOBILE in seen["message log"]
    assert NEW_MOBILE in seen["audit log"]


def test_the_report_by_customer_drills_down_by_the_customer_not_the_number(world, login, person):
    page = login(world.county_user_a).get(reverse("reports:report") + "?kind=balance&group=customer")
    [row] = page.context["report"].rows
    assert row["key"] == masking.mask("id_number", ID_NUMBER)
    assert f"customer_id={person['customer'].pk}" in row["detail"]
    loans = login(world.county_user_a).get(row["detail"]).context["page"]
    assert [loan.iou_number for loan in loans] == ["MASK-1"]


def test_the_one_masking_function():
    assert masking.mask("id_number", ID_NUMBER) == ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:]
    assert masking.mask("mobile", MOBILE) == "186****0003"
    assert masking.mask("birth_date", date(1990, 6, 24), today=date(2026, 6, 23)) == "35岁"
    assert masking.mask("birth_date", date(1990, 6, 24), today=date(2026, 6, 24)) == "36岁"
    assert masking.mask("house_number", "门牌12号") == "***"
    assert masking.mask("spouse_name", "王秀英") == "王**"
    assert masking.mask_text(f"号码{MOBILE}与{ID_NUMBER}") == f"号码186****0003与{masking.mask('id_number', ID_NUMBER)}"
    changes = {"mobile": [MOBILE, NEW_MOBILE], "birth_date": ["1990-06-24", "1990-06-25"], "note": f"改为{MOBILE}"}
    masked = masking.mask_changes(changes, today=date(2026, 7, 1))
    assert masked["mobile"] == ["186****0003", "186****0004"] and masked["birth_date"] == ["36岁", "36岁"]
    assert masked["note"] == "改为186****0003"
    assert masking.mask("mobile", "") == "" and masking.mask("id_number", None) == ""


def test_a_masked_number_is_searched_only_by_what_the_mask_shows(world, plain_banker):
    assert masking.searchable(plain_banker, "mobile", "0003")
    assert not masking.searchable(plain_banker, "mobile", "60000003")
    assert masking.searchable(world.officer_a, "mobile", MOBILE)


def test_only_a_user_who_may_see_the_number_gets_a_link_to_call_it(client, world, person, plain_banker):
    url = reverse("customers:detail", args=[person["customer"].pk])
    client.force_login(world.officer_a)
    assert f'href="tel:{NEW_MOBILE}"' in client.get(url).content.decode()
    client.force_login(plain_banker)
    page = client.get(url).content.decode()
    assert "tel:" not in page and NEW_MOBILE not in page
