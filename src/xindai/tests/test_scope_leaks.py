"""Every leak across the data scope that issue #14 measured, tried as the user who found it.

Each test reproduces the measured case: a branch user, an officer or a government user reads or
writes something of another scope through a filter, a related list, a reply, a form field, an
answer, an import check, a picker or a detail page.
"""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from xindai.customers.models import Contact
from xindai.customers.tests.factories import CustomerFactory
from xindai.imports import loan_import as li
from xindai.imports.loan_import import import_loans
from xindai.imports.tests.files import id_number, loan_row, workbook
from xindai.loans.services import GROUP_OUT_OF_SCOPE, guarantee_group_create
from xindai.loans.tests.factories import loan_type, make_loan
from xindai.messaging.models import Message, MessageStatus, Purpose
from xindai.messaging.outbox import deliver_all

D = Decimal


@pytest.fixture
def book(world):
    """梁家墩村 (branch A) and 新丰村 (branch B): 测甲一 borrows at A, 测己六 at B, and 测庚七 is
    registered by A but borrows only at B (the customer filters' case)."""
    loan_type()
    a = CustomerFactory(name="测甲一", village=world.village_a1, registered_by=world.officer_a, mobile="13900000001")
    b = CustomerFactory(name="测己六", village=world.village_b1, registered_by=world.officer_b, mobile="13900000002")
    elsewhere = CustomerFactory(name="测庚七", village=world.village_a1, registered_by=world.officer_a)
    loan_a = make_loan(world.admin, a, world.officer_a, iou_number="TEST-L1-LJD", amount=D("20000.00"))
    loan_b = make_loan(world.admin, b, world.officer_b, iou_number="TEST-L6-SHANDAN", amount=D("17805.80"))
    past = date.today() - timedelta(days=400)  # noqa: DTZ011 - overdue today
    loan_e = make_loan(
        world.admin,
        elsewhere,
        world.officer_b,
        iou_number="TEST-L7-OVERDUE",
        start_date=past,
        end_date=past + timedelta(days=365),
        method="bullet",
    )
    return {"a": a, "b": b, "elsewhere": elsewhere, "loan_a": loan_a, "loan_b": loan_b, "loan_e": loan_e}


def names(client, **params):
    return {c.name for c in client.get(reverse("customers:list"), params).context["page"]}


def test_the_customer_filters_test_only_the_users_own_loans(world, login, book):
    """customers/filters.py: "has loans" / "has overdue" told branch A that 测庚七 borrows elsewhere."""
    client = login(world.manager_a)
    assert "测庚七" in names(client)  # registered by branch A: in scope
    assert "测庚七" not in names(client, has_loans="true")
    assert "测庚七" in names(client, has_loans="false")
    assert "测庚七" not in names(client, has_overdue="true")
    assert "测庚七" in names(login(world.admin), has_overdue="true")


def test_a_guarantee_group_shows_only_members_in_the_scope(world, login, book):
    """The loan page listed "测跨区联保组：测己六（新丰村）、测甲一（梁家墩村）" to branch A's officer."""
    group = guarantee_group_create(actor=world.admin, name="测跨区联保组", member_ids=[book["a"].pk, book["b"].pk])
    book["loan_a"].guarantee_group = group
    book["loan_a"].save(update_fields=["guarantee_group"])
    page = login(world.officer_a).get(reverse("loans:detail", args=[book["loan_a"].pk])).content.decode()
    assert "测跨区联保组" in page and "测甲一" in page
    assert "测己六" not in page and "新丰村" not in page


def test_the_loan_form_refuses_a_guarantee_group_of_another_scope(world, login, book):
    """/loans/<pk>/edit/ accepted any group id (GuaranteeGroup.objects.all())."""
    other = guarantee_group_create(actor=world.officer_b, name="民乐联保组", member_ids=[book["b"].pk])
    loan = book["loan_a"]
    form = login(world.officer_a).get(reverse("loans:edit", args=[loan.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        customer=loan.customer_id,
        loan_type=loan.loan_type_id,
        handling_branch=loan.handling_branch_id,
        officer=loan.officer_id,
        start_date=loan.start_date.isoformat(),
        end_date=loan.end_date.isoformat(),
        guarantee_group=other.pk,
    )
    response = login(world.officer_a).post(reverse("loans:edit", args=[loan.pk]), data)
    assert response.status_code == 200
    loan.refresh_from_db()
    assert loan.guarantee_group_id is None
    # The field offers only groups in scope: another branch's is not a valid choice at all.
    assert response.context["form"].errors["guarantee_group"] == ["选择一个有效的选项： 该选择不在可用的选项中。"]


def test_the_loan_service_refuses_a_guarantee_group_of_another_scope(world, book):
    from xindai.core.errors import BusinessError
    from xindai.loans.services import loan_create
    from xindai.loans.tests.factories import terms

    other = guarantee_group_create(actor=world.officer_b, name="民乐联保组", member_ids=[book["b"].pk])
    with pytest.raises(BusinessError) as refused:
        loan_create(
            actor=world.officer_a,
            terms=terms(book["a"], world.officer_a, iou_number="X-1", guarantee_group_id=other.pk),
        )
    assert refused.value.message == GROUP_OUT_OF_SCOPE


@pytest.fixture
def inbound_push(client, settings):
    settings.SMS_REPORT_SECRET = "s3cret"
    settings.SMS_HTTP_INBOUND_FIELDS = {"sender": "mobile", "text": "content", "id": "id", "time": "time"}

    def push(sender, text, msg_id):
        body = json.dumps({"mobile": sender, "content": text, "id": msg_id})
        url = reverse("messaging:inbound", args=["http", "s3cret"])
        return client.post(url, data=body, content_type="application/json")

    return push


def test_an_automatic_reply_to_a_shared_number_never_shows_one_customer_to_the_other(world, login, book, inbound_push):
    """A spouse's number shared by 测甲一 (branch A) and 测己六 (branch B) got one reply naming both
    IOUs; the log then showed branch B's loan to branch A's officer."""
    book["b"].spouse_mobile = book["a"].mobile
    book["b"].save(update_fields=["spouse_mobile"])
    assert inbound_push(book["a"].mobile, "余额", "s1").status_code == 200
    deliver_all()
    replies = Message.objects.system("tests").filter(purpose=Purpose.REPLY).order_by("id")
    assert {(m.customer.name, m.loan.iou_number) for m in replies} == {
        ("测甲一", "TEST-L1-LJD"),
        ("测己六", "TEST-L6-SHANDAN"),
    }
    for user, hidden in ((world.officer_a, "TEST-L6-SHANDAN"), (world.officer_b, "TEST-L1-LJD")):
        client = login(user)
        for url in (reverse("messaging:log"), reverse("messaging:inbox")):
            page = client.get(url).content.decode()
            assert hidden not in page, (user.username, url)
    log_a = login(world.officer_a).get(reverse("messaging:log")).content.decode()
    assert "测己六" not in log_a and "TEST-L1-LJD" in log_a


def test_answering_an_inbox_message_records_contacts_only_in_the_scope(world, login, book, inbound_push):
    """Marking a message handled created a contact on a customer the officer cannot open (404)."""
    book["b"].spouse_mobile = book["a"].mobile
    book["b"].save(update_fields=["spouse_mobile"])
    inbound_push(book["a"].mobile, "你好，请问", "s2")
    message = Message.objects.system("tests").get(direction="in")
    response = login(world.officer_a).post(reverse("messaging:answer", args=[message.pk]), {"action": "handled"})
    assert response.status_code == 302
    contacts = Contact.objects.system("tests").all()
    assert [c.customer.name for c in contacts] == ["测甲一"]


def test_the_import_dry_run_names_no_customer_outside_the_scope(world, book):
    """The dry run answered "身份证号码已登记为客户“测己六”，姓名必须一致。" for any ID number."""
    row = loan_row(1, **{li.ID: book["b"].id_number, li.NAME: "别人"})
    result = import_loans(workbook([row]), world.manager_a, dry_run=True)
    assert [(e.column, e.message) for e in result.errors] == [(li.ID, str(li.CUSTOMER_OUT_OF_SCOPE))]
    assert "测己六" not in json.dumps(result.as_dict(), ensure_ascii=False)
    assert id_number(1) != book["b"].id_number


def test_a_masked_mobile_cannot_be_recovered_from_the_picker(world, login, book):
    """A township user recovered 171****4051 in 20 requests by growing its prefix."""
    customer = CustomerFactory(
        name="测乙二", village=world.village_a2, registered_by=world.officer_a, mobile="17112344051"
    )
    client = login(world.township_user_a2)

    def found(query):
        return [r["id"] for r in client.get(reverse("customers:pick"), {"q": query}).json()["results"]]

    assert found("4051") == [customer.pk]  # the part the mask shows
    for fragment in ("1711", "17112", "171123", "1711234", "17112344051"):
        assert found(fragment) == [], fragment
    id_tail = customer.id_number[-4:]
    assert found(id_tail) == [customer.pk]
    for n in (5, 8, 14, 18):
        assert found(customer.id_number[-n:]) == [], n


def test_the_list_filters_do_not_undo_the_mask(world, login, book):
    customer = CustomerFactory(
        name="测乙二", village=world.village_a2, registered_by=world.officer_a, mobile="17112344051"
    )
    client = login(world.township_user_a2)
    assert names(client, mobile="4051") == {"测乙二"}
    assert names(client, mobile="1711234") == set()
    assert names(client, mobile="17112344051") == set()
    assert names(client, id_number=customer.id_number[-4:]) == {"测乙二"}
    assert names(client, id_number=customer.id_number[-6:]) == set()
    full = login(world.officer_a)
    assert names(full, mobile="17112344051") == {"测乙二"}


def test_another_users_sending_is_not_found(world, login, book):
    """/messaging/sendings/<id>/ showed another user's whole sending once one message was in scope."""
    from xindai.customers.models import Customer
    from xindai.messaging import mass_sending

    recipients = mass_sending.from_customers(
        Customer.objects.system("tests").filter(pk__in=[book["a"].pk, book["b"].pk])
    )
    batch = mass_sending.mass_send(actor=world.officer_b, recipients=recipients, text="测试群发")
    assert login(world.officer_b).get(reverse("messaging:sending", args=[batch.pk])).status_code == 200
    assert login(world.officer_a).get(reverse("messaging:sending", args=[batch.pk])).status_code == 404
    assert login(world.admin).get(reverse("messaging:sending", args=[batch.pk])).status_code == 200
    assert Message.objects.system("tests").filter(sending=batch).exclude(status=MessageStatus.CANCELLED).count() == 2
