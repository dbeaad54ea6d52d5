"""Issue 15's "Done when", in a real browser: a PI brings a fiscal year's papers and
presentations from a replayed researchmap response, confirms them, fixes a warning and
submits; no paper of an earlier year is counted again. axe-core (vendored in
tests/browser/vendor) checks the report page. The same test measures clicks and seconds
for a 25-paper, 40-presentation year by researchmap, by BibTeX and by hand.
"""

import datetime
import json
import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page

from projects.models import Paper, ReportStatus
from tests.browser import follow
from tests.browser.test_report_flow import browser  # noqa: F401  (the fixture)
from tests.factories import (
    ExchangeFactory,
    MemberFactory,
    PaperFactory,
    ReportFactory,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BIBTEX = Path(__file__).parent.parent / "data" / "bibtex" / "large-lab.bib"
EARLIER_DOI = "10.1016/j.immuni.2024.05.001"
MEASURED = Path(os.environ.get("ROUTE_TIMINGS", "/tmp/aspire-route-timings.json"))


def _year(project_email: str, password: str = "secret-password"):
    """A FY2024 draft, an accepted FY2023 that reported one paper researchmap lists again,
    and a short stay without its purpose (a warning to fix)."""
    report = ReportFactory(status=ReportStatus.DRAFT, fiscal_year=2024)
    earlier = ReportFactory(project=report.project, fiscal_year=2023)
    PaperFactory(report=earlier, doi=EARLIER_DOI, title="An earlier year's paper, reported then")
    pi = MemberFactory(project=report.project, user__email=project_email, user__language="en").user
    return report, pi


def _sign_in(browser, live_server, email: str, **context) -> Page:  # noqa: F811
    page = browser.new_context(**context).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", "secret-password")
    follow(page, "main form button[type=submit]")
    return page


class Clicks:
    """Counts what the PI does: a click, a choice, a typed field each count one."""

    def __init__(self, page: Page):
        self.page, self.count = page, 0

    def click(self, selector: str) -> None:
        """A click on the page itself (a section opened, a box ticked)."""
        self.count += 1
        self.page.click(selector)

    def follow(self, selector: str) -> None:
        """A click that loads a page (a link, a form's button)."""
        self.count += 1
        follow(self.page, selector)

    def fill(self, selector: str, value: str) -> None:
        self.count += 1
        self.page.fill(selector, value)

    def select(self, selector: str, value: str) -> None:
        self.count += 1
        self.page.select_option(selector, value)

    def upload(self, selector: str, path: Path) -> None:
        self.count += 1
        self.page.set_input_files(selector, str(path))


def _complete(act: Clicks) -> None:
    act.click("#lab_statistics > details > summary")
    act.fill("#id_lab_statistics-events_held", "2")
    act.fill("#id_lab_statistics-researchers_invited", "1")
    act.fill("#id_lab_statistics-researchers_dispatched", "1")
    act.follow("#lab_statistics details form button[type=submit]")
    act.select("#id_details-buyout_used", "true")
    act.follow("#details form button[type=submit]")


def axe_violations(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in result]


@pytest.mark.django_db(transaction=True)
def test_it_brings_confirms_fixes_and_submits_a_year_from_researchmap(
    browser,  # noqa: F811
    live_server,
    source_replay,
):
    report, pi = _year("rm@example.org")
    stay = ExchangeFactory(
        report=report,
        person="小川 陸",
        start_date=datetime.date(2024, 10, 1),
        end_date=datetime.date(2024, 10, 5),
        purpose="",
    )
    page = _sign_in(browser, live_server, pi.email)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    assert "says no purpose" in page.inner_text("#summary")

    page.fill("#id_researchmap_id", "tanaka-taro")
    follow(page, "#bring-in form:first-of-type button")
    drafts = page.inner_text("#drafts")
    assert "Already reported in the accepted FY2023" in drafts
    follow(page, "#drafts button[value=confirm]")
    assert report.papers.count() == 2 and report.presentations.count() == 2

    # The warning: the short stay says what it was for.
    follow(page, f"#exchanges a[href$='/exchanges/{stay.pk}/']")
    page.fill("#id_purpose", "Joint experiment")
    follow(page, "main form button[type=submit]")
    assert "says no purpose" not in page.inner_text("#summary")

    _complete(Clicks(page))
    follow(page, "#submit form:first-of-type button")
    assert "Yes, submit" in page.inner_text("#summary")
    follow(page, ".confirm-submit button")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert Paper.objects.filter(doi=EARLIER_DOI).count() == 1  # counted in FY2023 only


@pytest.mark.django_db(transaction=True)
def test_it_has_no_accessibility_violation_on_the_report_page(
    browser,  # noqa: F811
    live_server,
    source_replay,
):
    report, pi = _year("axe@example.org")
    # axe is injected as a script of its own: only this page's context lets it past the CSP.
    page = _sign_in(browser, live_server, pi.email, bypass_csp=True)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.fill("#id_researchmap_id", "tanaka-taro")
    follow(page, "#bring-in form:first-of-type button")
    violations = axe_violations(page)
    assert violations == []

    # A refused row: the errors are summarised at the top, linked, and focused.
    page.click("#papers > details > summary")
    page.fill("#id_papers-doi", "not a doi")  # the server refuses it (the browser cannot)
    page.fill("#id_papers-title", "A paper")
    page.fill("#id_papers-published_on", "2024-06-01")
    follow(page, "#papers > details form button[type=submit]")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.locator("#error-summary a[href='#id_papers-doi']").count() == 1
    assert axe_violations(page) == []

    # 390 px wide (a phone): nothing scrolls sideways but the tables in their own box.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.django_db(transaction=True)
def test_it_measures_a_25_paper_40_presentation_year_by_each_route(
    browser,  # noqa: F811
    live_server,
    source_replay,
):
    measured = {}
    for route in ("researchmap", "bibtex", "by hand"):
        report, pi = _year(f"{route.replace(' ', '')}@example.org")
        page = _sign_in(browser, live_server, pi.email)
        page.goto(f"{live_server.url}/reports/{report.pk}/")
        act, started = Clicks(page), time.monotonic()
        if route == "researchmap":
            act.fill("#id_researchmap_id", "large-lab")
            act.follow("#bring-in form:first-of-type button")
            act.follow("#drafts button[value=confirm]")
        elif route == "bibtex":
            act.upload("#id_outputs_file", BIBTEX)
            act.follow("#bring-in form:nth-of-type(2) button")
            act.follow("#drafts button[value=confirm]")
        else:
            _by_hand(act)
        seconds = time.monotonic() - started
        assert report.papers.count() == 25 and report.presentations.count() == 40
        measured[route] = {"clicks": act.count, "seconds": round(seconds, 1)}
    MEASURED.write_text(json.dumps(measured, indent=1))


def _by_hand(act: Clicks) -> None:
    rm = Path(__file__).parent.parent / "data" / "researchmap" / "large-lab"
    papers = json.loads((rm / "published_papers.json").read_text())["items"]
    talks = json.loads((rm / "presentations.json").read_text())["items"]
    for item in papers:
        act.click("#papers > details > summary")
        act.fill("#id_papers-doi", item["identifiers"]["doi"][0])
        act.fill("#id_papers-title", item["paper_title"]["en"])
        act.fill("#id_papers-journal", item["publication_name"]["en"])
        act.fill("#id_papers-published_on", item["publication_date"])
        if item["is_international_collaboration"]:
            act.click("#id_papers-international_coauthored")
        act.follow("#papers > details form button[type=submit]")
    for item in talks:
        act.click("#presentations > details > summary")
        act.fill("#id_presentations-title", item["presentation_title"]["en"])
        act.fill("#id_presentations-conference", item["event"]["en"])
        act.fill("#id_presentations-presented_on", item["publication_date"])
        if item["is_international_presentation"]:
            act.click("#id_presentations-international")
        act.follow("#presentations > details form button[type=submit]")
