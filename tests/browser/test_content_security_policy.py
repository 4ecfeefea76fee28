"""The admin and the Swagger UI in a real browser, under the Content-Security-Policy: nothing refused.

Headless Chromium (Debian's ``chromium``, driven by Playwright) signs in through the admin's own
form as the demo's staff and opens the pages they work in, then the Swagger UI. Any resource or
inline code the policy refuses is reported by the browser in the console and as a
``securitypolicyviolation`` event; the test collects both. It needs a browser, so it runs apart
from the default suite: ``make test-browser`` (marker ``browser``).
"""

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, sync_playwright

from applications.models import PassportApplication
from permits.models import StayPermitApplication

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "chromium"
# Records every violation the page reports, also those that leave no console message.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def admin_paths(offices) -> dict[str, list[str]]:
    """The demo's users and cases, as ``make run`` seeds them; per demo user, the pages they work in."""
    call_command("seed_demo", force=True, verbosity=0)
    application = PassportApplication.objects.filter(office__code="SMG").order_by("pk").first()
    permit_application = StayPermitApplication.objects.filter(office__code="SMG").order_by("pk").first()
    return {
        "smg.frontdesk": [
            reverse("admin:index"),
            reverse("admin:applications_passportapplication_changelist"),
            reverse("admin:applications_passportapplication_add"),
            reverse("admin:applications_passportapplication_change", args=[application.pk]),
            reverse("admin:permits_staypermitapplication_changelist"),
            reverse("admin:permits_staypermitapplication_add"),
            reverse("admin:permits_staypermitapplication_change", args=[permit_application.pk]),
        ],
        "pusat.admin": [
            reverse("admin:index"),
            reverse("admin:applications_passportapplication_changelist"),
            reverse("admin:permits_stayexception_changelist"),
            reverse("admin:offices_outage_changelist"),
            reverse("admin:offices_outage_add"),
            reverse("admin:recovery_backlogoffice_changelist"),
            reverse("admin:recovery_release_changelist"),
            reverse("admin:reports_dashboard_changelist"),
            reverse("admin:casework_notification_changelist"),
            reverse("admin:auth_user_changelist"),
        ],
    }


@dataclass
class Browser:
    """A headless page, with the policy's complaints on the current page gathered."""

    page: Page
    console: list[str] = field(default_factory=list)

    def violations_on(self, path: str) -> list[str]:
        """Open ``path`` and wait for it to settle; what the policy refused there."""
        self.console.clear()
        response = self.page.goto(path, wait_until="networkidle")
        assert response.status == 200, f"{path}: {response.status}"
        assert "content-security-policy" in response.headers
        return self.violations()

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__violations") + self.console


@pytest.fixture
def browser(live_server) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = chromium.new_page(base_url=live_server.url)
        page.add_init_script(WATCH_VIOLATIONS)
        watched = Browser(page)
        page.on("console", lambda message: _policy_message(watched, message.text))
        try:
            yield watched
        finally:
            chromium.close()


def _policy_message(browser: Browser, text: str) -> None:
    if "Content Security Policy" in text:
        browser.console.append(text)


def _sign_in(browser: Browser, username: str) -> None:
    page = browser.page
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", settings.DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_the_admin_pages_staff_work_in_break_no_policy(admin_paths, browser):
    assert browser.violations_on("/admin/login/") == []
    found = {}
    for username, paths in admin_paths.items():
        _sign_in(browser, username)
        found |= {f"{username} {path}": browser.violations_on(path) for path in paths}
    assert {page: violations for page, violations in found.items() if violations} == {}


def test_the_swagger_ui_loads_the_schema_under_the_policy(browser):
    assert browser.violations_on("/api/docs/") == []
    # The operations are drawn only if the start-up script ran and fetched the schema.
    browser.page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    assert browser.page.locator(".opblock-summary-path", has_text="/api/v1/passport-applications/").count() >= 1
    assert browser.violations() == []
