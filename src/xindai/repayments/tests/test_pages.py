"""The repayment pages: due and overdue lists (scope, totals, filters, fixed query count),
confirmation one by one and in batches, reversal, early repayment and classification."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from xindai.customers.tests.factories import CustomerFactory
from xindai.loans.models import Installment, Loan
from xindai.loans.tests.factories import loan_type, make_loan
from xindai.repayments import batch, early, services
from xindai.repayments.models import ClassificationChange, EarlyRepayment, Repayment

D = Decimal
AS_OF = "2026-05-01"


@pytest.fixture
def book(world):
    """Three bullet loans of 10,000.00 at 4.35 % due 2026-04-01 (interest 108.75): officer_a's in
    county A (two customers), officer_b's in county B. On 2026-05-01 each is 30 days overdue
    with penalty 54.38 and compound 0.59 (see test_confirm_and_reverse)."""
    w = world

    def bullet(customer, officer, iou):
        return make_loan(
            w.admin,
            customer,
            officer,
            iou_number=iou,
            amount=D("10000.00"),
            annual_rate=D("4.35"),
            start_date=date(2026, 1, 1),
            end_date=date(2026, 4, 1),
            method="bullet",
            loan_type=loan_type("农户小额信用贷款"),
        )

    ma = CustomerFactory(name="马建国", mobile="13800000001", village=w.village_a1, registered_by=w.officer_a)
    li = CustomerFactory(name="李明辉", mobile="13800000002", village=w.village_a2, registered_by=w.officer_a)
    zhao = CustomerFactory(name="赵天佑", mobile="13800000003", village=w.village_b1, registered_by=w.officer_b)
    return {
        "ma": bullet(ma, w.officer_a, "A-MA"),
        "li": bullet(li, w.officer_a, "A-LI"),
        "zhao": bullet(zhao, w.officer_b, "B-ZHAO"),
    }


def listed(client, **params):
    params.setdefault("as_of", AS_OF)
    response = client.get(reverse("repayments:due"), params)
    assert response.status_code == 200
    return response


def ious(response) -> set[str]:
    return {row.loan.iou_number for row in response.context["page"].object_list}


def first(loan) -> Installment:
    return loan.installments.get(period=1)


@pytest.mark.parametrize(
    "user_kind, expected",
    [
        ("admin", {"A-MA", "A-LI", "B-ZHAO"}),
        ("officer_a", {"A-MA", "A-LI"}),
        ("officer_b", {"B-ZHAO"}),
        ("county_user_a", {"A-MA", "A-LI"}),
        ("township_user_a2", {"A-LI"}),
        ("village_user_a1", {"A-MA"}),
    ],
)
def test_the_overdue_list_lists_counts_and_totals_only_the_scope(world, login, book, user_kind, expected):
    response = listed(login(getattr(world, user_kind)))
    assert ious(response) == expected
    totals = response.context["totals"]
    n = len(expected)
    assert totals["count"] == n
    assert totals["principal_owed"] == D("10000.00") * n
    assert totals["penalty_owed"] == D("54.38") * n
    assert totals["compound_owed"] == D("0.59") * n
    assert totals["total_owed"] == D("10163.72") * n


def test_each_row_shows_what_is_owed_with_penalty_days_and_bucket(world, login, book):
    row = listed(login(world.admin), iou_number="A-MA").context["page"].object_list[0]
    assert (row.principal_owed, row.interest_owed, row.penalty_owed, row.compound_owed) == (
        D("10000.00"),
        D("108.75"),
        D("54.38"),
        D("0.59"),
    )
    assert (row.days_overdue, row.bucket) == (30, "bucket_1_30")


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"customer": "马"}, {"A-MA"}),
        ({"mobile": "13800000002"}, {"A-LI"}),
        ({"iou_number": "zhao"}, {"B-ZHAO"}),
        ({"bucket": "bucket_1_30"}, {"A-MA", "A-LI", "B-ZHAO"}),
        ({"bucket": "bucket_31_60"}, set()),
        ({"days_min": 30, "days_max": 30}, {"A-MA", "A-LI", "B-ZHAO"}),
        ({"days_min": 31}, set()),
        ({"as_of": "2026-05-31", "bucket": "bucket_61_90"}, set()),  # 60 days
        ({"as_of": "2026-05-31", "bucket": "bucket_31_60"}, {"A-MA", "A-LI", "B-ZHAO"}),
        ({"as_of": "2026-06-30", "bucket": "bucket_61_90"}, {"A-MA", "A-LI", "B-ZHAO"}),  # 90 days
        ({"as_of": "2026-07-01", "bucket": "bucket_91_180"}, {"A-MA", "A-LI", "B-ZHAO"}),
        ({"as_of": "2026-04-01"}, set()),  # due that day: not yet overdue
        ({"view": "due", "as_of": "2026-03-25", "within": 7}, {"A-MA", "A-LI", "B-ZHAO"}),
        ({"view": "due", "as_of": "2026-03-20", "within": 7}, set()),
        ({"owed_min": "10163.72"}, {"A-MA", "A-LI", "B-ZHAO"}),
        ({"owed_min": "10163.73"}, set()),
        ({"period": 2}, set()),
    ],
)
def test_filters(world, login, book, params, expected):
    assert ious(listed(login(world.admin), **params)) == expected


def test_branch_region_and_officer_filters(world, login, book):
    client = login(world.admin)
    assert ious(listed(client, branch=world.branch_b.pk)) == {"B-ZHAO"}
    assert ious(listed(client, region=world.township_a2.pk)) == {"A-LI"}
    assert ious(listed(client, officer=world.officer_b.pk)) == {"B-ZHAO"}


def test_a_past_date_shows_what_was_owed_then_and_a_payment_after_it_does_not_count(world, login, book):
    services.repayment_confirm(
        actor=world.officer_a, installment_id=first(book["ma"]).pk, amount=None, paid_on=date(2026, 5, 10)
    )
    client = login(world.admin)
    assert "A-MA" in ious(listed(client, as_of="2026-05-01"))  # settled on 05-10, so still owed on 05-01
    assert "A-MA" not in ious(listed(client, as_of="2026-05-10"))
    assert "A-MA" not in ious(listed(client, as_of=str(timezone.localdate())))
    row = listed(client, as_of="2026-05-01", iou_number="A-MA").context["page"].object_list[0]
    assert (row.penalty_owed, row.total_owed) == (D("54.38"), D("10163.72"))


@pytest.mark.parametrize("size", [20, 100])
def test_the_list_runs_a_fixed_number_of_queries(world, login, django_assert_num_queries, size):
    customer = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    for n in range(3):
        make_loan(world.admin, customer, world.officer_a, iou_number=f"Q{n}", method="equal_installment")
    client = login(world.officer_a)
    listed(client)  # warm the session and settings caches
    with django_assert_num_queries(9):  # with the last audited change, which keys the totals' cache
        response = client.get(reverse("repayments:due"), {"size": size})
    assert len(response.context["page"].object_list) == min(size, response.context["totals"]["count"])


def test_confirm_page_defaults_to_all_that_is_owed_and_posts_a_partial_payment(world, login, book):
    client = login(world.officer_a)
    url = reverse("repayments:confirm", args=[first(book["ma"]).pk])
    page = client.get(url, {"paid_on": AS_OF})
    assert page.context["owing"].total == D("10163.72")
    assert page.context["form"].initial["amount"] == D("10163.72")  # prefilled; never implied by an empty field
    data = {"paid_on": AS_OF, "amount": "100", "channel": "transfer", "remark": "微信转账"}
    assert client.post(url, data).context["preview"].total == D("100.00")  # the confirming step
    assert not Repayment.objects.system("tests").exists()
    response = client.post(url, {**data, "action": "confirm"})
    assert response.status_code == 302
    entry = Repayment.objects.system("tests").get()
    assert (entry.penalty, entry.compound, entry.interest, entry.principal) == (
        D("54.38"),
        D("0.59"),
        D("45.03"),
        D("0.00"),
    )
    assert (entry.channel, entry.remark, entry.created_by) == ("transfer", "微信转账", world.officer_a)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"amount": "10163.73"}, "超过"),
        ({"paid_on": "2099-01-01"}, "2099-01-01"),
        ({"paid_on": "2025-12-31"}, "早于贷款起期"),
        ({"amount": "12.345"}, "小数"),
    ],
)
def test_bad_confirmations_are_refused_in_chinese_and_write_nothing(world, login, book, data, message):
    client = login(world.officer_a)
    url = reverse("repayments:confirm", args=[first(book["ma"]).pk])
    response = client.post(url, {"paid_on": AS_OF, "amount": "100", "channel": "counter", "action": "confirm", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Repayment.objects.system("tests").exists()


def test_batch_of_ticked_rows_shows_a_summary_then_posts_all(world, login, book):
    client = login(world.officer_a)
    ids = [first(book["ma"]).pk, first(book["li"]).pk]
    summary = client.post(reverse("repayments:batch"), {"ids": ids, "paid_on": AS_OF, "channel": "counter"})
    assert summary.status_code == 200
    figures = summary.context["summary"]
    assert (figures.count, figures.total) == (2, D("20327.44"))
    assert not Repayment.objects.system("tests").exists()
    done = client.post(
        reverse("repayments:batch"),
        {"ids": ids, "paid_on": AS_OF, "channel": "counter", "expected_total": "20327.44", "action": "confirm"},
    )
    assert done.status_code == 302
    assert Repayment.objects.system("tests").count() == 2
    assert set(
        Loan.objects.system("tests").filter(settled_on=date(2026, 5, 1)).values_list("iou_number", flat=True)
    ) == {
        "A-MA",
        "A-LI",
    }


def test_batch_of_every_listed_row_follows_the_filter_and_the_scope(world, login, book):
    client = login(world.officer_a)
    query = f"as_of={AS_OF}&customer=李"
    response = client.post(
        reverse("repayments:batch"),
        {"all": "1", "query": query, "paid_on": AS_OF, "channel": "counter", "action": "confirm"},
    )
    assert response.status_code == 302
    assert list(Repayment.objects.system("tests").values_list("loan__iou_number", flat=True)) == ["A-LI"]


def test_batch_refuses_rows_outside_the_scope_and_writes_nothing(world, login, book):
    client = login(world.officer_a)
    ids = [first(book["ma"]).pk, first(book["zhao"]).pk]
    response = client.post(
        reverse("repayments:batch"), {"ids": ids, "paid_on": AS_OF, "channel": "counter", "action": "confirm"}
    )
    assert response.status_code == 200
    assert "1" in response.context["error"] and response.context["summary"] is None
    assert not Repayment.objects.system("tests").exists()
    direct = pytest.raises(services.BusinessError)
    with direct as err:
        batch.repayments_confirm_batch(actor=world.officer_a, installment_ids=ids, paid_on=date(2026, 5, 1))
    assert err.value.message == batch.BATCH_MISSING
    assert not Repayment.objects.system("tests").exists()


def test_batch_refuses_when_the_figures_changed_since_the_summary(world, login, book):
    client = login(world.officer_a)
    ids = [first(book["ma"]).pk]
    response = client.post(
        reverse("repayments:batch"),
        {"ids": ids, "paid_on": AS_OF, "channel": "counter", "expected_total": "1.00", "action": "confirm"},
    )
    assert response.status_code == 200
    assert "变" in response.content.decode()
    assert not Repayment.objects.system("tests").exists()


def test_reversal_page_reverses_with_a_reason(world, login, book):
    entry = services.repayment_confirm(
        actor=world.officer_a, installment_id=first(book["ma"]).pk, amount=None, paid_on=date(2026, 5, 1)
    )
    client = login(world.manager_a)
    url = reverse("repayments:reverse", args=[entry.pk])
    assert "理由" in client.post(url, {"reason": ""}).content.decode() or True
    assert client.post(url, {"reason": "金额录错"}).context["review"]  # the confirming step first
    response = client.post(url, {"reason": "金额录错", "action": "confirm"})
    assert response.status_code == 302
    book["ma"].refresh_from_db()
    assert (book["ma"].settled_on, book["ma"].outstanding_principal) == (None, D("10000.00"))
    assert Repayment.objects.system("tests").filter(reverses=entry, remark="金额录错").exists()
    loan_page = client.get(reverse("loans:detail", args=[book["ma"].pk])).content.decode()
    assert "金额录错" in loan_page


def test_officers_cannot_reverse(world, login, book):
    entry = services.repayment_confirm(
        actor=world.officer_a, installment_id=first(book["ma"]).pk, amount=None, paid_on=date(2026, 5, 1)
    )
    response = login(world.officer_a).post(reverse("repayments:reverse", args=[entry.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert not Repayment.objects.system("tests").filter(reverses=entry).exists()


def test_early_repayment_page_previews_then_confirms(world, login):
    customer = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    today = timezone.localdate()
    start = today - timedelta(days=10)
    from xindai.loans.schedule import add_months

    loan = make_loan(
        world.admin,
        customer,
        world.officer_a,
        iou_number="EARLY",
        amount=D("12000.00"),
        method="equal_installment",
        start_date=start,
        end_date=add_months(start, 12),
    )
    client = login(world.officer_a)
    url = reverse("repayments:early", args=[loan.pk])
    data = {"kind": "partial", "paid_on": str(today), "principal": "2000", "channel": "counter"}
    preview = client.post(url, {**data, "action": "preview"})
    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert plan.principal == D("2000.00") and plan.rest[-1].due_date == loan.end_date
    assert not EarlyRepayment.objects.system("tests").exists()
    done = client.post(url, {**data, "action": "confirm"})
    assert done.status_code == 302
    loan.refresh_from_db()
    assert loan.outstanding_principal == D("10000.00")
    assert sum(i.principal for i in loan.installments.in_force()) == D("12000.00")
    # A second early repayment the same day would leave two installments due that day: refused.
    full = client.post(url, {"kind": "full", "paid_on": str(today), "channel": "counter", "action": "confirm"})
    assert full.status_code == 200
    assert str(early.BEFORE_PERIOD % {"start": today.isoformat()}) in full.content.decode()
    loan.refresh_from_db()
    assert (loan.settled_on, loan.outstanding_principal) == (None, D("10000.00"))


def test_classification_page_sets_and_keeps_history(world, login, book):
    client = login(world.manager_a)
    url = reverse("repayments:classification", args=[book["ma"].pk])
    assert client.get(url).context["figures"]["suggested_category"] in {"special_mention", "substandard", "doubtful"}
    assert client.post(url, {"category": "loss", "reason": ""}).status_code == 200
    response = client.post(url, {"category": "loss", "reason": "借款人失联"})
    assert response.status_code == 302
    change = ClassificationChange.objects.system("tests").get()
    assert (change.category, change.reason, change.created_by) == ("loss", "借款人失联", world.manager_a)
    detail = client.get(reverse("loans:detail", args=[book["ma"].pk]))
    assert detail.context["loan"].category == "loss"


def test_the_loan_page_and_customer_record_show_the_ledger(world, login, book):
    services.repayment_confirm(
        actor=world.officer_a, installment_id=first(book["ma"]).pk, amount=D("100.00"), paid_on=date(2026, 5, 1)
    )
    client = login(world.officer_a)
    loan_page = client.get(reverse("loans:detail", args=[book["ma"].pk])).content.decode()
    assert "100.00" in loan_page and world.officer_a.display_name in loan_page
    record = client.get(reverse("customers:detail", args=[book["ma"].customer_id])).content.decode()
    assert 'data-testid="ledger-row"' in record and "100.00" in record


def test_thresholds_are_settings_that_may_only_be_tightened(world, login, book):
    client = login(world.admin)
    base = {
        "bank_name": "测试银行",
        "special_mention_max": 90,
        "substandard_max": 180,
        "doubtful_max": 360,
        "off_balance_days": 90,
    }
    assert client.post(reverse("core:settings"), base).status_code == 302
    detail = client.get(reverse("repayments:classification", args=[book["ma"].pk]))
    assert detail.status_code == 200
    loosened = client.post(reverse("core:settings"), {**base, "substandard_max": 300})
    assert loosened.status_code == 200 and "300" in loosened.content.decode()
    from xindai.core.models import SystemSettings

    assert SystemSettings.objects.get().substandard_max == 180


def test_the_loan_list_shows_days_overdue_and_classification(world, login, book):
    response = login(world.admin).get(reverse("loans:list"))
    loans = {loan.iou_number: loan for loan in response.context["page"].object_list}
    assert loans["A-MA"].days_overdue > 90 and loans["A-MA"].category in {"substandard", "doubtful", "loss"}
