"""The one permission matrix: user kind × URL × expected status.

302 signed out, 404 outside the user's data scope, 403 inside it without the permission, 200
otherwise. Every new page adds its rows here.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

USERS = ["anonymous", "admin", "leader", "manager_a", "officer_a", "county_user_a", "township_user_a2"]


def row(url, *statuses):
    """A URL (or a function of the world giving one) and the status for each of USERS in order."""
    assert len(statuses) == len(USERS)
    return url, dict(zip(USERS, statuses, strict=True))


ADMIN_ONLY = (302, 200, 403, 403, 403, 403, 403)
MATRIX = [
    row("home", 302, 200, 200, 200, 200, 200, 200),
    row("org:user_list", *ADMIN_ONLY),
    row("org:user_create", *ADMIN_ONLY),
    row(lambda w, o: reverse("org:user_edit", args=[w.officer_b.pk]), *ADMIN_ONLY),
    row(lambda w, o: reverse("org:user_password", args=[w.officer_b.pk]), *ADMIN_ONLY),
    row("org:role_list", *ADMIN_ONLY),
    row("org:role_create", *ADMIN_ONLY),
    row("org:branch_list", *ADMIN_ONLY),
    row("org:branch_create", *ADMIN_ONLY),
    row(lambda w, o: reverse("org:branch_edit", args=[w.branch_a.pk]), *ADMIN_ONLY),
    row("org:region_list", *ADMIN_ONLY),
    row(lambda w, o: reverse("org:region_list") + f"?parent={w.county_a.pk}", *ADMIN_ONLY),
    row(lambda w, o: reverse("org:region_edit", args=[w.village_a1.pk]), *ADMIN_ONLY),
    row("core:settings", *ADMIN_ONLY),
    row("core:audit_list", 302, 200, 200, 403, 403, 403, 403),
    # Customers: "mine" is officer_a's customer in 梁家墩村 (county A); "other" is branch B's in 民乐县.
    row("customers:list", 302, 200, 200, 200, 200, 200, 200),
    row("customers:create", 302, 200, 403, 200, 200, 403, 403),
    row(lambda w, o: reverse("customers:detail", args=[o["mine"].pk]), 302, 200, 200, 200, 200, 200, 404),
    row(lambda w, o: reverse("customers:detail", args=[o["other"].pk]), 302, 200, 200, 404, 404, 404, 404),
    row(lambda w, o: reverse("customers:edit", args=[o["mine"].pk]), 302, 200, 403, 200, 200, 403, 404),
    row(lambda w, o: reverse("customers:edit", args=[o["other"].pk]), 302, 200, 403, 404, 404, 404, 404),
    row("customers:pick", 302, 200, 200, 200, 200, 200, 200),
    row("customers:contact_list", 302, 200, 200, 200, 200, 200, 200),
    row("customers:contact_create", 302, 200, 403, 200, 200, 403, 403),
    row(
        lambda w, o: reverse("customers:contact_create") + f"?customer={o['other'].pk}",
        302,
        200,
        403,
        404,
        404,
        403,
        403,
    ),
    row("customers:channel_list", *ADMIN_ONLY),
    # Loans: "mine" is officer_a's loan to the customer above; "other" is branch B's.
    row("loans:list", 302, 200, 200, 200, 200, 200, 200),
    row("loans:create", 302, 200, 403, 200, 200, 403, 403),
    row("loans:calculator", 302, 200, 200, 200, 200, 200, 200),
    row(lambda w, o: reverse("loans:detail", args=[o["my_loan"].pk]), 302, 200, 200, 200, 200, 200, 404),
    row(lambda w, o: reverse("loans:detail", args=[o["other_loan"].pk]), 302, 200, 200, 404, 404, 404, 404),
    row(lambda w, o: reverse("loans:edit", args=[o["my_loan"].pk]), 302, 200, 403, 200, 200, 403, 404),
    row(lambda w, o: reverse("loans:edit", args=[o["other_loan"].pk]), 302, 200, 403, 404, 404, 404, 404),
    # Contract terms (#17): a dated contract change of a loan; the LPR table and the bank calendar.
    row(lambda w, o: reverse("loans:contract", args=[o["my_loan"].pk]), 302, 200, 403, 200, 403, 403, 404),
    row(lambda w, o: reverse("loans:contract", args=[o["other_loan"].pk]), 302, 200, 403, 404, 404, 404, 404),
    row("loans:lpr", *ADMIN_ONLY),
    row("loans:calendar", *ADMIN_ONLY),
    row("loans:type_list", *ADMIN_ONLY),
    row("loans:type_create", *ADMIN_ONLY),
    row("loans:group_pick", 302, 200, 200, 200, 200, 200, 200),
    row(lambda w, o: reverse("loans:customer_card") + f"?customer={o['mine'].pk}", 302, 200, 403, 200, 200, 403, 403),
    row(lambda w, o: reverse("loans:customer_card") + f"?customer={o['other'].pk}", 302, 200, 403, 404, 404, 403, 403),
    row(lambda w, o: reverse("org:region_cascade") + f"?county={w.county_a.pk}", 302, 200, 200, 200, 200, 200, 200),
    # Repayments: installments and a repayment of the two loans above.
    row("repayments:due", 302, 200, 200, 200, 200, 200, 200),
    row(lambda w, o: reverse("repayments:due") + "?view=due&within=400", 302, 200, 200, 200, 200, 200, 200),
    row("repayments:batch", 302, 405, 403, 405, 405, 403, 403),
    row(lambda w, o: _confirm(o["my_loan"]), 302, 200, 403, 200, 200, 403, 404),
    row(lambda w, o: _confirm(o["other_loan"]), 302, 200, 403, 404, 404, 404, 404),
    row(lambda w, o: reverse("repayments:reverse", args=[o["my_repayment"].pk]), 302, 200, 403, 200, 403, 403, 404),
    row(lambda w, o: reverse("repayments:early", args=[o["my_loan"].pk]), 302, 200, 403, 200, 200, 403, 404),
    row(lambda w, o: reverse("repayments:early", args=[o["other_loan"].pk]), 302, 200, 403, 404, 404, 404, 404),
    row(lambda w, o: reverse("repayments:classification", args=[o["my_loan"].pk]), 302, 200, 403, 200, 403, 403, 404),
    row(
        lambda w, o: reverse("repayments:classification", args=[o["other_loan"].pk]), 302, 200, 403, 404, 404, 404, 404
    ),
    row("repayments:ledger", 302, 200, 200, 200, 200, 200, 200),
    row(lambda w, o: reverse("repayments:ledger") + "?export=xlsx", 302, 200, 200, 200, 200, 403, 403),
    row(lambda w, o: reverse("loans:list") + "?export=xlsx", 302, 200, 200, 200, 200, 403, 403),
    row(lambda w, o: reverse("repayments:due") + "?export=xlsx", 302, 200, 200, 200, 200, 403, 403),
    row(lambda w, o: reverse("customers:list") + "?export=xlsx", 302, 200, 200, 200, 200, 403, 403),
    row(lambda w, o: reverse("customers:contact_list") + "?export=xlsx", 302, 200, 200, 200, 200, 403, 403),
    # Printing: the notice of a loan, the receipt of its first installment (interest due 2026-03-20), the batch.
    *[
        row(lambda w, o, name=name, key=key: reverse(f"printing:{name}", args=[_pk(o, key, name)]), *statuses)
        for name in ("notice", "notice_pdf", "receipt", "receipt_pdf")
        for key, statuses in (
            ("my_loan", (302, 200, 200, 200, 200, 403, 404)),
            ("other_loan", (302, 200, 200, 404, 404, 404, 404)),
        )
    ],
    row(lambda w, o: reverse("printing:receipts") + "?date=2026-03-20", 302, 200, 200, 200, 200, 403, 403),
    row(lambda w, o: reverse("printing:receipts_pdf") + "?date=2026-03-20", 302, 200, 200, 200, 200, 403, 403),
    # SMS: the log (scoped), sending, templates, the automatic switch, the providers' report pushes.
    row("messaging:log", 302, 200, 200, 200, 200, 403, 403),
    row("messaging:compose", 302, 200, 403, 200, 200, 403, 403),
    row(lambda w, o: reverse("messaging:compose") + "?source=users", 302, 200, 403, 200, 200, 403, 403),
    row("messaging:templates", 302, 200, 403, 200, 403, 403, 403),
    row("messaging:template_create", 302, 200, 403, 200, 403, 403, 403),
    row("messaging:auto", *ADMIN_ONLY),
    row(lambda w, o: reverse("messaging:report", args=["locmem", "x"]), 405, 405, 405, 405, 405, 405, 405),
    row(lambda w, o: reverse("messaging:inbound", args=["http", "x"]), 405, 405, 405, 405, 405, 405, 405),
    row(lambda w, o: reverse("messaging:call_report", args=["locmem", "x"]), 405, 405, 405, 405, 405, 405, 405),
    row(lambda w, o: reverse("messaging:ivr", args=["x"]), 405, 405, 405, 405, 405, 405, 405),
    row("messaging:inbox", 302, 200, 200, 200, 200, 403, 403),
    row("messaging:statistics", 302, 200, 200, 200, 200, 403, 403),
    row("messaging:rules", 302, 200, 403, 200, 403, 403, 403),
    row("messaging:rule_create", 302, 200, 403, 200, 403, 403, 403),
    # Reports: everyone with reports.view sees their own scope's figures; export for reports.export.
    row("reports:report", 302, 200, 200, 200, 200, 200, 200),
    row(lambda w, o: reverse("reports:report") + "?kind=quality&group=township", 302, 200, 200, 200, 200, 200, 200),
    row(lambda w, o: reverse("reports:report") + "?export=xlsx", 302, 200, 200, 200, 200, 200, 403),
    row("reports:charts", 302, 200, 200, 200, 200, 200, 200),
    # Data import: managers and the administrator (loans.import).
    row("imports:upload", 302, 200, 403, 200, 403, 403, 403),
    row("imports:template", 302, 200, 403, 200, 403, 403, 403),
    row(
        lambda w, o: reverse("imports:run", args=["loans", "00000000-0000-0000-0000-000000000000"]),
        302,
        405,
        403,
        405,
        403,
        403,
        403,
    ),
    # Background jobs: everyone's own list; a job and its result are its owner's (manager_a's) alone.
    row("jobs:list", 302, 200, 200, 200, 200, 200, 200),
    row(lambda w, o: reverse("jobs:detail", args=[o["job"].pk]), 302, 404, 404, 200, 404, 404, 404),
    row(lambda w, o: reverse("jobs:result", args=[o["job"].pk]), 302, 404, 404, 200, 404, 404, 404),
    # The load balancer's probe: no sign-in.
    row("healthz", 200, 200, 200, 200, 200, 200, 200),
]


def _pk(objects, key, name):
    loan = objects[key]
    return loan.pk if name.startswith("notice") else loan.installments.get(period=1).pk


def _confirm(loan):
    return reverse("repayments:confirm", args=[loan.installments.get(period=1).pk])


EXTRA_ROWS: list = []  # later modules append through their own test files when they need to


def _cases():
    for url, statuses in MATRIX + EXTRA_ROWS:
        for user_kind, status in statuses.items():
            yield pytest.param(url, user_kind, status, id=f"{getattr(url, '__name__', url)}-{user_kind}")


@pytest.fixture
def objects(world):
    from xindai.customers.tests.factories import CustomerFactory
    from xindai.loans.tests.factories import make_loan
    from xindai.repayments.services import repayment_confirm

    mine = CustomerFactory(village=world.village_a1, registered_by=world.officer_a)
    other = CustomerFactory(village=world.village_b1, registered_by=world.officer_b)
    my_loan = make_loan(world.admin, mine, world.officer_a)
    first = my_loan.installments.get(period=1)
    from xindai.jobs.models import Job, JobState
    from xindai.jobs.services import Progress, scope_key

    job = Job.objects.create(
        kind="imports.check",
        owner=world.manager_a,
        scope_key=scope_key(world.manager_a),
        state=JobState.DONE,
        result={
            "ok": False,
            "kind": "loans",
            "token": "t",
            "errors_count": 1,
            "errors": [{"row": 2, "column": "x", "value": "", "message": "y"}],
        },
    )
    Progress(job).result_file("errors.xlsx").write_bytes(b"PK")
    job.save()
    return {
        "job": job,
        "mine": mine,
        "other": other,
        "my_loan": my_loan,
        "other_loan": make_loan(world.admin, other, world.officer_b),
        "my_repayment": repayment_confirm(
            actor=world.admin, installment_id=first.pk, amount=Decimal("10.00"), paid_on=first.due_date
        ),
    }


@pytest.mark.parametrize("url, user_kind, expected", list(_cases()))
def test_permission_matrix(client, world, objects, url, user_kind, expected):
    path = url(world, objects) if callable(url) else reverse(url)
    if user_kind != "anonymous":
        client.force_login(getattr(world, user_kind), backend="xindai.org.auth_backends.RolePermissionBackend")
    response = client.get(path)
    assert response.status_code == expected, f"{user_kind} GET {path}"
