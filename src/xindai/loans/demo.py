"""A realistic demo loan book over the past three years, through the bulk path.

Mostly livestock loans of 10,000–100,000 yuan for 1–3 years, 按季付息 and 等额本息 most
common. The loans are made with their whole plan unpaid; their repayment history is then
confirmed through the repayment services (repayments/demo.py)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from xindai.customers.models import Customer
from xindai.loans.models import Loan, LoanType, RepaymentMethod
from xindai.loans.schedule import add_months
from xindai.loans.services import LoanTerms, guarantee_group_create, loans_bulk_create

PURPOSES = [
    "购买基础母牛",
    "购买育肥牛犊",
    "购买种羊",
    "扩建圈舍",
    "购买饲草料",
    "购买青贮设备",
    "购买肉羊",
    "奶牛养殖",
    "生猪养殖",
    "种植饲草",
]
METHOD_WEIGHTS = [
    (RepaymentMethod.QUARTERLY_INTEREST, 45),
    (RepaymentMethod.EQUAL_INSTALLMENT, 35),
    (RepaymentMethod.MONTHLY_INTEREST, 10),
    (RepaymentMethod.EQUAL_PRINCIPAL, 6),
    (RepaymentMethod.BULLET, 4),
]


def demo_terms(rng, customer, types, seq, today) -> LoanTerms:
    loan_type = types["畜牧业贷款"] if rng.random() < 0.75 else rng.choice(list(types.values()))
    method = rng.choices([m for m, _w in METHOD_WEIGHTS], weights=[w for _m, w in METHOD_WEIGHTS])[0]
    months = rng.choice([12, 12, 24, 24, 36]) if loan_type.max_term_months >= 36 else 12
    start = today - timedelta(days=rng.randrange(0, 3 * 365))
    start = start.replace(day=min(start.day, 28))
    amount = Decimal(rng.randrange(10, 101) * 1000)
    amount = min(max(amount, loan_type.min_amount), loan_type.max_amount)
    return LoanTerms(
        customer_id=customer.pk,
        iou_number=f"{customer.registered_branch.code}{start:%Y%m}{seq:07d}",
        amount=amount,
        loan_type=loan_type,
        annual_rate=loan_type.default_rate + Decimal(rng.choice(["0", "0.25", "0.5"])),
        start_date=start,
        end_date=add_months(start, months),
        method=method,
        handling_branch_id=customer.registered_branch_id,
        officer_id=customer.registered_by_id,
        purpose=rng.choice(PURPOSES),
        settlement_day=loan_type.settlement_day,
    )


def build_loans(customers, *, seed: int = 2026, share: float = 0.8, actor=None) -> int:
    """Give about `share` of `customers` (a queryset) a loan, some a second one. Returns loans made."""
    rng = random.Random(seed)
    today = timezone.localdate()
    types = {t.name: t for t in LoanType.objects.all()}
    seq = Loan.objects.count()
    terms_list = []
    for customer in customers.select_related("registered_branch").iterator(chunk_size=5000):
        for _n in range(1 if rng.random() < 0.85 else 2):
            if rng.random() > share:
                continue
            seq += 1
            terms_list.append(demo_terms(rng, customer, types, seq, today))
    with transaction.atomic():
        _form_groups(rng, terms_list, actor)
        return loans_bulk_create(actor=actor, terms_list=terms_list)


def _form_groups(rng, terms_list, actor) -> None:
    """Joint-guarantee groups (联保小组) of 3–5 borrowers of 农户联保贷款 in the same village."""
    by_village: dict[int, list[LoanTerms]] = {}
    ids = [t.customer_id for t in terms_list if t.loan_type.name == "农户联保贷款"]
    villages = dict(Customer.objects.filter(pk__in=ids).values_list("pk", "village__name"))
    for terms in terms_list:
        if terms.customer_id in villages:
            by_village.setdefault(villages[terms.customer_id], []).append(terms)
    for village, members in by_village.items():
        for start in range(0, len(members) - 2, 4):
            chunk = members[start : start + 4]
            group = guarantee_group_create(
                actor=actor, name=f"{village}联保小组{start // 4 + 1}", member_ids=[t.customer_id for t in chunk]
            )
            for terms in chunk:
                terms.guarantee_group_id = group.pk
