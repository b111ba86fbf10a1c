"""The crawl of issue #14's "Done when": every demo user kind walks every page and export
reachable from their menu; every ID number, mobile, IOU and customer name it sees is checked
against the scope rules of domain.md computed here independently (plain Python over the rows,
not core/scope.py): nothing outside the scope, nothing unmasked where masking applies, and the
counts and totals the pages show equal the independent figures.

The demo organisation and book are built once for the module (rolled back at its end); the user
kinds the demo lacks (area, village, group, a sub-branch user, a bank user without
`customers.view_personal`) are added to it.
"""

import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from xindai.conftest import module_transaction

ID_RE = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9X](?![0-9])")
MOBILE_RE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
TAG_RE = re.compile(r"<[^>]+>")
KINDS = ["disbursement", "collection", "balance", "quality"]
GROUPS = ["customer", "village", "township", "county", "branch", "officer"]


@dataclass
class Book:
    """The rows of the world as plain values, for the independent computation."""

    branches: dict = field(default_factory=dict)  # id → parent id
    customers: dict = field(default_factory=dict)  # id → dict of the fields the rules read
    loans: dict = field(default_factory=dict)  # id → dict
    users: dict = field(default_factory=dict)  # kind → User
    staff_names: set = field(default_factory=set)
    sessions: dict = field(default_factory=dict)
    client: Client | None = None


def _subtree(branches: dict, root: int) -> set[int]:
    found = {root}
    changed = True
    while changed:
        changed = False
        for branch, parent in branches.items():
            if parent in found and branch not in found:
                found.add(branch)
                changed = True
    return found


REGION_FIELD = {1: "county", 2: "area", 3: "township", 4: "village", 5: "group"}


def expected(book: Book, user) -> tuple[set[int], set[int]]:
    """(customer ids, loan ids) `user` sees, by domain.md "Organisation and who sees what"."""
    customers, loans = book.customers, book.loans
    if user.is_superuser or (user.kind == "bank" and user.scope == "all"):
        return set(customers), set(loans)
    if user.kind == "external":
        level_field = REGION_FIELD[user.region.level]
        seen = {c for c, row in customers.items() if row[level_field] == user.region_id}
        return seen, {n for n, row in loans.items() if row["customer"] in seen}
    if user.scope == "branch":
        branches = _subtree(book.branches, user.branch_id)
        seen_loans = {n for n, row in loans.items() if row["branch"] in branches}
        own = {c for c, row in customers.items() if row["registered_branch"] in branches}
    else:
        seen_loans = {n for n, row in loans.items() if row["officer"] == user.pk}
        own = {c for c, row in customers.items() if row["registered_by"] == user.pk}
    return own | {loans[n]["customer"] for n in seen_loans}, seen_loans


@pytest.fixture(scope="module")
def book(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), module_transaction():
        built = _build_book()
        with connection.cursor() as cursor:
            # Statistics of this book (ANALYZE counts the transaction's own rows): the planner must
            # not plan on what an earlier test left in pg_statistic (measured: minutes a query).
            cursor.execute("ANALYZE")
        yield built
        transaction.set_rollback(True)


def _build_book() -> Book:
    from xindai.core.scope import system_scope
    from xindai.customers.demo import build_customers
    from xindai.customers.models import Customer
    from xindai.loans.demo import build_loans
    from xindai.loans.models import Loan
    from xindai.messaging import mass_sending
    from xindai.org.builtin_roles import LEADER
    from xindai.org.demo import build_org
    from xindai.org.models import Branch, Region, RegionLevel, Role, ScopeKind, User, UserKind
    from xindai.repayments.services import repayment_confirm

    everything = system_scope("tests")
    with everything:
        build_org()
        build_customers(120)
        admin = User.objects.get(username="admin")
        build_loans(Customer.objects.all(), actor=admin)
        loans = list(Loan.objects.order_by("id"))
        for loan in loans[::4]:  # some repayments in the ledger
            first = loan.installments.filter(settled_on__isnull=True).order_by("period").first()
            if first is not None and first.due_date <= timezone.localdate():
                repayment_confirm(actor=admin, installment_id=first.pk, amount=Decimal("1.00"), paid_on=first.due_date)
        customers = Customer.objects.all()
        mass_sending.mass_send(
            actor=admin, recipients=mass_sending.from_customers(customers[:30]), text="{客户姓名}您好，测试通知。"
        )
        # The user kinds the demo lacks, on the busiest nodes of 梁家墩镇 so that they see something.
        township = Region.objects.get(name="梁家墩镇")
        area = Region.objects.get(level=RegionLevel.AREA)
        village = max(Region.objects.filter(parent=township), key=lambda v: customers.filter(village=v).count())
        group = max(Region.objects.filter(parent=village), key=lambda g: customers.filter(group=g).count())
        government = Role.objects.get(name="乡镇政府")
        for username, region in (("area_gov", area), ("village_gov", village), ("group_gov", group)):
            User.objects.create(
                username=username, real_name=region.name, kind=UserKind.EXTERNAL, scope=ScopeKind.REGION,
                region=region, role=government,
            )  # fmt: skip
        sub_branch = Branch.objects.get(code="010101")
        User.objects.create(
            username="sub_manager", real_name="分理处主任", scope=ScopeKind.BRANCH, branch=sub_branch,
            role=Role.objects.get(name="支行行长"),
        )  # fmt: skip
        plain = Role.objects.create(
            name="只读（无个人信息）", permissions=sorted(set(LEADER) - {"customers.view_personal"})
        )
        User.objects.create(
            username="plain_bank", real_name="稽核员", scope=ScopeKind.ALL, branch=sub_branch, role=plain
        )
        result = Book()
        result.branches = dict(Branch.objects.values_list("pk", "parent_id"))
        result.staff_names = set(User.objects.values_list("real_name", flat=True))
        for row in Customer.objects.values(
            "pk", "name", "id_number", "mobile", "spouse_name", "spouse_mobile", "registered_branch", "registered_by",
            "county", "area", "township", "village", "group",
        ):  # fmt: skip
            result.customers[row["pk"]] = row
        for row in Loan.objects.values(
            "pk", "iou_number", "customer", "amount", "outstanding_principal", "start_date", "settled_on",
            "handling_branch_id", "officer_id",
        ):  # fmt: skip
            result.loans[row["pk"]] = {**row, "officer": row["officer_id"], "branch": row["handling_branch_id"]}
        kinds = {
            "admin": "admin",
            "leader": "leader",
            "branch manager": "manager01",
            "sub-branch user": "sub_manager",
            "officer": "officer011",
            "another branch's officer": "officer021",
            "county": "xumu_gz",
            "area": "area_gov",
            "township": "ljd_gov",
            "village": "village_gov",
            "group": "group_gov",
            "bank user without view_personal": "plain_bank",
        }
        users = User.objects.select_related("role", "region", "branch")
        result.client = client = Client()
        for kind, username in kinds.items():
            user = users.get(username=username)
            result.users[kind] = user
            client.force_login(user, backend="xindai.org.auth_backends.RolePermissionBackend")
            result.sessions[kind] = client.cookies[settings.SESSION_COOKIE_NAME].value
            client.cookies.clear()
    return result


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        book = load_workbook(io.BytesIO(content), read_only=True)
        cells = (c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row)
        return "\n".join(str(c) for c in cells if c is not None)
    return unescape(TAG_RE.sub(" ", content.decode()))


def _urls(user) -> list[str]:
    """Every page and export of the user's menu (lists at their largest page size)."""
    from xindai.core.menu import menu_for

    today = timezone.localdate()
    urls = []
    for module in menu_for(user, "/"):
        for entry in module["entries"]:
            url = entry["url"]
            urls.append(url + "?size=200")
            if url == reverse("reports:report"):
                for kind in KINDS:
                    for group in GROUPS:
                        q = f"?kind={kind}&group={group}&date_from=2020-01-01&date_to={today}&as_of={today}"
                        urls.append(url + q)
                        if user.has_perm("reports.export") and group == "customer":
                            urls.append(url + q + "&export=xlsx")
            if url == reverse("repayments:due"):
                urls += [url + "?view=due&within=400&size=200", url + "?view=overdue&size=200"]
            if url == reverse("printing:receipts"):
                urls.append(url + f"?date={today.replace(day=20)}")
    exports = {
        "customers:list": "customers.export",
        "customers:contact_list": "customers.export",
        "loans:list": "loans.export",
        "repayments:due": "loans.export",
        "repayments:ledger": "loans.export",
    }
    for name, perm in exports.items():
        if user.has_perm(perm):
            urls.append(reverse(name) + "?export=xlsx")
    return urls


@pytest.fixture
def crawler(db, book):
    def get(kind: str, url: str):
        client = book.client
        client.cookies.clear()
        client.cookies[settings.SESSION_COOKIE_NAME] = book.sessions[kind]
        return client.get(url)

    return get


USER_KINDS = [
    "admin",
    "leader",
    "branch manager",
    "sub-branch user",
    "officer",
    "another branch's officer",
    "county",
    "area",
    "township",
    "village",
    "group",
    "bank user without view_personal",
]


@pytest.mark.parametrize("kind", USER_KINDS)
def test_every_page_shows_only_the_scope_and_masks_what_it_must(book, crawler, kind):
    user = book.users[kind]
    customer_ids, loan_ids = expected(book, user)
    assert kind in ("admin", "leader", "bank user without view_personal") or 0 < len(customer_ids) < len(book.customers)
    full = user.has_perm("customers.view_personal")
    ids = {c["id_number"]: c["pk"] for c in book.customers.values()}
    mobiles = {}
    for c in book.customers.values():
        for number in (c["mobile"], c["spouse_mobile"]):
            if number:
                mobiles.setdefault(number, set()).add(c["pk"])
    ious = {row["iou_number"]: pk for pk, row in book.loans.items()}
    visible_names = {book.customers[c]["name"] for c in customer_ids}
    # A name outside the scope that is also a visible customer's, their spouse's or a staff
    # member's says nothing.
    spouses = {book.customers[c]["spouse_name"] for c in customer_ids}
    hidden_names = {row["name"] for row in book.customers.values()} - visible_names - spouses - book.staff_names
    problems = []
    pages = _urls(user)
    details = []
    for url in pages:
        response = crawler(kind, url)
        if response.status_code != 200:
            problems.append(f"{url}: {response.status_code}")
            continue
        text = _text(response)
        problems += _check(url, text, full, ids, mobiles, ious, customer_ids, loan_ids, hidden_names)
        if url.startswith((reverse("customers:list") + "?", reverse("loans:list") + "?")) and "export" not in url:
            details += [m for m in re.findall(r'href="(/(?:customers|loans)/\d+/)"', response.content.decode())][:5]
    for url in dict.fromkeys(details):
        response = crawler(kind, url)
        problems += [f"{url}: {response.status_code}"] if response.status_code != 200 else []
        problems += _check(url, _text(response), full, ids, mobiles, ious, customer_ids, loan_ids, hidden_names)
    assert problems == [], f"{kind} ({user.username})"
    assert len(pages) >= 5


def _check(url, text, full, ids, mobiles, ious, customer_ids, loan_ids, hidden_names) -> list[str]:
    why = "unmasked" if not full else "outside the scope"
    found = [
        f"{url}: ID number {number} {why}"
        for number in set(ID_RE.findall(text))
        if number in ids and (not full or ids[number] not in customer_ids)
    ]
    found += [
        f"{url}: mobile {number} {why}"
        for number in set(MOBILE_RE.findall(text))
        if number in mobiles and (not full or not mobiles[number] & customer_ids)
    ]
    found += [
        f"{url}: IOU {iou} outside the scope" for iou, loan in ious.items() if iou in text and loan not in loan_ids
    ]
    found += [f"{url}: customer {name} outside the scope" for name in hidden_names if len(name) >= 3 and name in text]
    return found


@pytest.mark.parametrize("kind", USER_KINDS)
def test_counts_and_totals_equal_the_independent_figures(book, crawler, kind):
    user = book.users[kind]
    customer_ids, loan_ids = expected(book, user)
    today = timezone.localdate()
    customers = crawler(kind, reverse("customers:list") + "?size=200").context["page"]
    assert customers.paginator.count == len(customer_ids)
    assert {c.pk for c in customers} == customer_ids
    loans = crawler(kind, reverse("loans:list") + "?size=200").context
    mine = [book.loans[n] for n in loan_ids]
    assert loans["totals"]["count"] == len(loan_ids)
    assert loans["totals"]["amount"] == sum((row["amount"] for row in mine), Decimal("0.00"))
    assert loans["totals"]["outstanding"] == sum((row["outstanding_principal"] for row in mine), Decimal("0.00"))
    balance = crawler(kind, reverse("reports:report") + f"?kind=balance&group=county&as_of={today}").context["report"]
    live = [row for row in mine if row["start_date"] <= today and row["settled_on"] is None]
    assert balance.total["loans"] == len(live)
    assert balance.total["outstanding_principal"] == sum(
        (row["outstanding_principal"] for row in live), Decimal("0.00")
    )
    start = date(2020, 1, 1)
    disbursed = crawler(
        kind, reverse("reports:report") + f"?kind=disbursement&group=customer&date_from={start}&date_to={today}"
    ).context["report"]
    lent = [row for row in mine if start <= row["start_date"] <= today]
    assert disbursed.total["amount"] == sum((row["amount"] for row in lent), Decimal("0.00"))
    assert {row["id"] for row in disbursed.rows} == {row["customer"] for row in lent}
