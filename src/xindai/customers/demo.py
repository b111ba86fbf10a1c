"""Demo customers: realistic names, valid ID numbers and mobiles, spread over the villages,
with contact records. Deterministic for a seed; bulk-inserted."""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from xindai.core.idnumber import check_character
from xindai.customers.models import Contact, ContactChannel, Customer, CustomerStatus
from xindai.org.demo import BRANCHES, SURNAMES
from xindai.org.models import Region, RegionLevel, User

GIVEN_MALE = "建国志强明辉国庆晓东振华文博永福德胜天佑立新卫东宏伟俊杰鹏飞学军生财有福长青满仓守业发祥"
GIVEN_FEMALE = "秀英桂兰海燕红梅玉珍丽娟春花金凤淑芬玉兰婷婷雪梅彩霞翠萍巧云月娥桂芳"
SUBJECTS = ["贷前调查", "到期提醒", "逾期催收", "养殖情况回访", "核实家庭收入", "联保小组走访", "续贷意向沟通"]
CONTENTS = [
    "牛存栏{n}头，长势良好。",
    "羊存栏{n}只，饲草充足。",
    "客户表示{n}日内筹款还息。",
    "家中主要劳力外出务工，配偶在家养殖。",
    "客户有扩大养殖规模意向，计划新增{n}头犊牛。",
]


def _name(rng: random.Random, male: bool) -> str:
    pool = GIVEN_MALE if male else GIVEN_FEMALE
    start = rng.randrange(0, len(pool) - 1, 2)
    given = pool[start : start + 2] if rng.random() < 0.8 else pool[start]
    return rng.choice(SURNAMES) + given


def _id_number(rng: random.Random, county_code: str, birth: date, male: bool, seq: int) -> str:
    order = (seq % 500) * 2 + (1 if male else 0)
    first17 = f"{county_code}{birth:%Y%m%d}{order:03d}"
    return first17 + check_character(first17)


def build_customers(count: int, *, seed: int = 2026, contacts_per_customer: float = 0.6) -> int:
    """Add `count` customers (and some contacts) to the demo villages. Returns how many were added."""
    rng = random.Random(seed + Customer.objects.count())
    villages = list(Region.objects.filter(level=RegionLevel.VILLAGE).select_related("parent", "parent__parent"))
    groups: dict[int, list[Region]] = {}
    for group in Region.objects.filter(level=RegionLevel.GROUP).only("pk", "parent_id"):
        groups.setdefault(group.parent_id, []).append(group)
    officers = list(User.objects.filter(is_loan_officer=True, is_active=True).select_related("branch"))
    branch_of_county = _officers_by_county(officers)
    taken = set(Customer.objects.values_list("id_number", flat=True))
    channels = list(ContactChannel.objects.all())
    tz = ZoneInfo("Asia/Shanghai")
    rows, made = [], 0
    with transaction.atomic():
        seq = 0
        while made + len(rows) < count:
            seq += 1
            village = rng.choice(villages)
            township = village.parent
            area = township.parent if township.parent.level == RegionLevel.AREA else None
            county = area.parent if area else township.parent
            male = rng.random() < 0.7
            birth = date(1958, 1, 1) + timedelta(days=rng.randrange(0, 365 * 42))
            number = _id_number(rng, county.code[:6], birth, male, seq + rng.randrange(500))
            if number in taken:
                continue
            taken.add(number)
            officer = rng.choice(branch_of_county.get(county.pk) or officers)
            married = rng.random() < 0.85
            rows.append(
                Customer(
                    name=_name(rng, male),
                    gender="male" if male else "female",
                    id_number=number,
                    birth_date=birth,
                    mobile=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
                    county=county,
                    area=area,
                    township=township,
                    village=village,
                    group=rng.choice(groups[village.pk]) if groups.get(village.pk) else None,
                    house_number=f"{rng.randint(1, 120)}号",
                    spouse_name=_name(rng, not male) if married else "",
                    spouse_mobile=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
                    if married and rng.random() < 0.6
                    else "",
                    status=CustomerStatus.PROSPECT if rng.random() < 0.08 else CustomerStatus.ACTIVE,
                    registered_branch=officer.branch,
                    registered_by=officer,
                    created_by=officer,
                    updated_by=officer,
                )
            )
            if len(rows) >= 2000:
                made += _flush(rows, rng, channels, tz, contacts_per_customer)
        made += _flush(rows, rng, channels, tz, contacts_per_customer)
    return made


def _officers_by_county(officers: list[User]) -> dict[int, list[User]]:
    county_of_branch = {code: county for code, _n, _p, county in BRANCHES}
    counties = {r.name: r.pk for r in Region.objects.filter(level=RegionLevel.COUNTY)}
    result: dict[int, list[User]] = {}
    for officer in officers:
        county = county_of_branch.get(officer.branch.code)
        if county in counties:
            result.setdefault(counties[county], []).append(officer)
    return result


def _flush(rows: list[Customer], rng, channels, tz, per_customer: float) -> int:
    if not rows:
        return 0
    created = Customer.objects.bulk_create(rows, batch_size=1000)
    contacts = []
    for customer in created:
        while rng.random() < per_customer * 0.6:
            day = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 1060))
            contacts.append(
                Contact(
                    customer_id=customer.pk,
                    contacted_at=datetime.combine(day, time(rng.randint(8, 18), 0), tz),
                    channel=rng.choice(channels),
                    place=customer.village.name,
                    subject=rng.choice(SUBJECTS),
                    content=rng.choice(CONTENTS).format(n=rng.randint(2, 40)),
                    recorded_by=customer.registered_by,
                )
            )
    Contact.objects.bulk_create(contacts, batch_size=2000)
    count = len(rows)
    rows.clear()
    return count
