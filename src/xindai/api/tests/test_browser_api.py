"""In a real Chromium a loan officer makes an API token from the top bar, sees it once, and reads
the API documentation (Swagger UI) served by the app under the site's CSP."""

import pytest

from xindai.api.models import ApiToken
from xindai.api.tokens import token_hash
from xindai.tests.test_browser_customers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_make_a_token_and_read_the_documentation(page, live_server, world, tmp_path):
    sign_in(page, live_server, "officer_a")
    page.click("[data-testid=api-tokens]")
    page.fill("#id_name", "核心系统对接")
    page.fill("#id_allowed_ips", "10.1.0.0/16")
    page.click("button:has-text('创建令牌')")
    shown = page.inner_text("[data-testid=new-token] code").strip()
    token = ApiToken.objects.get(name="核心系统对接")
    assert token.secret_hash == token_hash(shown) and token.allowed_ips == ["10.1.0.0/16"]
    page.reload()
    assert page.locator("[data-testid=new-token]").count() == 0  # shown once only
    page.screenshot(path=str(tmp_path / "tokens.png"), full_page=True)

    page.click("[data-testid=api-docs]")
    page.wait_for_selector(".opblock-summary-path >> text=/api/v1/installments/")
    page.screenshot(path=str(tmp_path / "swagger.png"))
