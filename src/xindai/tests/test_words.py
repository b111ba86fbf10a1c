"""Words, not codes (#18): every menu page, rendered in zh-hans for a bank administrator, a loan
officer and a township user, shows no English word and no raw code — in its text, its
placeholders and its tooltips — and the catalogue is 100 % translated.

The demo book of the crawl (test_crawl) is reused: it holds loans, repayments and messages.
"""

import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from xindai.tests.test_crawl import _urls, book, crawler  # noqa: F401 (fixtures)

SCRIPT_RE = re.compile(r"<(script|style|template)\b.*?</\1>", re.S | re.I)
TAG_RE = re.compile(r"<[^>]+>")
SHOWN_ATTR_RE = re.compile(r'\b(?:placeholder|title|aria-label|data-bs-title)="([^"]*)"')
WORD_RE = re.compile(r"(?<![A-Za-z0-9_.@/-])[A-Za-z][A-Za-z]+(?:[._][A-Za-z]+)*(?![A-Za-z0-9_@/-])")
# The language switch names English in English; words a Chinese bank's staff read as they are.
ALLOWED = {"English", "Excel", "PDF", "LPR", "API", "ID", "IP", "CSV", "xlsx", "SMS", "QR", "PIN", "OK"}


def english_words(html: str, allowed: set[str] = frozenset()) -> list[str]:
    """The English words a user sees on a page: text nodes, placeholders and tooltips."""
    body = SCRIPT_RE.sub(" ", html)
    shown = [unescape(TAG_RE.sub(" ", body))] + [unescape(v) for v in SHOWN_ATTR_RE.findall(body)]
    words = []
    for text in shown:
        words += [w for w in WORD_RE.findall(text) if w not in ALLOWED and w not in allowed]
    return words


def test_the_catalogue_is_completely_translated():
    from xindai import settings as project

    po = Path(project.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.po"
    catalogue = read_po(po.open("rb"))
    missing = [m.id for m in catalogue if m.id and (m.fuzzy or not m.string)]
    assert missing == []


@pytest.mark.parametrize("kind", ["admin", "officer", "township"])
def test_no_english_word_on_any_menu_page(book, crawler, kind):  # noqa: F811
    from xindai.org.models import User

    usernames = set(User.objects.values_list("username", flat=True))  # sign-in names are data, in Latin letters
    problems = {}
    urls = [url for url in _urls(book.users[kind]) if "export=" not in url]
    for listing in ("/loans/?size=200", "/customers/?size=200"):  # and a few loans' and customers' pages
        html = crawler(kind, listing).content.decode()
        urls += list(dict.fromkeys(re.findall(r'href="(/(?:customers|loans)/\d+/)"', html)))[:3]
    for url in urls:
        response = crawler(kind, url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        words = english_words(response.content.decode(), usernames)
        if words:
            problems[url.split("?")[0]] = sorted(set(words))[:15]
    assert problems == {}, "\n".join(f"{url}: {' '.join(words)}" for url, words in problems.items())
