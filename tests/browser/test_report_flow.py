"""In a real browser (Debian's Chromium, headless): a PI reports, staff return and accept.

The demo is loaded, Crossref is replayed from tests/data/crossref (a pasted DOI becomes a
draft the PI confirms), and jobs run on a real Celery worker over the real Redis.
"""

import datetime
import io
import os

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, sync_playwright

from evaluations.indicators import compute
from programs.models import Program
from projects.models import AnnualReport, ReportStatus
from tests.browser import follow
from tests.celery_worker import real_worker
from tests.conftest import totp_code

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test
# itself are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DOI = "10.1038/s41467-025-61234-5"
AS_OF = datetime.date(2026, 3, 31)


@pytest.fixture(scope="module")
def browser():
    assert os.path.exists(CHROMIUM), f"Install Debian's chromium ({CHROMIUM}): make system"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db, crossref_replay):
    call_command("load_demo", stdout=io.StringIO())


def sign_in(browser, live_server, email: str) -> Page:
    page = browser.new_page()
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Refused" in message.text else None,
    )
    page.refused = refused  # Content Security Policy violations, if any
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", "demo")
    follow(page, "main form button[type=submit]")
    device = TOTPDevice.objects.filter(user__email=email, confirmed=True).first()
    if device is not None:  # staff: the second step, a code from the app load_demo enrolled
        page.fill("#id_code", totp_code(device))
        follow(page, "main form button[type=submit]")
    return page


def complete_on_the_page(page: Page) -> None:
    """What a report needs before it is submitted: lab statistics and the buy-out answer."""
    if page.locator("#id_lab_statistics-events_held").count():
        page.click("#lab_statistics summary")
        page.fill("#id_lab_statistics-events_held", "2")
        page.fill("#id_lab_statistics-researchers_invited", "1")
        page.fill("#id_lab_statistics-researchers_dispatched", "1")
        follow(page, "#lab_statistics details form button[type=submit]")
    page.select_option("#id_details-buyout_used", "true")
    follow(page, "#details form button[type=submit]")


def intl_papers() -> int:
    program = Program.objects.get(code="ASPIRE")
    return compute(program, AS_OF)["indicators"]["g2.intl_coauthored_papers"]["value"]


@pytest.mark.django_db(transaction=True)
def test_it_takes_a_report_from_the_pi_to_acceptance(browser, live_server, demo):
    before = intl_papers()
    report = AnnualReport.objects.get(project__code="ASPIRE-2023-1-001", fiscal_year=2025)
    report_url = f"{live_server.url}/reports/{report.pk}/"

    with real_worker(concurrency=1):
        pi = sign_in(browser, live_server, "pi@aspire.example")
        assert pi.url.endswith("/my/")
        follow(pi, f'a[href="/reports/{report.pk}/"]')

        # Paste a DOI: Crossref's record becomes a draft, ticked; confirming makes the row.
        pi.fill("#id_doi_list", f"https://doi.org/{DOI}")
        follow(pi, "#id_doi_list >> xpath=ancestor::form//button[@type='submit']")
        assert "Tissue-resident memory T cells" in pi.inner_text("#drafts")
        pi.check("#drafts input[name=draft]")
        follow(pi, "#drafts button[value=confirm]")
        assert "Tissue-resident memory T cells" in pi.inner_text("#papers table")

        # The PI confirms the suggested international co-authorship.
        follow(pi, "#papers a[href*='/papers/']")
        assert pi.is_checked("#id_international_coauthored")
        follow(pi, "main form button[type=submit]")

        # An exchange: a short stay, so its purpose is asked for.
        pi.click("#exchanges summary")
        pi.select_option("#id_exchanges-direction", "dispatch")
        pi.fill("#id_exchanges-person", "小川 陸")
        pi.select_option("#id_exchanges-career_stage", "student")
        pi.select_option("#id_exchanges-country", "US")
        pi.fill("#id_exchanges-start_date", "2025-10-01")
        pi.fill("#id_exchanges-end_date", "2025-10-05")
        pi.check("#id_exchanges-funded_by_program")
        follow(pi, "#exchanges details form button[type=submit]")
        assert pi.locator("#exchanges details .errorlist").count() == 1  # the purpose is missing
        assert pi.input_value("#id_exchanges-person") == "小川 陸"  # nothing typed is lost
        pi.fill("#id_exchanges-purpose", "Joint experiment at Harvard")
        follow(pi, "#exchanges details form button[type=submit]")
        assert "小川 陸" in pi.inner_text("#exchanges table")

        complete_on_the_page(pi)
        follow(pi, "#submit form:first-of-type button")
        follow(pi, ".confirm-submit button")  # the summary, then "Yes, submit"
        pi.wait_for_load_state()

    # Staff return it with a comment.
    staff = sign_in(browser, live_server, "staff@aspire.example")
    staff.goto(f"{live_server.url}/reports/queue/")
    follow(staff, f'a[href="/reports/{report.pk}/"]')
    staff.fill("#id_comment", "Please add the host institution of the stay.")
    follow(staff, "form[action$='/return/'] button")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED

    # The PI sees why, fixes it and submits again.
    pi.goto(report_url)
    assert "Please add the host institution of the stay." in pi.inner_text(".returned")
    follow(pi, "#exchanges tr:has-text('小川 陸') a")
    pi.fill("#id_institution", "Harvard Medical School")
    follow(pi, "main form button[type=submit]")
    follow(pi, "#submit form:first-of-type button")
    follow(pi, ".confirm-submit button")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    # Staff accept: the paper now counts.
    staff.goto(report_url)
    follow(staff, "form[action$='/accept/'] button")
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert intl_papers() == before + 1
    assert pi.refused == [] and staff.refused == []  # no Content Security Policy violation
