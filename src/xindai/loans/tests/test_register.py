"""Registering, previewing, editing and deleting loans."""

from decimal import Decimal

import pytest
from django.urls import reverse

from xindai.core.errors import BusinessError
from xindai.core.models import AuditLog
from xindai.customers.tests.factories import CustomerFactory
from xindai.loans import services
from xindai.loans.models import GuaranteeGroup, Installment, Loan
from xindai.loans.tests.factories import loan_type, make_loan, terms


@pytest.fixture
def customer(world):
    return CustomerFactory(name="马建国", village=world.village_a1, registered_by=world.officer_a)


def form_data(world, customer, **overrides):
    data = {
        "customer": customer.pk,
        "iou_number": "GZ2026020001",
        "loan_type": loan_type().pk,
        "amount": "50,000",
        "annual_rate": "5.22%",
        "method": "quarterly_interest",
        "start_date": "2026-02-10",
        "end_date": "2027-02-10",
        "purpose": "购买基础母牛",
        "handling_branch": world.branch_a.pk,
        "officer": world.officer_a.pk,
    }
    data.update(overrides)
    return data


def test_officer_registers_a_loan_and_its_plan_is_the_engines(world, login, customer):
    response = login(world.officer_a).post(reverse("loans:create"), form_data(world, customer))
    loan = Loan.objects.system("tests").get()
    assert response.status_code == 302 and response.url == reverse("loans:detail", args=[loan.pk])
    plan = list(loan.installments.values_list("due_date", "principal", "interest"))
    assert [(str(d), str(p), str(i)) for d, p, i in plan] == [  # domain.md's worked example 2
        ("2026-03-20", "0.00", "275.50"),
        ("2026-06-20", "0.00", "667.00"),
        ("2026-09-20", "0.00", "667.00"),
        ("2026-12-20", "0.00", "659.75"),
        ("2027-02-10", "50000.00", "377.00"),
    ]
    assert loan.outstanding_principal == Decimal("50000.00")
    assert AuditLog.objects.system("tests").filter(action="loans.loan.created", target_id=str(loan.pk)).exists()


def test_preview_shows_the_plan_before_saving(world, login, customer):
    response = login(world.officer_a).post(reverse("loans:preview"), form_data(world, customer))
    page = response.content.decode()
    assert "275.50" in page and "50,377.00" in page
    assert not Loan.objects.system("tests").exists()


def test_preview_explains_an_impossible_term_in_chinese(world, login, customer):
    data = form_data(world, customer, method="equal_installment", end_date="2027-02-15")
    page = login(world.officer_a).post(reverse("loans:preview"), data).content.decode()
    assert "整月" in page or "月" in page
    assert not Loan.objects.system("tests").exists()


def test_type_limits_are_enforced_and_nothing_is_written(world, login, customer):
    response = login(world.officer_a).post(reverse("loans:create"), form_data(world, customer, amount="2000000"))
    assert (
        response.status_code == 200
        and not Loan.objects.system("tests").exists()
        and not Installment.objects.system("tests").exists()
    )
    assert "畜牧业贷款" in response.content.decode()


def test_duplicate_iou_number_is_refused(world, login, customer):
    make_loan(world.admin, customer, iou_number="GZ2026020001")
    response = login(world.officer_a).post(reverse("loans:create"), form_data(world, customer))
    assert response.status_code == 200 and Loan.objects.system("tests").count() == 1
    assert "GZ2026020001" in response.content.decode()


def test_personal_officer_cannot_book_a_loan_on_another_officer(world, login, customer):
    response = login(world.officer_a).post(
        reverse("loans:create"), form_data(world, customer, officer=world.officer_b.pk)
    )
    assert response.status_code == 200 and not Loan.objects.system("tests").exists()
    assert response.context["form"].errors == {"officer": ["选择一个有效的选项： 该选择不在可用的选项中。"]}


def test_customer_outside_the_scope_cannot_borrow_through_me(world, login):
    other = CustomerFactory(village=world.village_b1, registered_by=world.officer_b)
    response = login(world.officer_a).post(reverse("loans:create"), form_data(world, other))
    assert response.status_code == 200 and not Loan.objects.system("tests").exists()
    assert response.context["form"].errors == {"customer": ["选择一个有效的选项： 该选择不在可用的选项中。"]}


def test_custom_plan(world, login, customer):
    data = form_data(world, customer, method="custom", custom_plan="2026-08-10 20000\n2027-02-10 30,000")
    login(world.officer_a).post(reverse("loans:create"), data)
    principal = list(Loan.objects.system("tests").get().installments.values_list("principal", flat=True))
    assert principal == [Decimal("20000.00"), Decimal("30000.00")]


def test_a_new_guarantee_group_is_formed_with_the_loan(world, login, customer):
    partner = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    third = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    data = form_data(world, customer, new_group_name="梁家墩联保一组", new_group_members=[partner.pk, third.pk])
    login(world.officer_a).post(reverse("loans:create"), data)
    group = GuaranteeGroup.objects.system("tests").get()
    assert Loan.objects.system("tests").get().guarantee_group == group
    assert set(group.members.system("tests").all()) == {customer, partner, third}


def test_editing_terms_before_any_repayment_regenerates_the_plan(world, customer):
    loan = make_loan(world.admin, customer)
    changed = terms(customer, world.officer_a, iou_number=loan.iou_number, amount=Decimal("60000.00"))
    services.loan_update(actor=world.manager_a, loan=loan, terms=changed)
    assert loan.installments.get(period=5).principal == Decimal("60000.00")
    assert AuditLog.objects.system("tests").get(action="loans.loan.changed").changes["amount"] == [
        "50000.00",
        "60000.00",
    ]


def test_after_a_repayment_only_descriptive_fields_change(world, customer):
    loan = make_loan(world.admin, customer)
    loan.installments.filter(period=1).update(interest_paid=Decimal("275.50"))
    with pytest.raises(BusinessError) as err:
        services.loan_update(
            actor=world.manager_a,
            loan=loan,
            terms=terms(customer, world.officer_a, iou_number=loan.iou_number, amount=Decimal("1000")),
        )
    assert err.value.message == services.HAS_REPAYMENTS
    services.loan_update(
        actor=world.manager_a,
        loan=loan,
        terms=terms(customer, world.officer_a, iou_number=loan.iou_number, purpose="扩建圈舍"),
    )
    loan.refresh_from_db()
    assert loan.purpose == "扩建圈舍" and loan.amount == Decimal("50000.00")
    with pytest.raises(BusinessError) as refused:
        services.loan_delete(actor=world.manager_a, loan=loan)
    assert str(refused.value) == "该贷款已有还款记录，不能删除。"


def test_delete_before_any_repayment(world, login, customer):
    loan = make_loan(world.admin, customer)
    response = login(world.manager_a).post(reverse("loans:delete", args=[loan.pk]))
    assert (
        response.status_code == 302
        and not Loan.objects.system("tests").exists()
        and not Installment.objects.system("tests").exists()
    )


def test_a_customer_with_a_loan_cannot_be_deleted(world, login, customer):
    from xindai.customers.services import CUSTOMER_HAS_LOANS

    make_loan(world.admin, customer)
    response = login(world.manager_a).post(reverse("customers:delete", args=[customer.pk]), follow=True)
    assert str(CUSTOMER_HAS_LOANS % {"name": customer.name}) in response.content.decode()
    customer.refresh_from_db()


def test_the_picked_customers_address_and_contacts_are_shown(world, login, customer):
    page = login(world.officer_a).get(reverse("loans:customer_card"), {"customer": customer.pk}).content.decode()
    assert customer.name in page and "梁家墩村" in page and customer.mobile in page
