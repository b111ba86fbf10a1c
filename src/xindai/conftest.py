"""Shared fixtures. `world` is the organisation every scope test reads like the business:
an officer, a branch manager, another branch's officer, a county user and a township user
of another township (style.md)."""

import copy
import os
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from xindai.org.models import Branch, Region, RegionLevel, ScopeKind, User
from xindai.org.tests.factories import BranchFactory, RegionFactory, UserFactory, external_user, role

# The suite's today: every test, fixture and module-wide book runs on this clock (ticking from
# it), so a fixture dated in 2026 is in the past whatever the wall clock says, and a report takes
# the same path (running totals or the ledger) every day. A test moves it with time_machine.travel.
TODAY = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
_CLOCK = time_machine.travel(TODAY, tick=True)


def pytest_configure(config):
    from django.conf import settings

    # Tests create many users; the production hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every test client builds the middleware anew, and WhiteNoise's scans the ~460 static files
    # each time (0.2–0.7 s a client, ~15 % of the suite); found on request instead, as in DEBUG.
    settings.WHITENOISE_AUTOREFRESH = True
    config.addinivalue_line("markers", "real_clock: shares the database with a real process, on the wall clock")
    _CLOCK.start()


def pytest_unconfigure(config):
    _CLOCK.stop()


@pytest.fixture(autouse=True)
def _clock(request):
    """A test that starts a real process (the worker, the web server) shares rows with it, and
    that process reads the wall clock: it runs on the wall clock too."""
    if request.node.get_closest_marker("real_clock") is None:
        yield
        return
    _CLOCK.stop()
    try:
        yield
    finally:
        _CLOCK.start()


@pytest.fixture(autouse=True)
def _chinese_by_default():
    """Code outside a request speaks the product's default language, whatever a test before did."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def _clean_sms_outbox(settings):
    from django.core.cache import cache

    from xindai.messaging.backends import locmem

    settings.SMS_BACKEND = "locmem"
    locmem.outbox.clear()
    cache.clear()
    yield
    locmem.outbox.clear()


@dataclass
class World:
    hq: Branch
    branch_a: Branch
    sub_branch_a1: Branch
    branch_b: Branch
    county_a: Region
    area_a: Region
    township_a1: Region
    village_a1: Region
    group_a1: Region
    village_a1b: Region
    township_a2: Region
    village_a2: Region
    county_b: Region
    township_b1: Region
    village_b1: Region
    admin: User
    leader: User
    manager_a: User
    officer_a: User
    officer_a1: User
    officer_b: User
    county_user_a: User
    township_user_a2: User
    village_user_a1: User


def _region(name, level, parent=None, code=None):
    return RegionFactory(name=name, level=level, parent=parent, **({"code": code} if code else {}))


@pytest.fixture
def world(request, db) -> World:
    """The organisation, built once per module (inside a transaction the module's tests run in as
    savepoints) and copied for each test, as Django's setUpTestData does; a test on a live
    server or other committed transactions builds its own."""
    if "_module_world" in request.fixturenames:
        return copy.deepcopy(request.getfixturevalue("_module_world"))
    return build_world()


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock(), module_transaction():
        built = build_world()
        yield built
        transaction.set_rollback(True)


def _commits(item) -> bool:
    """Whether a test runs with real commits (a live server, transactional_db): it cannot share a
    module's open transaction."""
    names = getattr(item, "fixturenames", ())
    if {"transactional_db", "live_server", "django_db_reset_sequences"} & set(names):
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


def pytest_collection_modifyitems(items):
    # The module's world goes first, before the test's own savepoint is opened (pytest-django runs
    # the tests that commit after the others, so a module's shared transaction never meets them).
    if os.environ.get("XINDAI_WORLD_PER_TEST"):  # to compare (and to bisect a test that leaks state)
        return
    for item in items:
        if "world" in getattr(item, "fixturenames", ()) and not _commits(item):
            item.fixturenames.insert(0, "_module_world")


def build_world() -> World:
    """The test organisation (also built once per module by the permission matrix)."""
    hq = BranchFactory(code="0100", name="分行营业部")
    branch_a = BranchFactory(code="0101", name="甘州支行", parent=hq)
    sub_a1 = BranchFactory(code="010101", name="梁家墩分理处", parent=branch_a)
    branch_b = BranchFactory(code="0102", name="民乐支行", parent=hq)
    county_a = _region("甘州区", RegionLevel.COUNTY, code="620702000000")
    area_a = _region("东片区", RegionLevel.AREA, county_a, code="620702-P01")
    town_a1 = _region("梁家墩镇", RegionLevel.TOWNSHIP, area_a, code="620702100000")
    village_a1 = _region("梁家墩村", RegionLevel.VILLAGE, town_a1, code="620702100200")
    group_a1 = _region("一社", RegionLevel.GROUP, village_a1, code="620702100200-01")
    village_a1b = _region("清凉寺村", RegionLevel.VILLAGE, town_a1, code="620702100201")
    town_a2 = _region("上秦镇", RegionLevel.TOWNSHIP, county_a, code="620702101000")
    village_a2 = _region("王家庄村", RegionLevel.VILLAGE, town_a2, code="620702101200")
    county_b = _region("民乐县", RegionLevel.COUNTY, code="620722000000")
    town_b1 = _region("洪水镇", RegionLevel.TOWNSHIP, county_b, code="620722100000")
    village_b1 = _region("新丰村", RegionLevel.VILLAGE, town_b1, code="620722100200")
    return World(
        hq=hq,
        branch_a=branch_a,
        sub_branch_a1=sub_a1,
        branch_b=branch_b,
        county_a=county_a,
        area_a=area_a,
        township_a1=town_a1,
        village_a1=village_a1,
        group_a1=group_a1,
        village_a1b=village_a1b,
        township_a2=town_a2,
        village_a2=village_a2,
        county_b=county_b,
        township_b1=town_b1,
        village_b1=village_b1,
        admin=UserFactory(
            username="admin",
            real_name="管理员",
            role=role("系统管理员"),
            scope=ScopeKind.ALL,
            branch=hq,
            is_superuser=True,
        ),
        leader=UserFactory(
            username="leader", real_name="陈立新", role=role("分行领导"), scope=ScopeKind.ALL, branch=hq
        ),
        manager_a=UserFactory(
            username="manager_a", real_name="张行长", role=role("支行行长"), scope=ScopeKind.BRANCH, branch=branch_a
        ),
        officer_a=UserFactory(username="officer_a", real_name="王信贷", branch=branch_a, is_loan_officer=True),
        officer_a1=UserFactory(username="officer_a1", real_name="李信贷", branch=sub_a1, is_loan_officer=True),
        officer_b=UserFactory(username="officer_b", real_name="赵信贷", branch=branch_b, is_loan_officer=True),
        county_user_a=external_user(county_a, "畜牧部门", username="county_a", real_name="甘州区畜牧局"),
        township_user_a2=external_user(town_a2, username="township_a2", real_name="上秦镇政府"),
        village_user_a1=external_user(village_a1, username="village_a1", real_name="梁家墩村委会"),
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): ...` runs what the block leaves for after the commit (messages, tasks)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Tasks (the SMS worker) run in the test process as soon as they are enqueued."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    """Uploaded import files go to a per-test folder."""
    settings.XINDAI_IMPORT_DIR = str(tmp_path / "imports")


@pytest.fixture
def login(client):
    """login(user) signs the test client in as `user` and returns the client."""

    def _login(user):
        client.force_login(user, backend="xindai.org.auth_backends.RolePermissionBackend")
        return client

    return _login


# Browser tests ------------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    import os

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + sync Playwright in one process
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    refused = []  # every browser test also proves the pages it opens break no CSP rule
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert refused == [], "the Content-Security-Policy refused something"


def module_transaction():
    """A transaction of a module-wide fixture (or a savepoint of one request), marked as Django's
    TestCase marks its own: the services' durable transactions run inside it as in a test."""
    from django.db import transaction

    block = transaction.atomic()
    block._from_testcase = True
    return block
