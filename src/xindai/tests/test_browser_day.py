"""#18 "Done when", in a real Chromium (one browser, pages reused): every menu page for three user
kinds at 1440×900 and the officer's phone pages at 390×844 — screenshots taken, no page wider
than the screen, table cells of the named lists at most 2 lines, no English word on a zh-hans
page, every amount 12,345.60 — and the officer's day on the phone: find the customer, open the
loan, confirm the oldest installment through the confirming step, register a contact, text the
customer."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xindai.customers.tests.factories import CustomerFactory, channel
from xindai.loans.tests.factories import loan_type, make_loan
from xindai.tests.test_browser_customers import sign_in
from xindai.tests.test_words import english_words

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AMOUNT = re.compile(r"^-?\d{1,3}(,\d{3})*\.\d{2}$")
OVERFLOW = "() => document.scrollingElement.scrollWidth - window.innerWidth"
# Cells taller than 2 lines of their own text, and amounts not in the 12,345.60 form.
CELLS = """(selector) => {
  const tall = [], amounts = [];
  const cells = selector.split(',').map((s) => s.trim() + ' tbody td').join(', ');
  document.querySelectorAll(cells).forEach((td) => {
    const style = getComputedStyle(td), line = parseFloat(style.lineHeight) || 1.5 * parseFloat(style.fontSize);
    const inner = td.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    if (td.innerText.trim() && inner > 2.5 * line) tall.push(td.innerText.trim().slice(0, 30));
    const text = td.innerText.trim();  // an amount: a figure with decimals that is not a rate
    if (td.classList.contains('xd-num') && /\\d\\.\\d/.test(text) && !text.endsWith('%')) amounts.push(text);
  });
  return [tall, amounts];
}"""
LISTS = "[data-testid=due-table], [data-testid=loan-table], [data-testid=customer-table], [data-testid=contact-table]"


@pytest.fixture
def book(world):
    """王秀兰 of officer_a with a monthly loan started four months ago: periods 1–3 are overdue."""
    channel("上门拜访")
    customer = CustomerFactory(
        name="王秀兰", mobile="13909361234", village=world.village_a1, registered_by=world.officer_a
    )
    start = timezone.localdate().replace(day=1) - timedelta(days=100)
    loan = make_loan(
        world.admin,
        customer,
        world.officer_a,
        iou_number="GZ-DAY-01",
        amount=Decimal("12000.00"),
        annual_rate=Decimal("4.35"),
        start_date=start,
        end_date=start.replace(year=start.year + 1),
        method="equal_principal",
        loan_type=loan_type("畜牧业贷款"),
    )
    return customer, loan


def ledger(loan):
    from xindai.repayments.models import Repayment

    return Repayment.objects.system("tests").filter(loan=loan)


def usernames() -> set[str]:
    from xindai.org.models import User

    return set(User.objects.values_list("username", flat=True))  # sign-in names are data, in Latin letters


def check_page(page, url, shots, name, allowed=frozenset()):
    allowed = set(allowed) | usernames()
    page.goto(url)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=False)
    problems = []
    if (wider := page.evaluate(OVERFLOW)) > 1:
        problems.append(f"{name}: {wider}px wider than the screen")
    if words := english_words(page.content(), set(allowed)):
        problems.append(f"{name}: English {sorted(set(words))[:8]}")
    tall, amounts = page.evaluate(CELLS, LISTS)
    problems += [f"{name}: cell over 2 lines: {t}" for t in tall[:3]]
    problems += [f"{name}: amount {a}" for a in amounts if not AMOUNT.match(a)][:3]
    return problems


def test_every_menu_page_for_three_user_kinds_at_1440(browser, live_server, world, book, tmp_path):
    from xindai.core.menu import menu_for

    problems = []
    for user in (world.admin, world.officer_a, world.township_user_a2):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
        page = context.new_page()
        sign_in(page, live_server, user.username)
        urls = [entry["url"] for module in menu_for(user, "/") for entry in module["entries"]]
        for n, url in enumerate(urls):
            problems += check_page(page, live_server.url + url, tmp_path, f"{user.username}-{n}", {user.username})
        context.close()
    assert problems == [], "\n".join(problems)


def test_the_officers_day_on_a_phone(browser, live_server, world, book, tmp_path):
    customer, loan = book
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(15000)
    page = context.new_page()
    sign_in(page, live_server, "officer_a")
    base = live_server.url
    problems = check_page(page, base + "/", tmp_path, "phone-home", {"officer_a"})
    cards = page.locator("[data-testid^=card-]")
    assert cards.first.get_attribute("data-testid") == "card-overdue"  # 逾期贷款 first, not far down

    # Find the customer and open the record.
    problems += check_page(page, base + "/customers/", tmp_path, "phone-customers", {"officer_a"})
    page.fill("#id_name", "王秀")
    page.click("[data-testid=customer-search] button[type=submit]")
    page.goto(base + page.get_attribute("[data-testid=customer-link]", "href"))
    problems += check_page(page, page.url, tmp_path, "phone-customer", {"officer_a"})

    # Open the loan: only the oldest installment has a confirm button; confirm it after the check.
    problems += check_page(page, f"{base}/loans/{loan.pk}/", tmp_path, "phone-loan", {"officer_a"})
    assert page.locator("[data-testid=plan-confirm]").count() == 1
    page.click("[data-testid=plan-confirm]")
    page.wait_for_selector("[data-testid=confirm-form]")
    problems += check_page(page, page.url, tmp_path, "phone-confirm", {"officer_a"})
    owed = page.input_value("#id_amount")
    page.click("[data-testid=review-submit]")
    review = page.wait_for_selector("[data-testid=confirm-review]")
    assert AMOUNT.match(page.inner_text("[data-testid=review-amount]").strip()), owed
    assert review.is_visible() and not ledger(loan).exists()  # nothing posted before the second click
    page.click("[data-testid=confirm-submit]")
    page.wait_for_selector("[data-testid=loan-record]")
    assert "已确认入账" in page.inner_text("main") and ledger(loan).count() == 1
    problems += check_page(page, f"{base}/repayments/?view=overdue", tmp_path, "phone-overdue", {"officer_a"})

    # Register a contact from the record: saving returns to the customer.
    page.goto(f"{base}/customers/{customer.pk}/")
    page.click("[data-testid=contact-customer]")
    page.wait_for_selector("[data-testid=contact-form]")
    problems += check_page(page, page.url, tmp_path, "phone-contact", {"officer_a"})
    page.select_option("#id_channel", label="上门拜访")
    page.fill("#id_subject", "还款提醒")
    page.fill("#id_content", "已告知第 2 期到期日")
    page.click("[data-testid=contact-form] button[type=submit]")
    page.wait_for_selector("[data-testid=customer-contacts]")
    assert "还款提醒" in page.inner_text("[data-testid=customer-contacts]")

    # Text the customer from the record: one recipient, preview, send.
    page.click("[data-testid=sms-customer]")
    page.wait_for_selector("[data-testid=compose-form]")
    problems += check_page(page, page.url, tmp_path, "phone-sms", {"officer_a"})
    assert "1" in page.inner_text("[data-testid=recipient-count]")
    page.fill("#id_text", "{客户姓名}您好，您的第 2 期贷款即将到期，请按时还款。")
    page.click("[data-testid=compose-preview]")
    page.click("[data-testid=compose-send]")
    page.wait_for_load_state()
    from xindai.messaging.models import Message

    sent = Message.objects.system("tests").filter(customer=customer).values_list("text", flat=True)
    assert any("王秀兰您好" in text for text in sent)
    context.close()
    assert problems == [], "\n".join(problems)


# The lists' own scroll boxes: the table fits the width of a 1440 px desk screen (the measured
# case: the overdue list needed sideways scrolling and 地址 wrapped one character a line).
INNER_OVERFLOW = """(selector) => {
  const table = document.querySelector(selector);
  const box = table.closest('.table-responsive') || table.parentElement;
  return box.scrollWidth - box.clientWidth;
}"""


def test_the_lists_need_no_sideways_scrolling_at_1440(browser, live_server, world, book):
    customer, loan = book
    customer.house_number = "五社一百二十三号院内东侧平房北数第二间"  # a long address
    customer.save(update_fields=["house_number"])
    officer = world.officer_a
    big = CustomerFactory(name="欧阳玉兰花", mobile="13909361235", village=world.village_a1, registered_by=officer)
    make_loan(  # the widest a real row gets: a 17-digit IOU number (demo.py's form), the largest amount
        world.admin,
        big,
        world.officer_a,
        iou_number="01012026080000123",
        amount=Decimal("300000.00"),
        annual_rate=Decimal("4.35"),
        start_date=loan.start_date,
        end_date=loan.end_date,
        method="equal_principal",
        loan_type=loan_type("畜牧业贷款"),
    )
    wider = {}
    for user in (world.admin, world.manager_a):  # the admin sees every column (and the ticks)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
        page = context.new_page()
        sign_in(page, live_server, user.username)
        for url, table in (
            ("/repayments/", "[data-testid=due-table]"),
            ("/repayments/?view=due&within=366", "[data-testid=due-table]"),
            ("/loans/", "[data-testid=loan-table]"),
            ("/customers/", "[data-testid=customer-table]"),
        ):
            page.goto(live_server.url + url)
            page.wait_for_selector(table)
            wider[user.username, url] = page.evaluate(INNER_OVERFLOW, table)
        context.close()
    assert all(px <= 1 for px in wider.values()), wider


def test_the_due_and_loan_lists_are_cards_on_a_phone(browser, live_server, world, book, tmp_path):
    """At 390 px the officer's village page shows each installment (and the loan list each loan) as
    a card (label … value lines, the buttons at its foot): nothing to scroll sideways, in the page
    or in the table's box."""
    customer, _loan = book
    customer.house_number = "五社一百二十三号院内东侧平房北数第二间"
    customer.save(update_fields=["house_number"])
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    sign_in(page, live_server, world.officer_a.username)
    for url, table, label in (
        ("/repayments/?view=overdue", "[data-testid=due-table]", "应还合计"),
        ("/repayments/?view=due&within=366", "[data-testid=due-table]", "应还合计"),
        ("/loans/", "[data-testid=loan-table]", "贷款余额"),
    ):
        page.goto(live_server.url + url)
        page.wait_for_selector(f"{table} tbody tr")
        page.screenshot(path=str(tmp_path / "phone-list.png"), full_page=True)
        assert page.evaluate(OVERFLOW) <= 1 and page.evaluate(INNER_OVERFLOW, table) <= 1, url
        assert not page.is_visible(f"{table} thead")
        row = page.locator(f"{table} tbody tr").first
        assert row.evaluate("(tr) => getComputedStyle(tr).display") == "block"
        assert "王秀兰" in row.inner_text() and row.locator(f"td[data-label={label}]").is_visible()
        box = row.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    context.close()
