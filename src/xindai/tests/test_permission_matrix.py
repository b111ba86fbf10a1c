"""The one permission matrix: user kind × URL pattern × method × expected status.

Built against the URL resolver: every pattern has a GET and a POST row, and a pattern without
one fails `test_every_url_pattern_has_its_rows`. Statuses: 302 signed out (or a redirect after
success), 404 outside the user's data scope, 403 inside it without the permission, 405 a method
the page does not take, 200 otherwise. A POST that is refused (302 signed out, 403, 404, 405)
changes nothing in the database — checked by a fingerprint of every table of the project.
A POST that is allowed carries a valid form, so a missing check would show as a change.

The world is built once for the module (inside a transaction rolled back at its end); each
request runs in a savepoint of its own.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from xindai.conftest import module_transaction
from xindai.core.system_settings import get_system_settings

USERS = ["anonymous", "admin", "leader", "manager_a", "officer_a", "county_user_a", "township_user_a2"]
A, ADM, LEAD, MAN, OFF, CTY, TWN = range(7)


@dataclass
class Row:
    name: str
    method: str
    statuses: tuple[int, ...]
    url: Any = None  # a function of the objects giving the path; default: reverse(name)
    data: Any = None  # a function of the objects giving the POST body
    note: str = ""

    def path(self, o) -> str:
        return self.url(o) if self.url else reverse(self.name)


def s(*statuses):
    assert len(statuses) == len(USERS), statuses
    return statuses


# Common status lines, users in the order of USERS.
ALL_200 = s(302, 200, 200, 200, 200, 200, 200)
ADMIN_ONLY = s(302, 200, 403, 403, 403, 403, 403)
ADMIN_ONLY_POST = s(302, 302, 403, 403, 403, 403, 403)  # allowed: saved, then redirected
GET_ONLY = s(302, 405, 405, 405, 405, 405, 405)
POST_ONLY = s(302, 405, 405, 405, 405, 405, 405)  # GET of a POST-only action (the method is checked first)
ADMIN_POST_ONLY = s(302, 405, 403, 403, 403, 403, 403)  # GET of an administrator's POST-only action
BANK_VIEW = s(302, 200, 200, 200, 200, 403, 403)
PROVIDER_PUSH = s(405, 405, 405, 405, 405, 405, 405)  # GET of a provider's push address
PUSH_BAD_SECRET = s(404, 404, 404, 404, 404, 404, 404)


@dataclass
class Objects:
    """What the rows act on: "mine" is officer_a's (branch A, 梁家墩村), "other" is branch B's."""

    world: Any
    o: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)  # user kind → session key
    client: Any = None

    def __getitem__(self, key):
        return self.o[key]


def _build(world) -> Objects:

    from xindai.api.services import token_create
    from xindai.core.system_settings import get_system_settings
    from xindai.credit.models import ApprovalRequest
    from xindai.customers.tests.factories import CustomerFactory, channel
    from xindai.jobs.models import Job, JobState
    from xindai.jobs.services import Progress, scope_key
    from xindai.loans.services import guarantee_group_create
    from xindai.loans.tests.factories import loan_type, make_loan
    from xindai.messaging.models import Direction, IntentRule, MassSending, Message, MessageStatus, Purpose, SmsTemplate
    from xindai.org.models import Branch, Region, RegionLevel, Role
    from xindai.org.tests.factories import BranchFactory, RegionFactory
    from xindai.repayments.services import repayment_confirm

    # The settings row exists (a page would create it on first use): not a row cached by a test
    # before a transactional test flushed the table, which a request would create once it expires.
    cache.clear()
    get_system_settings()
    kind = loan_type()
    channel()
    mine = CustomerFactory(village=world.village_a1, registered_by=world.officer_a, mobile="13900000011")
    other = CustomerFactory(village=world.village_b1, registered_by=world.officer_b, mobile="13900000022")
    spare = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)  # no loan: deletable
    other_spare = CustomerFactory(village=world.village_b1, registered_by=world.officer_b)
    my_loan = make_loan(world.admin, mine, world.officer_a, iou_number="M-1")
    my_loan2 = make_loan(world.admin, mine, world.officer_a, iou_number="M-2")  # no repayment: deletable
    other_loan = make_loan(world.admin, other, world.officer_b, iou_number="O-1")
    first = my_loan.installments.get(period=1)
    other_first = other_loan.installments.get(period=1)
    my_repayment = repayment_confirm(
        actor=world.admin, installment_id=first.pk, amount=Decimal("10.00"), paid_on=first.due_date
    )
    other_repayment = repayment_confirm(
        actor=world.admin, installment_id=other_first.pk, amount=Decimal("10.00"), paid_on=other_first.due_date
    )
    guarantee_group_create(actor=world.admin, name="梁家墩联保组", member_ids=[mine.pk])
    postloan = _postloan_objects(world, my_loan, other_loan)
    failed = {
        key: Message.objects.create(
            recipient=c.mobile, customer=c, text="提醒", status=MessageStatus.FAILED, purpose=Purpose.MANUAL
        )
        for key, c in (("my_failed", mine), ("other_failed", other))
    }
    inbound = {
        key: Message.objects.create(
            direction=Direction.INBOUND,
            purpose=Purpose.INBOUND,
            recipient=c.mobile,
            customer=c,
            text="你好",
            backend="http",
            provider_id=key,
        )
        for key, c in (("my_inbound", mine), ("other_inbound", other))
    }
    for message, customer in ((inbound["my_inbound"], mine), (inbound["other_inbound"], other)):
        message.matched_customers.add(customer)
    from xindai.customers.models import Contact, ContactChannel

    channel = ContactChannel.objects.order_by("pk").first()
    contacts = {
        key: Contact.objects.visible_to(world.admin).create(
            customer=c, contacted_at=timezone.now(), channel=channel, subject="回访", recorded_by=world.officer_a
        )
        for key, c in (("my_contact", mine), ("other_contact", other))
    }
    sending = MassSending.objects.create(text="通知", created_by=world.officer_a, messages_count=0)
    template = SmsTemplate.objects.create(name="测试模板", kind=SmsTemplate.Kind.MANUAL, text="{客户姓名}您好")
    rule = IntentRule.objects.create(intent="balance", keywords="余额查询测试")
    spare_branch = BranchFactory(code="0199", name="待撤并网点", parent=world.hq)
    spare_region = RegionFactory(
        name="待撤村", level=RegionLevel.VILLAGE, parent=world.township_a1, code="620702100299"
    )
    spare_role = Role.objects.create(name="临时角色", permissions=["customers.view"])
    job = Job.objects.create(
        kind="imports.check",
        owner=world.manager_a,
        scope_key=scope_key(world.manager_a),
        state=JobState.DONE,
        result={"ok": False, "kind": "loans", "token": "t", "errors_count": 1, "errors": []},
    )
    Progress(job).result_file("errors.xlsx").write_bytes(b"PK")
    job.save()
    assert Branch.objects.filter(pk=spare_branch.pk).exists() and Region.objects.filter(pk=spare_region.pk).exists()
    requests = {
        key: ApprovalRequest.objects.create(
            action="classification",
            loan=loan,
            branch=loan.handling_branch,
            target=str(loan.pk),
            summary=f"五级分类认定 · {loan.iou_number}",
            params={"category": "loss", "reason": "失联"},
            effect=[["classification", "", "损失"]],
            maker=maker,
            expires_at=timezone.now() + timezone.timedelta(days=3),
        )
        for key, loan, maker in (
            ("my_request", my_loan, world.officer_a),
            ("other_request", other_loan, world.officer_b),
        )
    }
    return Objects(
        world,
        {
            "type": kind,
            "mine": mine,
            "other": other,
            "spare": spare,
            "other_spare": other_spare,
            "my_loan": my_loan,
            "my_loan2": my_loan2,
            "other_loan": other_loan,
            "my_first": first,
            "other_first": other_first,
            "my_repayment": my_repayment,
            **contacts,
            "other_repayment": other_repayment,
            "sending": sending,
            "template": template,
            "rule": rule,
            "spare_branch": spare_branch,
            "spare_region": spare_region,
            "spare_role": spare_role,
            "job": job,
            "my_token": token_create(actor=world.officer_a, user=world.officer_a, name="对接", days=30, allowed_ips=[])[
                0
            ],
            **failed,
            **inbound,
            **postloan,
            **requests,
        },
    )


def _postloan_objects(world, my_loan, other_loan) -> dict:
    """Collateral (coverage 0.80: a warning), an inspection with a photo, on each loan."""
    from xindai.collateral.tests.helpers import cattle
    from xindai.postloan.services import Photo
    from xindai.postloan.tests.helpers import inspect

    objects = {}
    for key, loan, officer in (("my", my_loan, world.officer_a), ("other", other_loan, world.officer_b)):
        objects[f"{key}_collateral"] = cattle(loan, officer, heads=10, per_head="8000.00")
        photo = Photo(name="a.jpg", content=b"\xff\xd8\xff\xe0 photo")
        inspection = inspect(loan, officer, loan.start_date, found=10, photos=[photo])
        objects[f"{key}_inspection"] = inspection
        objects[f"{key}_photo"] = inspection.photos.get()
    return objects


def u(name, *args):
    return lambda o: reverse(name, args=[a(o) if callable(a) else a for a in args])


def pk(key):
    return lambda o: o[key].pk


def w(attr):
    return lambda o: getattr(o.world, attr).pk


TODAY = timezone.localdate()


def confirm_data(o):
    return {"amount": "1.00", "paid_on": TODAY.isoformat(), "channel": "counter", "remark": "", "action": "confirm"}


MATRIX: list[Row] = [
    # Signing in, out, the language and the own password (open to everyone or to every signed-in user).
    Row("home", "GET", ALL_200),
    Row("home", "POST", ALL_200),
    Row("login", "GET", s(200, 302, 302, 302, 302, 302, 302)),
    Row("login", "POST", s(200, 302, 302, 302, 302, 302, 302), data=lambda o: {"username": "x", "password": "y"}),
    Row("login_sms", "GET", s(200, 302, 302, 302, 302, 302, 302)),
    Row("login_sms", "POST", s(200, 302, 302, 302, 302, 302, 302), data=lambda o: {"phone": "1", "code": "1"}),
    Row("login_sms_send", "GET", s(405, 405, 405, 405, 405, 405, 405)),
    Row("login_sms_send", "POST", s(200, 200, 200, 200, 200, 200, 200), data=lambda o: {"phone": "abc"}),
    Row("login_second", "GET", s(302, 302, 302, 302, 302, 302, 302)),
    Row("login_second", "POST", s(302, 302, 302, 302, 302, 302, 302)),
    Row("logout", "GET", s(302, 405, 405, 405, 405, 405, 405)),
    Row("logout", "POST", s(302, 302, 302, 302, 302, 302, 302)),
    Row("set_language", "GET", s(302, 302, 302, 302, 302, 302, 302)),
    Row("set_language", "POST", s(302, 302, 302, 302, 302, 302, 302), data=lambda o: {"language": "zh-hans"}),
    Row("password_change", "GET", ALL_200),
    Row("password_change", "POST", ALL_200, data=lambda o: {"old_password": "wrong"}),
    Row("column_choice", "GET", POST_ONLY),
    Row("column_choice", "POST", ALL_200, data=lambda o: {"table": "due", "hidden": ["复利"]}),
    # System: settings and the audit log.
    Row("core:settings", "GET", ADMIN_ONLY),
    Row("core:settings", "POST", ADMIN_ONLY, data=lambda o: {"bank_name": ""}),
    Row("core:audit_list", "GET", s(302, 200, 200, 403, 403, 403, 403)),
    Row("core:audit_list", "POST", s(302, 200, 200, 403, 403, 403, 403)),
    # Organisation: branches, regions, roles, users — the administrator's.
    Row("org:branch_list", "GET", ADMIN_ONLY),
    Row("org:branch_list", "POST", ADMIN_ONLY),
    Row("org:branch_create", "GET", ADMIN_ONLY),
    Row("org:branch_create", "POST", ADMIN_ONLY_POST, data=lambda o: {"code": "0188", "name": "新网点"}),
    Row("org:branch_edit", "GET", ADMIN_ONLY, url=u("org:branch_edit", pk("spare_branch"))),
    Row("org:branch_edit", "POST", ADMIN_ONLY, url=u("org:branch_edit", pk("spare_branch"))),
    Row("org:branch_delete", "GET", ADMIN_POST_ONLY, url=u("org:branch_delete", pk("spare_branch"))),
    Row("org:branch_delete", "POST", ADMIN_ONLY_POST, url=u("org:branch_delete", pk("spare_branch"))),
    Row("org:region_list", "GET", ADMIN_ONLY),
    Row("org:region_list", "POST", ADMIN_ONLY),
    Row("org:region_create", "GET", ADMIN_ONLY),
    Row("org:region_create", "POST", ADMIN_ONLY),
    Row("org:region_pick", "GET", ALL_200),
    Row("org:region_pick", "POST", ALL_200),
    Row(
        "org:region_cascade",
        "GET",
        ALL_200,
        url=lambda o: reverse("org:region_cascade") + f"?county={w('county_a')(o)}",
    ),
    Row("org:region_cascade", "POST", ALL_200),
    Row("org:region_edit", "GET", ADMIN_ONLY, url=u("org:region_edit", pk("spare_region"))),
    Row("org:region_edit", "POST", ADMIN_ONLY, url=u("org:region_edit", pk("spare_region"))),
    Row("org:region_delete", "GET", ADMIN_POST_ONLY, url=u("org:region_delete", pk("spare_region"))),
    Row("org:region_delete", "POST", ADMIN_ONLY_POST, url=u("org:region_delete", pk("spare_region"))),
    Row("org:role_list", "GET", ADMIN_ONLY),
    Row("org:role_list", "POST", ADMIN_ONLY),
    Row("org:role_create", "GET", ADMIN_ONLY),
    Row("org:role_create", "POST", ADMIN_ONLY_POST, data=lambda o: {"name": "新角色", "permissions": ["loans.view"]}),
    Row("org:role_edit", "GET", ADMIN_ONLY, url=u("org:role_edit", pk("spare_role"))),
    Row(
        "org:role_edit",
        "POST",
        ADMIN_ONLY_POST,
        url=u("org:role_edit", pk("spare_role")),
        data=lambda o: {"name": "临时角色", "permissions": ["customers.view", "loans.view"]},
    ),
    Row("org:role_delete", "GET", ADMIN_POST_ONLY, url=u("org:role_delete", pk("spare_role"))),
    Row("org:role_delete", "POST", ADMIN_ONLY_POST, url=u("org:role_delete", pk("spare_role"))),
    Row("org:user_list", "GET", ADMIN_ONLY),
    Row("org:user_list", "POST", ADMIN_ONLY),
    Row("org:user_create", "GET", ADMIN_ONLY),
    Row("org:user_create", "POST", ADMIN_ONLY),
    Row("org:user_edit", "GET", ADMIN_ONLY, url=u("org:user_edit", w("officer_b"))),
    Row("org:user_edit", "POST", ADMIN_ONLY, url=u("org:user_edit", w("officer_b"))),
    Row("org:user_password", "GET", ADMIN_ONLY, url=u("org:user_password", w("officer_b"))),
    Row(
        "org:user_password",
        "POST",
        ADMIN_ONLY_POST,
        url=u("org:user_password", w("officer_b")),
        data=lambda o: {"password1": "Reset-pass-2026", "password2": "Reset-pass-2026"},
    ),
    Row("org:user_toggle_active", "GET", ADMIN_POST_ONLY, url=u("org:user_toggle_active", w("officer_b"))),
    Row("org:user_toggle_active", "POST", ADMIN_ONLY_POST, url=u("org:user_toggle_active", w("officer_b"))),
    # Customers: "mine" is officer_a's customer in 梁家墩村 (county A); "other" is branch B's in 民乐县.
    Row("customers:list", "GET", ALL_200),
    Row("customers:list", "POST", ALL_200),
    Row("customers:list", "GET", BANK_VIEW, url=lambda o: reverse("customers:list") + "?export=xlsx", note="export"),
    Row("customers:create", "GET", s(302, 200, 403, 200, 200, 403, 403)),
    Row("customers:create", "POST", s(302, 200, 403, 200, 200, 403, 403)),
    Row("customers:pick", "GET", ALL_200),
    Row("customers:pick", "POST", ALL_200),
    Row("customers:detail", "GET", s(302, 200, 200, 200, 200, 200, 404), url=u("customers:detail", pk("mine"))),
    Row("customers:detail", "GET", s(302, 200, 200, 404, 404, 404, 404), url=u("customers:detail", pk("other"))),
    Row("customers:detail", "POST", s(302, 200, 200, 404, 404, 404, 404), url=u("customers:detail", pk("other"))),
    Row("customers:edit", "GET", s(302, 200, 403, 200, 200, 403, 404), url=u("customers:edit", pk("mine"))),
    Row("customers:edit", "GET", s(302, 200, 403, 404, 404, 404, 404), url=u("customers:edit", pk("other"))),
    Row("customers:edit", "POST", s(302, 200, 403, 200, 200, 403, 404), url=u("customers:edit", pk("mine"))),
    Row("customers:edit", "POST", s(302, 200, 403, 404, 404, 404, 404), url=u("customers:edit", pk("other"))),
    Row("customers:delete", "GET", POST_ONLY, url=u("customers:delete", pk("spare"))),
    Row("customers:delete", "POST", s(302, 302, 403, 302, 403, 403, 404), url=u("customers:delete", pk("spare"))),
    Row("customers:delete", "POST", s(302, 302, 403, 404, 404, 404, 404), url=u("customers:delete", pk("other_spare"))),
    Row("customers:contact_list", "GET", ALL_200),
    Row("customers:contact_list", "POST", ALL_200),
    Row(
        "customers:contact_detail",
        "GET",
        s(302, 200, 200, 200, 200, 200, 404),
        url=u("customers:contact_detail", pk("my_contact")),
    ),
    Row(
        "customers:contact_detail",
        "GET",
        s(302, 200, 200, 404, 404, 404, 404),
        url=u("customers:contact_detail", pk("other_contact")),
    ),
    Row(
        "customers:contact_detail",
        "POST",
        s(302, 200, 200, 200, 200, 200, 404),
        url=u("customers:contact_detail", pk("my_contact")),
    ),
    Row("customers:contact_create", "GET", s(302, 200, 403, 200, 200, 403, 403)),
    Row(
        "customers:contact_create",
        "GET",
        s(302, 200, 403, 404, 404, 403, 403),
        url=lambda o: reverse("customers:contact_create") + f"?customer={o['other'].pk}",
    ),
    Row(
        "customers:contact_create",
        "POST",
        s(302, 302, 403, 200, 200, 403, 403),
        data=lambda o: {
            "customer": o["other"].pk,
            "contacted_at": "2026-03-01 10:00",
            "channel": 1,
            "subject": "电话",
        },
        note="another branch's customer: the form refuses it",
    ),
    Row("customers:channel_list", "GET", ADMIN_ONLY),
    Row("customers:channel_list", "POST", ADMIN_ONLY),
    # Loans.
    Row("loans:list", "GET", ALL_200),
    Row("loans:list", "POST", ALL_200),
    Row("loans:list", "GET", BANK_VIEW, url=lambda o: reverse("loans:list") + "?export=xlsx", note="export"),
    Row("loans:create", "GET", s(302, 200, 403, 200, 200, 403, 403)),
    Row("loans:create", "POST", s(302, 200, 403, 200, 200, 403, 403)),
    Row("loans:preview", "GET", s(302, 405, 403, 405, 405, 403, 403)),
    Row("loans:preview", "POST", s(302, 200, 403, 200, 200, 403, 403)),
    Row("loans:calculator", "GET", ALL_200),
    Row("loans:calculator", "POST", ALL_200),
    Row("loans:detail", "GET", s(302, 200, 200, 200, 200, 200, 404), url=u("loans:detail", pk("my_loan"))),
    Row("loans:detail", "GET", s(302, 200, 200, 404, 404, 404, 404), url=u("loans:detail", pk("other_loan"))),
    Row("loans:detail", "POST", s(302, 200, 200, 404, 404, 404, 404), url=u("loans:detail", pk("other_loan"))),
    Row("loans:edit", "GET", s(302, 200, 403, 200, 200, 403, 404), url=u("loans:edit", pk("my_loan"))),
    Row("loans:edit", "GET", s(302, 200, 403, 404, 404, 404, 404), url=u("loans:edit", pk("other_loan"))),
    Row("loans:edit", "POST", s(302, 200, 403, 404, 404, 404, 404), url=u("loans:edit", pk("other_loan"))),
    Row("loans:delete", "GET", POST_ONLY, url=u("loans:delete", pk("my_loan2"))),
    Row("loans:delete", "POST", s(302, 302, 403, 302, 403, 403, 404), url=u("loans:delete", pk("my_loan2"))),
    Row("loans:delete", "POST", s(302, 302, 403, 404, 404, 404, 404), url=u("loans:delete", pk("other_loan"))),
    # Contract terms (#17): a dated contract change of a loan; the LPR table and the bank calendar.
    Row("loans:contract", "GET", s(302, 200, 403, 200, 403, 403, 404), url=u("loans:contract", pk("my_loan"))),
    Row("loans:contract", "GET", s(302, 200, 403, 404, 404, 404, 404), url=u("loans:contract", pk("other_loan"))),
    Row("loans:contract", "POST", s(302, 200, 403, 404, 404, 404, 404), url=u("loans:contract", pk("other_loan"))),
    Row("loans:lpr", "GET", ADMIN_ONLY),
    Row("loans:lpr", "POST", ADMIN_ONLY),
    Row("loans:calendar", "GET", ADMIN_ONLY),
    Row("loans:calendar", "POST", ADMIN_ONLY),
    Row("loans:type_list", "GET", ADMIN_ONLY),
    Row("loans:type_list", "POST", ADMIN_ONLY),
    Row("loans:type_create", "GET", ADMIN_ONLY),
    Row("loans:type_create", "POST", ADMIN_ONLY),
    Row("loans:type_edit", "GET", ADMIN_ONLY, url=u("loans:type_edit", pk("type"))),
    Row("loans:type_edit", "POST", ADMIN_ONLY, url=u("loans:type_edit", pk("type"))),
    Row("loans:group_pick", "GET", ALL_200),
    Row("loans:group_pick", "POST", ALL_200),
    Row(
        "loans:customer_card",
        "GET",
        s(302, 200, 403, 200, 200, 403, 403),
        url=lambda o: reverse("loans:customer_card") + f"?customer={o['mine'].pk}",
    ),
    Row(
        "loans:customer_card",
        "GET",
        s(302, 200, 403, 404, 404, 403, 403),
        url=lambda o: reverse("loans:customer_card") + f"?customer={o['other'].pk}",
    ),
    Row("loans:customer_card", "POST", s(302, 200, 403, 200, 200, 403, 403)),
    # Repayments: the first installments and a repayment of each of the two loans above.
    Row("repayments:due", "GET", ALL_200),
    Row("repayments:due", "GET", ALL_200, url=lambda o: reverse("repayments:due") + "?view=due&within=400"),
    Row("repayments:due", "GET", BANK_VIEW, url=lambda o: reverse("repayments:due") + "?export=xlsx", note="export"),
    Row("repayments:due", "POST", ALL_200),
    Row("repayments:batch", "GET", s(302, 405, 403, 405, 405, 403, 403)),
    Row(
        "repayments:batch",
        "POST",
        s(302, 200, 403, 200, 200, 403, 403),
        data=lambda o: {"ids": [o["other_first"].pk], "paid_on": TODAY.isoformat(), "action": "confirm"},
        note="another branch's installment in the batch: refused with a message",
    ),
    Row("repayments:ledger", "GET", ALL_200),
    Row("repayments:ledger", "GET", BANK_VIEW, url=lambda o: reverse("repayments:ledger") + "?export=xlsx"),
    Row("repayments:ledger", "POST", ALL_200),
    Row("repayments:confirm", "GET", s(302, 200, 403, 200, 200, 403, 404), url=u("repayments:confirm", pk("my_first"))),
    Row(
        "repayments:confirm",
        "GET",
        s(302, 200, 403, 404, 404, 404, 404),
        url=u("repayments:confirm", pk("other_first")),
    ),
    Row(
        "repayments:confirm",
        "POST",
        s(302, 302, 403, 302, 302, 403, 404),
        url=u("repayments:confirm", pk("my_first")),
        data=confirm_data,
    ),
    Row(
        "repayments:confirm",
        "POST",
        s(302, 302, 403, 404, 404, 404, 404),
        url=u("repayments:confirm", pk("other_first")),
        data=confirm_data,
    ),
    Row(
        "repayments:reverse",
        "GET",
        s(302, 200, 403, 200, 403, 403, 404),
        url=u("repayments:reverse", pk("my_repayment")),
    ),
    Row(
        "repayments:reverse",
        "POST",
        s(302, 302, 403, 404, 404, 404, 404),
        url=u("repayments:reverse", pk("other_repayment")),
        data=lambda o: {"reason": "录错", "action": "confirm"},
    ),
    Row(
        "repayments:reverse",
        "POST",
        s(302, 302, 403, 302, 403, 403, 404),
        url=u("repayments:reverse", pk("my_repayment")),
        data=lambda o: {"reason": "录错", "action": "confirm"},
    ),
    Row("repayments:early", "GET", s(302, 200, 403, 200, 200, 403, 404), url=u("repayments:early", pk("my_loan"))),
    Row("repayments:early", "GET", s(302, 200, 403, 404, 404, 404, 404), url=u("repayments:early", pk("other_loan"))),
    Row(
        "repayments:early",
        "POST",
        s(302, 200, 403, 404, 404, 404, 404),
        url=u("repayments:early", pk("other_loan")),
        data=lambda o: {"paid_on": TODAY.isoformat(), "principal": "1000.00", "channel": "counter"},
    ),
    Row(
        "repayments:classification",
        "GET",
        s(302, 200, 403, 200, 403, 403, 404),
        url=u("repayments:classification", pk("my_loan")),
    ),
    Row(
        "repayments:classification",
        "POST",
        s(302, 302, 403, 404, 404, 404, 404),
        url=u("repayments:classification", pk("other_loan")),
        data=lambda o: {"category": "loss", "reason": "失联"},
    ),
    Row(
        "repayments:classification",
        "POST",
        s(302, 302, 403, 302, 403, 403, 404),
        url=u("repayments:classification", pk("my_loan")),
        data=lambda o: {"category": "loss", "reason": "失联"},
    ),
    # Data import: managers and the administrator (loans.import); an unknown upload is not found.
    Row("imports:upload", "GET", s(302, 200, 403, 200, 403, 403, 403)),
    Row("imports:upload", "POST", s(302, 200, 403, 200, 403, 403, 403)),
    Row("imports:template", "GET", s(302, 200, 403, 200, 403, 403, 403)),
    Row("imports:template", "POST", s(302, 200, 403, 200, 403, 403, 403)),
    Row("imports:run", "GET", s(302, 405, 403, 405, 403, 403, 403), url=u("imports:run", "loans", "0" * 32)),
    Row("imports:run", "POST", s(302, 404, 403, 404, 403, 403, 403), url=u("imports:run", "loans", "0" * 32)),
    # Printing: the notice of a loan, the receipt of its first installment, the batch of a day.
    *[
        Row(f"printing:{name}", method, statuses, url=u(f"printing:{name}", pk(key)))
        for name, mine_key, other_key in (
            ("notice", "my_loan", "other_loan"),
            ("notice_pdf", "my_loan", "other_loan"),
            ("receipt", "my_first", "other_first"),
            ("receipt_pdf", "my_first", "other_first"),
        )
        for method, key, statuses in (
            ("GET", mine_key, s(302, 200, 200, 200, 200, 403, 404)),
            ("GET", other_key, s(302, 200, 200, 404, 404, 404, 404)),
            ("POST", other_key, s(302, 200, 200, 404, 404, 404, 404)),
        )
    ],
    Row("printing:receipts", "GET", BANK_VIEW, url=lambda o: reverse("printing:receipts") + "?date=2026-03-20"),
    Row("printing:receipts", "POST", BANK_VIEW),
    Row("printing:receipts_pdf", "GET", BANK_VIEW, url=lambda o: reverse("printing:receipts_pdf") + "?date=2026-03-20"),
    Row(
        "printing:receipts_pdf", "POST", BANK_VIEW, url=lambda o: reverse("printing:receipts_pdf") + "?date=2026-03-20"
    ),
    # SMS: the log (scoped), sending, templates, the automatic switch, the providers' pushes.
    Row("messaging:log", "GET", BANK_VIEW),
    Row("messaging:log", "POST", BANK_VIEW),
    Row("messaging:compose", "GET", s(302, 200, 403, 200, 200, 403, 403)),
    Row(
        "messaging:compose",
        "GET",
        s(302, 200, 403, 200, 200, 403, 403),
        url=lambda o: reverse("messaging:compose") + "?source=users",
    ),
    Row("messaging:compose", "POST", s(302, 200, 403, 200, 200, 403, 403)),
    Row("messaging:sending", "GET", s(302, 200, 200, 404, 200, 403, 403), url=u("messaging:sending", pk("sending"))),
    Row("messaging:sending", "POST", s(302, 200, 200, 404, 200, 403, 403), url=u("messaging:sending", pk("sending"))),
    Row("messaging:resend", "GET", s(302, 405, 405, 405, 405, 405, 405), url=u("messaging:resend", pk("my_failed"))),
    Row("messaging:resend", "POST", s(302, 302, 403, 302, 302, 403, 404), url=u("messaging:resend", pk("my_failed"))),
    Row(
        "messaging:resend", "POST", s(302, 302, 403, 404, 404, 404, 404), url=u("messaging:resend", pk("other_failed"))
    ),
    Row("messaging:templates", "GET", s(302, 200, 403, 200, 403, 403, 403)),
    Row("messaging:templates", "POST", s(302, 200, 403, 200, 403, 403, 403)),
    Row("messaging:template_create", "GET", s(302, 200, 403, 200, 403, 403, 403)),
    Row("messaging:template_create", "POST", s(302, 200, 403, 200, 403, 403, 403)),
    Row(
        "messaging:template_edit",
        "GET",
        s(302, 200, 403, 200, 403, 403, 403),
        url=u("messaging:template_edit", pk("template")),
    ),
    Row(
        "messaging:template_edit",
        "POST",
        s(302, 200, 403, 200, 403, 403, 403),
        url=u("messaging:template_edit", pk("template")),
    ),
    Row("messaging:auto", "GET", ADMIN_ONLY),
    Row("messaging:auto", "POST", ADMIN_ONLY),
    Row("messaging:report", "GET", PROVIDER_PUSH, url=u("messaging:report", "locmem", "x")),
    Row("messaging:report", "POST", PUSH_BAD_SECRET, url=u("messaging:report", "locmem", "x")),
    Row("messaging:inbound", "GET", PROVIDER_PUSH, url=u("messaging:inbound", "http", "x")),
    Row("messaging:inbound", "POST", PUSH_BAD_SECRET, url=u("messaging:inbound", "http", "x")),
    Row("messaging:call_report", "GET", PROVIDER_PUSH, url=u("messaging:call_report", "locmem", "x")),
    Row("messaging:call_report", "POST", PUSH_BAD_SECRET, url=u("messaging:call_report", "locmem", "x")),
    Row("messaging:ivr", "GET", PROVIDER_PUSH, url=u("messaging:ivr", "x")),
    Row("messaging:ivr", "POST", PUSH_BAD_SECRET, url=u("messaging:ivr", "x")),
    Row("messaging:voice_compose", "GET", s(302, 200, 403, 200, 200, 403, 403)),
    Row("messaging:voice_compose", "POST", s(302, 200, 403, 200, 200, 403, 403)),
    Row("messaging:voice_templates", "GET", s(302, 200, 403, 200, 403, 403, 403)),
    Row("messaging:voice_templates", "POST", s(302, 200, 403, 200, 403, 403, 403)),
    Row("messaging:calls", "GET", BANK_VIEW),
    Row("messaging:calls", "POST", BANK_VIEW),
    Row("messaging:statistics", "GET", BANK_VIEW),
    Row("messaging:statistics", "POST", BANK_VIEW),
    Row("messaging:inbox", "GET", BANK_VIEW),
    Row("messaging:inbox", "POST", BANK_VIEW),
    Row("messaging:answer", "GET", s(302, 405, 405, 405, 405, 405, 405), url=u("messaging:answer", pk("my_inbound"))),
    Row(
        "messaging:answer",
        "POST",
        s(302, 302, 403, 302, 302, 403, 404),
        url=u("messaging:answer", pk("my_inbound")),
        data=lambda o: {"action": "handled"},
    ),
    Row(
        "messaging:answer",
        "POST",
        s(302, 302, 403, 404, 404, 404, 404),
        url=u("messaging:answer", pk("other_inbound")),
        data=lambda o: {"action": "handled"},
    ),
    Row("messaging:rules", "GET", s(302, 200, 403, 200, 403, 403, 403)),
    Row("messaging:rules", "POST", s(302, 200, 403, 200, 403, 403, 403)),
    Row("messaging:rule_create", "GET", s(302, 200, 403, 200, 403, 403, 403)),
    Row("messaging:rule_create", "POST", s(302, 200, 403, 200, 403, 403, 403)),
    Row("messaging:rule_edit", "GET", s(302, 200, 403, 200, 403, 403, 403), url=u("messaging:rule_edit", pk("rule"))),
    Row("messaging:rule_edit", "POST", s(302, 200, 403, 200, 403, 403, 403), url=u("messaging:rule_edit", pk("rule"))),
    # Background jobs: everyone's own list; a job and its result are its owner's (manager_a's) alone.
    Row("jobs:list", "GET", ALL_200),
    Row("jobs:list", "POST", ALL_200),
    Row("jobs:detail", "GET", s(302, 404, 404, 200, 404, 404, 404), url=u("jobs:detail", pk("job"))),
    Row("jobs:detail", "POST", s(302, 404, 404, 200, 404, 404, 404), url=u("jobs:detail", pk("job"))),
    Row("jobs:result", "GET", s(302, 404, 404, 200, 404, 404, 404), url=u("jobs:result", pk("job"))),
    Row("jobs:result", "POST", s(302, 404, 404, 200, 404, 404, 404), url=u("jobs:result", pk("job"))),
    # The load balancer's probe: no sign-in.
    Row("healthz", "GET", s(200, 200, 200, 200, 200, 200, 200)),
    Row("healthz", "POST", s(200, 200, 200, 200, 200, 200, 200)),
    # Reports: everyone with reports.view sees their own scope's figures; export for reports.export.
    Row("reports:report", "GET", ALL_200),
    Row("reports:report", "GET", ALL_200, url=lambda o: reverse("reports:report") + "?kind=quality&group=township"),
    Row(
        "reports:report",
        "GET",
        s(302, 200, 200, 200, 200, 200, 403),
        url=lambda o: reverse("reports:report") + "?export=xlsx",
    ),
    Row("reports:report", "POST", ALL_200),
    Row("reports:charts", "GET", ALL_200),
    Row("reports:charts", "POST", ALL_200),
    # The API's signed-in pages (the API itself: api/tests/test_api_matrix.py, with tokens).
    Row("api:tokens", "GET", ALL_200),
    Row("api:tokens", "POST", s(302, 302, 302, 302, 302, 302, 302), data=lambda o: {"name": "对接", "days": "30"}),
    Row("api:token_revoke", "GET", POST_ONLY, url=u("api:token_revoke", pk("my_token"))),
    Row("api:token_revoke", "POST", s(302, 302, 404, 404, 302, 404, 404), url=u("api:token_revoke", pk("my_token"))),
    Row("api:swagger", "GET", ALL_200),
    Row("api:swagger", "POST", GET_ONLY),
    # Post-loan (贷后管理): collateral, guarantors, inspections, warnings, their rules and reports.
    Row("collateral:list", "GET", ALL_200),
    Row("collateral:list", "POST", ALL_200),
    Row("collateral:coverage", "GET", ALL_200),
    Row("collateral:coverage", "POST", ALL_200),
    Row("collateral:guarantors", "GET", ALL_200),
    Row("collateral:guarantors", "POST", ALL_200),
    Row("collateral:haircuts", "GET", ADMIN_ONLY),
    Row("collateral:haircuts", "POST", ADMIN_ONLY),
    Row("collateral:loan", "GET", s(302, 200, 200, 200, 200, 200, 404), url=u("collateral:loan", pk("my_loan"))),
    Row("collateral:loan", "GET", s(302, 200, 200, 404, 404, 404, 404), url=u("collateral:loan", pk("other_loan"))),
    Row("collateral:loan", "POST", s(302, 200, 200, 404, 404, 404, 404), url=u("collateral:loan", pk("other_loan"))),
    Row("collateral:create", "GET", s(302, 200, 403, 200, 200, 403, 404), url=u("collateral:create", pk("my_loan"))),
    Row("collateral:create", "GET", s(302, 200, 403, 404, 404, 404, 404), url=u("collateral:create", pk("other_loan"))),
    Row(
        "collateral:create", "POST", s(302, 200, 403, 404, 404, 404, 404), url=u("collateral:create", pk("other_loan"))
    ),
    Row(
        "collateral:guarantor_create",
        "GET",
        s(302, 200, 403, 200, 200, 403, 404),
        url=u("collateral:guarantor_create", pk("my_loan")),
    ),
    Row(
        "collateral:guarantor_create",
        "POST",
        s(302, 200, 403, 404, 404, 404, 404),
        url=u("collateral:guarantor_create", pk("other_loan")),
    ),
    Row("collateral:release", "GET", POST_ONLY, url=u("collateral:release", pk("my_loan"))),
    Row(
        "collateral:release",
        "POST",
        s(302, 302, 403, 302, 302, 403, 404),
        url=u("collateral:release", pk("my_loan")),
        data=lambda o: {"released_on": TODAY.isoformat()},
        note="not settled: refused with a message",
    ),
    Row(
        "collateral:release",
        "POST",
        s(302, 302, 403, 404, 404, 404, 404),
        url=u("collateral:release", pk("other_loan")),
        data=lambda o: {"released_on": TODAY.isoformat()},
    ),
    Row("collateral:ear_tags", "GET", POST_ONLY, url=u("collateral:ear_tags", pk("my_collateral"))),
    Row(
        "collateral:ear_tags",
        "POST",
        s(302, 302, 403, 302, 302, 403, 404),
        url=u("collateral:ear_tags", pk("my_collateral")),
    ),
    Row(
        "collateral:ear_tags",
        "POST",
        s(302, 302, 403, 404, 404, 404, 404),
        url=u("collateral:ear_tags", pk("other_collateral")),
    ),
    Row("postloan:inspections", "GET", ALL_200),
    Row("postloan:inspections", "POST", ALL_200),
    Row(
        "postloan:inspection",
        "GET",
        s(302, 200, 200, 200, 200, 200, 404),
        url=u("postloan:inspection", pk("my_inspection")),
    ),
    Row(
        "postloan:inspection",
        "GET",
        s(302, 200, 200, 404, 404, 404, 404),
        url=u("postloan:inspection", pk("other_inspection")),
    ),
    Row(
        "postloan:inspection",
        "POST",
        s(302, 200, 200, 404, 404, 404, 404),
        url=u("postloan:inspection", pk("other_inspection")),
    ),
    Row("postloan:inspect", "GET", s(302, 200, 403, 200, 200, 403, 404), url=u("postloan:inspect", pk("my_loan"))),
    Row("postloan:inspect", "GET", s(302, 200, 403, 404, 404, 404, 404), url=u("postloan:inspect", pk("other_loan"))),
    Row("postloan:inspect", "POST", s(302, 200, 403, 404, 404, 404, 404), url=u("postloan:inspect", pk("other_loan"))),
    Row("postloan:photo", "GET", s(302, 200, 200, 200, 200, 200, 404), url=u("postloan:photo", pk("my_photo"))),
    Row("postloan:photo", "GET", s(302, 200, 200, 404, 404, 404, 404), url=u("postloan:photo", pk("other_photo"))),
    Row("postloan:photo", "POST", s(302, 200, 200, 404, 404, 404, 404), url=u("postloan:photo", pk("other_photo"))),
    Row("postloan:warnings", "GET", ALL_200),
    Row("postloan:warnings", "POST", ALL_200),
    Row("postloan:acknowledge", "GET", POST_ONLY, url=u("postloan:acknowledge", pk("my_loan"))),
    Row(
        "postloan:acknowledge",
        "POST",
        s(302, 302, 403, 302, 302, 403, 404),
        url=u("postloan:acknowledge", pk("my_loan")),
        data=lambda o: {"rule": "low_coverage", "note": "已要求追加抵押"},
    ),
    Row(
        "postloan:acknowledge",
        "POST",
        s(302, 302, 403, 404, 404, 404, 404),
        url=u("postloan:acknowledge", pk("other_loan")),
        data=lambda o: {"rule": "low_coverage", "note": "已要求追加抵押"},
    ),
    Row("postloan:rules", "GET", ADMIN_ONLY),
    Row("postloan:rules", "POST", ADMIN_ONLY),
    Row("postloan:inspection_rule", "GET", ADMIN_POST_ONLY),
    Row("postloan:inspection_rule", "POST", ADMIN_ONLY_POST),
    Row("postloan:report", "GET", ALL_200),
    Row("postloan:report", "POST", ALL_200),
    # Credit operations (#20): the checker's inbox and decisions, the maker's requests, the settings,
    # extension/restructuring, write-off, waiver, transfer, the write-off register and waiver report.
    Row("credit:inbox", "GET", s(302, 200, 403, 200, 403, 403, 403)),
    Row("credit:inbox", "POST", s(302, 200, 403, 200, 403, 403, 403)),
    Row("credit:bulk", "GET", s(302, 405, 403, 405, 403, 403, 403)),
    Row("credit:bulk", "POST", s(302, 302, 403, 302, 403, 403, 403), data=lambda o: {"decision": "approve"}),
    Row("credit:mine", "GET", ALL_200),
    Row("credit:mine", "POST", ALL_200),
    Row("credit:request", "GET", s(302, 200, 403, 200, 200, 403, 404), url=u("credit:request", pk("my_request"))),
    Row("credit:request", "GET", s(302, 200, 403, 404, 404, 404, 404), url=u("credit:request", pk("other_request"))),
    Row(
        "credit:request",
        "POST",
        s(302, 302, 403, 302, 403, 403, 404),
        url=u("credit:request", pk("my_request")),
        data=lambda o: {"decision": "reject", "reason": "材料不全"},
    ),
    Row(
        "credit:request",
        "POST",
        s(302, 302, 403, 404, 404, 404, 404),
        url=u("credit:request", pk("other_request")),
        data=lambda o: {"decision": "reject", "reason": "材料不全"},
    ),
    Row("credit:policy", "GET", ADMIN_ONLY),
    Row("credit:policy", "POST", ADMIN_ONLY, data=lambda o: {"max_extensions": "0"}),
    Row("credit:change", "GET", s(302, 200, 403, 200, 200, 403, 404), url=u("credit:change", pk("my_loan"))),
    Row("credit:change", "GET", s(302, 200, 403, 404, 404, 404, 404), url=u("credit:change", pk("other_loan"))),
    Row("credit:change", "POST", s(302, 200, 403, 404, 404, 404, 404), url=u("credit:change", pk("other_loan"))),
    Row("credit:write_off", "GET", s(302, 200, 403, 200, 403, 403, 404), url=u("credit:write_off", pk("my_loan"))),
    Row("credit:write_off", "GET", s(302, 200, 403, 404, 404, 404, 404), url=u("credit:write_off", pk("other_loan"))),
    Row(
        "credit:write_off",
        "POST",
        s(302, 200, 403, 404, 404, 404, 404),
        url=u("credit:write_off", pk("other_loan")),
        data=lambda o: {"reason": "核销"},
    ),
    Row("credit:waive", "GET", s(302, 200, 403, 200, 403, 403, 404), url=u("credit:waive", pk("my_first"))),
    Row("credit:waive", "GET", s(302, 200, 403, 404, 404, 404, 404), url=u("credit:waive", pk("other_first"))),
    Row("credit:waive", "POST", s(302, 200, 403, 404, 404, 404, 404), url=u("credit:waive", pk("other_first"))),
    Row("credit:transfer", "GET", s(302, 200, 403, 200, 403, 403, 403)),
    Row("credit:transfer", "POST", s(302, 200, 403, 200, 403, 403, 403)),
    Row("credit:write_offs", "GET", ALL_200),
    Row("credit:write_offs", "POST", ALL_200),
    Row("credit:waivers", "GET", ALL_200),
    Row("credit:waivers", "POST", ALL_200),
]


# The world, once for the module ---------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):

    from xindai.conftest import build_world

    cache.clear()  # a settings row cached by an earlier test is not in this module's database
    with django_db_blocker.unblock(), module_transaction():
        objects = _build(build_world())
        cache.clear()  # a settings row cached by an earlier module was rolled back with it
        get_system_settings()  # the settings row every page's frame reads (made on first use otherwise)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # plan on this world, not on what an earlier test left in pg_statistic
        objects.client = client = Client()
        for kind in USERS[1:]:  # signed in once for the module: each request gets the session's cookie
            client.force_login(getattr(objects.world, kind), backend="xindai.org.auth_backends.RolePermissionBackend")
            objects.sessions[kind] = client.cookies[settings.SESSION_COOKIE_NAME].value
            client.cookies.clear()
        yield objects
        transaction.set_rollback(True)


def _tables() -> list[str]:
    prefixes = ("core_", "org_", "customers_", "loans_", "repayments_", "messaging_", "collateral_", "postloan_")
    prefixes = ("core_", "org_", "customers_", "loans_", "repayments_", "messaging_", "credit_")
    models = apps.get_models(include_auto_created=True)
    return sorted({m._meta.db_table for m in models if m._meta.db_table.startswith(prefixes)})


def _fingerprint() -> dict[str, str]:
    """A hash of every row of each of the project's tables (the audit log included), one query."""
    parts = " UNION ALL ".join(
        f"SELECT '{t}', md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM {t} x"  # noqa: S608
        for t in _tables()
    )
    with connection.cursor() as cursor:
        cursor.execute(parts)
        return dict(cursor.fetchall())


REFUSED = {403, 404, 405}
# Pages open without signing in: their POST may write (a sign-in attempt, a provider's push).
OPEN = {"login", "login_sms", "login_sms_send", "login_second", "logout", "set_language"}


def _request(row: Row, user_kind: str, objects: Objects, *, refused: bool) -> tuple[int, list[str]]:
    """(status, the tables a refused POST changed), inside a savepoint rolled back afterwards."""
    client = objects.client  # one handler for the module (building one scans every static file)
    client.cookies.clear()
    if user_kind in objects.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = objects.sessions[user_kind]
    check = row.method == "POST" and refused
    with module_transaction():
        path = row.path(objects)
        before = _fingerprint() if check else {}
        if row.method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, row.data(objects) if row.data else {})
        after = _fingerprint() if check else {}
        transaction.set_rollback(True)
    return response.status_code, sorted(t for t in after if after[t] != before[t])


def _row_id(row: Row) -> str:
    return f"{row.method}-{row.name}{'-' + row.note if row.note else ''}-{MATRIX.index(row)}"


@pytest.mark.parametrize("row", MATRIX, ids=_row_id)
def test_permission_matrix(db, matrix, row):
    wrong = []
    for user_kind, expected in zip(USERS, row.statuses, strict=True):
        refused = expected in REFUSED or (expected == 302 and user_kind == "anonymous" and row.name not in OPEN)
        status, changed = _request(row, user_kind, matrix, refused=refused)
        if status != expected:
            wrong.append(f"{user_kind}: {status} (expected {expected})")
        if changed:
            wrong.append(f"{user_kind}: refused with {status} but changed {changed}")
    assert wrong == [], f"{row.method} {row.path(matrix)}"


def _patterns(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


# /api/v1 has a matrix of its own (api/tests/test_api_matrix.py); these are its signed-in pages.
API_PAGES = {"api:tokens", "api:token_revoke", "api:swagger"}


def test_every_url_pattern_has_its_rows():
    names = list(_patterns(get_resolver().url_patterns))
    assert None not in names and len(names) == len(set(names)), "every pattern has a name of its own"
    names = [name for name in names if not name.startswith("api:") or name in API_PAGES]
    rows = {(row.name, row.method) for row in MATRIX}
    missing = [f"{method} {name}" for name in names for method in ("GET", "POST") if (name, method) not in rows]
    assert missing == []
    unknown = sorted({row.name for row in MATRIX} - set(names))
    assert unknown == []
