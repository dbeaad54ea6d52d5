"""The committee's dashboard: the seed's figures in both languages, growth per fiscal year,
calls and unfunded high scores, stays, survey, lab-wide figures, buy-out, travel, links,
permissions, errors, a fixed number of queries and no inline script."""

import datetime
import html as html_lib
import io
import os
import re
from decimal import Decimal

import pytest
from django.conf import settings as project_settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import sync_playwright

from evaluations import dashboard, indicators
from evaluations.catalogue import INDICATORS
from programs.models import Program
from projects.models import ReportStatus
from tests.conftest import sign_in as sign_in_user
from tests.conftest import totp_code
from tests.factories import (
    CallFactory,
    EventFactory,
    ExchangeFactory,
    HubFactory,
    LabStatisticFactory,
    PaperFactory,
    PresentationFactory,
    ProgramFactory,
    ProjectFactory,
    ProposalFactory,
    ReportFactory,
    ReviewFactory,
    SurveyFactory,
    TargetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2025, 3, 31)


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())
    return Program.objects.get(code="ASPIRE")


def url(code: str = "ASPIRE", query: str = "?as_of=2025-03-31") -> str:
    return reverse("evaluations:dashboard", args=[code]) + query


def sign_in(client, role: str, is_staff: bool | None = None):
    admin = role in ("staff", "committee") if is_staff is None else is_staff
    sign_in_user(client, UserFactory(roles=[role], is_staff=admin))


def page(client, role: str, query: str = "?as_of=2025-03-31", code: str = "ASPIRE"):
    sign_in(client, role)
    return client.get(url(code, query))


def text(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def figure(html: str, code: str) -> list[str]:
    """The cells of an indicator's row: label, value, target, attainment, expected by the
    as-of date, pace, definition."""
    row = re.search(rf'<tr id="{re.escape(code)}">(.*?)</tr>', html, re.S)
    assert row, code
    return [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def table(html: str, table_id: str) -> list[list[str]]:
    """The body rows of a table, header cells included, as text."""
    found = re.search(rf'<table[^>]*id="{table_id}"[^>]*>(.*?)</table>', html, re.S)
    assert found, table_id
    body = found.group(1).split("<tbody>")[1]
    return [
        [text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def section(html: str, section_id: str) -> str:
    start = html.index(f'id="{section_id}"')
    return html[start : html.find("</section>", start)]


# --- The seed's figures, in Japanese and in English -------------------------------------


SEED = {
    "g1.proposals": "128",
    "g1.adopted": "18",
    "g1.adoption_rate": "14.1",
    "g1.adoptable": "83",
    "g2.projects": "6",
    "g2.intl_presentations": "39",
}


def test_it_shows_the_seed_figures_in_japanese_by_default(client, demo, settings):
    settings.LANGUAGE_CODE = "ja"  # as aspire/settings.py says; the suite reads English
    html = page(client, "committee").text
    assert '<html lang="ja">' in html
    for code, value in SEED.items():
        assert figure(html, code)[1] == value, code
    assert figure(html, "g2.intl_coauthored_papers")[:4] == [
        "国際共著論文数",
        "18",
        "20 (FY2027 (令和9年度))",
        "90.0",
    ]
    assert "目標1" in html
    assert "年度ごとの推移" in html  # "Growth per fiscal year"


def test_it_shows_the_seed_figures_in_english_with_the_language_cookie(client, demo, settings):
    settings.LANGUAGE_CODE = "ja"
    client.cookies[project_settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page(client, "committee").text
    assert '<html lang="en">' in html
    assert figure(html, "g2.intl_coauthored_papers")[:4] == [
        "International co-authored papers",
        "18",
        "20 (FY2027 (令和9年度))",
        "90.0",
    ]
    assert figure(html, "g2.intl_presentations")[:2] == [
        "International conference presentations",
        "39",
    ]
    assert "国際共著論文数" not in html


def test_it_switches_to_english_with_set_language(client, demo, settings):
    settings.LANGUAGE_CODE = "ja"
    sign_in(client, "committee")
    response = client.post(reverse("set_language"), {"language": "en", "next": url()})
    assert response.status_code == 302
    html = client.get(url()).text
    assert '<html lang="en">' in html
    assert figure(html, "g1.adopted")[:2] == ["Adopted proposals", "18"]


def test_it_shows_what_compute_says_for_every_indicator(client, demo):
    html = page(client, "staff").text
    document = indicators.compute(demo, AS_OF)["indicators"]
    for code, entry in document.items():
        _label, value, target, attainment = figure(html, code)[:4]
        assert value == ("—" if entry["value"] is None else str(entry["value"])), code
        assert attainment == (
            "—" if entry["attainment_pct"] is None else str(entry["attainment_pct"])
        )
        assert (target == "—") == (entry["target"] is None), code


def test_it_defaults_to_today(client, demo):
    response = page(client, "committee", query="")
    assert response.status_code == 200
    assert f'name="as_of" value="{timezone.localdate().isoformat()}"' in response.text


# --- Growth per fiscal year ---------------------------------------------------------------


def test_it_shows_growth_with_a_row_per_fiscal_year(client, demo):
    html = page(client, "committee").text
    first_call = demo.calls.exclude(open_date=None).order_by("open_date").first().open_date
    years = list(range(first_call.year if first_call.month >= 4 else first_call.year - 1, 2025))
    assert years == [2023, 2024]
    rows = table(html, "growth2")
    assert [row[0] for row in rows] == ["FY2023 (令和5年度)", "FY2024 (令和6年度)"]
    # Columns: projects, international co-authored papers, presentations.
    earlier = indicators.values(demo, datetime.date(2024, 3, 31))
    assert rows[0][1:] == [
        str(earlier["g2.projects"]),
        str(earlier["g2.intl_coauthored_papers"]),
        str(earlier["g2.intl_presentations"]),
    ]
    assert rows[-1][1:] == ["6", "18", "39"]  # the last row is as of the date asked
    for goal in (1, 3, 4):
        assert len(table(html, f"growth{goal}")) == len(years)
    assert 'id="series-data" type="application/json"' in html


def test_it_caps_the_series_at_as_of_and_at_a_few_years(demo):
    document, series, _proposals = dashboard.document_and_series(demo, datetime.date(2024, 9, 30))
    assert document == indicators.compute(demo, datetime.date(2024, 9, 30))  # one pass, same
    assert series["years"] == [2023, 2024]
    assert (
        series["rows"]["g2.intl_presentations"][-1]
        == document["indicators"]["g2.intl_presentations"]["value"]
    )
    far = datetime.date(2999, 12, 31)
    assert len(dashboard.fiscal_years(demo, far)) == dashboard.MAX_SERIES_YEARS
    assert dashboard.fiscal_years(demo, far)[-1] == 2999


# --- Calls and the unfunded high scores ---------------------------------------------------


def test_it_lists_the_calls_adding_up_to_the_indicators(client, demo):
    calls = dashboard.per_call(demo, AS_OF)
    assert sum(call["received"] for call in calls) == 128
    assert sum(call["adopted"] for call in calls) == 18
    assert sum(call["adoptable"] for call in calls) == 83
    document = indicators.compute(demo, AS_OF)["indicators"]
    assert (
        sum(call["adoptable_not_adopted"] for call in calls)
        == (document["g1.adoptable_not_adopted"]["value"])
    )
    html = page(client, "committee").text
    for call in calls:
        assert call["code"] in section(html, "goal1")


def test_it_lists_unfunded_high_scores_for_staff_only(client, demo):
    staff = page(client, "staff").text
    assert "Highly scored proposals that were not funded" in staff
    unfunded = list(dashboard.unfunded(demo, AS_OF))
    document = indicators.compute(demo, AS_OF)["indicators"]
    assert len(unfunded) == document["g1.adoptable_not_adopted"]["value"] > 0
    scores = [proposal.final_score for proposal in unfunded]
    assert scores == sorted(scores, reverse=True)
    assert all(proposal.status != "adopted" for proposal in unfunded)
    assert unfunded[0].ref in staff
    committee = page(client, "committee").text
    assert "Highly scored proposals that were not funded" not in committee
    assert unfunded[0].ref not in committee


# --- Permissions and errors ---------------------------------------------------------------


@pytest.mark.parametrize("role", ["pi", "reviewer"])
def test_it_keeps_pis_and_reviewers_out(client, demo, role):
    assert page(client, role).status_code == 403


def test_it_sends_anonymous_visitors_to_sign_in(client, demo):
    response = client.get(url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("as_of", ["2025-02-30", "yesterday", "2025-3", "1899-12-31", "9999-12-31"])
def test_it_refuses_a_bad_date_with_a_message(client, demo, as_of):
    response = page(client, "committee", f"?as_of={as_of}")
    assert response.status_code == 400
    message = re.search(r'role="alert">(.*?)</p>', response.text, re.S)
    assert message and ("is not a date" in message.group(1) or "Choose a date" in message.group(1))


def test_it_answers_404_with_a_message_for_an_unknown_program(client):
    response = page(client, "committee", code="NOPE")
    assert response.status_code == 404
    assert "No program has the code “NOPE”." in response.text


def test_it_answers_400_to_a_code_holding_a_nul_character(client):
    response = page(client, "committee", code="NO\x00PE")  # PostgreSQL cannot compare it
    assert response.status_code == 400
    assert "The request contains a NUL character." in response.text


# --- Links to the records -----------------------------------------------------------------


def test_it_links_every_figure_to_its_own_rows_on_the_committees_pages(client, demo):
    sign_in(client, "staff")
    html = client.get(url()).text
    links = {}
    for code in INDICATORS:
        found = re.search(rf'<tr id="{re.escape(code)}"><td>(?:<a href="([^"]+)">)?', html)
        assert found, code
        assert found.group(1) and found.group(1).startswith("/evaluations/"), code
        links[code] = html_lib.unescape(found.group(1))
    assert len(links) == len(INDICATORS)  # every figure, none without its rows
    for link in links.values():
        response = client.get(link)
        assert response.status_code == 200, link
        assert "/admin/" not in response.text.split("<main")[1], link


def test_it_offers_report_pages_to_committee_members_without_the_admin(client, demo):
    sign_in(client, "committee", is_staff=False)
    html = client.get(url()).text
    assert 'href="/admin/' not in html
    report_links = set(re.findall(r'href="(/reports/\d+/)"', html))
    assert report_links
    for link in report_links:
        assert client.get(link).status_code == 200


# --- Goal 4: stays abroad -----------------------------------------------------------------


def dispatch(report, days: int | None, purpose: str = "", **fields):
    start = fields.pop("start_date", datetime.date(2024, 6, 1))
    end = None if days is None else start + datetime.timedelta(days=days - 1)
    return ExchangeFactory(report=report, start_date=start, end_date=end, purpose=purpose, **fields)


def test_it_bins_stays_and_names_the_short_ones_purposes(client):
    project = ProjectFactory(start_date=datetime.date(2024, 1, 1))
    program = project.proposal.call.program
    report = ReportFactory(project=project, status=ReportStatus.ACCEPTED)
    lengths = [1, 7, 7, 8, 14, 15, 30, 31, 90, 91, 200]
    for days in lengths:
        dispatch(report, days, {1: "Conference", 7: " Lab visit "}.get(days, ""))
    # Not in the population of g4.stay_days_median: not counted, not funded, received,
    # not ended, ended after as_of, started before the project, in a draft report.
    dispatch(report, 3, "Not funded", funded_by_program=False)
    dispatch(report, 3, "Received", direction="receive")
    dispatch(report, None, "Still there")
    dispatch(report, 3, "After as-of", start_date=datetime.date(2025, 3, 30))
    dispatch(report, 3, "Too early", start_date=datetime.date(2023, 12, 1))
    draft = ReportFactory(project=project, fiscal_year=2025, status=ReportStatus.DRAFT)
    dispatch(draft, 3, "Draft")

    stays = dashboard.stays(program, AS_OF)
    assert [(b["label"], b["count"]) for b in stays["bins"]] == [
        ("1–7", 3),
        ("8–14", 2),
        ("15–30", 2),
        ("31–90", 2),
        ("91+", 2),
    ]
    assert (stays["total"], stays["short"], stays["short_share"]) == (11, 3, Decimal("27.3"))
    figures = indicators.values(program, AS_OF)
    assert stays["short_share"] == figures["g4.short_stay_share"]
    assert [(s["reason"], s["count"]) for s in stays["purposes"]] == [
        ("Lab visit", 2),
        ("Conference", 1),
    ]
    assert stays["purposes"][0]["reports"] == [
        {"pk": report.pk, "project": project.code, "fiscal_year": 2024}
    ]

    sign_in(client, "committee")
    html = client.get(url(program.code)).text
    stays_html = html[html.index('id="stays"') :]
    assert (
        "11 ended stays of program-funded dispatches; 3 of 7 days or less (27.3 %)." in stays_html
    )
    assert f'Lab visit (2) — <a href="/reports/{report.pk}/">{project.code} FY2024' in stays_html
    assert 'id="stay-data" type="application/json"' in html


@pytest.mark.parametrize("with_call", [True, False])
def test_it_shows_a_program_without_records(client, with_call):
    program = CallFactory().program if with_call else ProgramFactory()
    stays = dashboard.stays(program, AS_OF)
    assert (stays["total"], stays["short_share"]) == (0, None)
    assert [b["count"] for b in stays["bins"]] == [0] * len(dashboard.STAY_BINS)
    sign_in(client, "committee")
    response = client.get(url(program.code))
    assert response.status_code == 200
    assert "0 of 7 days or less (— %)" in response.text
    assert figure(response.text, "g1.adoption_rate")[1:6] == ["—", "—", "—", "—", "—"]
    # From the call's FY2023, or only FY(as_of) when there is no call.
    assert len(table(response.text, "growth1")) == (2 if with_call else 1)
    assert client.post(url(program.code)).status_code == 405


# --- Goals 2–4: survey, lab-wide, papers before the start; buy-out and travel -------------


def test_it_shows_survey_means_and_gains_over_the_pairs(client):
    project = ProjectFactory()
    for person, before, after in [("A", 2, 4), ("B", 3, 4)]:
        SurveyFactory(project=project, person=person, timing="before", networking=before)
        SurveyFactory(project=project, person=person, timing="after", networking=after)
    SurveyFactory(project=project, person="Only before", timing="before", networking=1)
    program = project.proposal.call.program
    document = indicators.compute(program, AS_OF)
    networking = dashboard.survey(program, AS_OF, document)[0]
    assert networking["item"] == "networking"
    assert (networking["before"], networking["after"], networking["gain"]) == (2.5, 4.0, 1.5)
    sign_in(client, "committee")
    html = client.get(url(program.code)).text
    survey = html[html.index('id="survey"') :]
    assert "<td>Networking</td>" in survey
    assert (
        '<td class="number">2.5</td><td class="number">4.0</td><td class="number">1.5</td>'
        in survey
    )


def test_it_shows_lab_wide_activity_before_and_after(client):
    project = ProjectFactory(start_date=datetime.date(2023, 10, 1))  # FY2023
    before = ReportFactory(project=project, fiscal_year=2022)
    after = ReportFactory(project=project, fiscal_year=2024)
    LabStatisticFactory(
        report=before, events_held=4, researchers_invited=0, researchers_dispatched=5
    )
    LabStatisticFactory(
        report=after, events_held=6, researchers_invited=3, researchers_dispatched=5
    )
    program = project.proposal.call.program
    rows = dashboard.lab(indicators.compute(program, AS_OF))
    assert [(r["name"], r["before"], r["after"], r["change_pct"]) for r in rows] == [
        ("events", 4, 6, 50.0),
        ("invited", 0, 3, None),  # no change in % from nothing
        ("dispatched", 5, 5, 0.0),
    ]
    sign_in(client, "committee")
    lab = section(client.get(url(program.code)).text, "goal3")
    # Each value opens the statistics it adds up (evaluations/drilldown.py).
    link = r'<td class="number"><a href="/evaluations/{}/figures/g3.lab_events_{}/\?as_of=[^"]+">'
    cells = link.format(program.code, "before") + "4</a></td>"
    cells += link.format(program.code, "after") + "6</a></td>"
    assert re.search(cells + r'<td class="number">\+50.0</td>', lab)


def test_it_shows_papers_dated_before_the_start_apart(client):
    project = ProjectFactory(start_date=datetime.date(2024, 1, 1))
    report = ReportFactory(project=project)
    PaperFactory(report=report, title="Old work", published_on=datetime.date(2023, 6, 1))
    PaperFactory(report=report, title="New work", published_on=datetime.date(2024, 6, 1))
    program = project.proposal.call.program
    sign_in(client, "committee")
    html = client.get(url(program.code)).text
    papers = html[html.index('id="papers-before"') :]
    papers = papers[: papers.index("</ul>")]
    assert "<strong>1</strong>" in papers
    assert "Old work" in papers and "New work" not in papers
    assert f'href="/reports/{report.pk}/"' in papers
    assert figure(html, "g2.intl_coauthored_papers")[1] == "1"


def test_it_cuts_a_long_list_and_says_so(client, monkeypatch):
    monkeypatch.setattr(dashboard, "LIST_LIMIT", 2)  # 100 on the real page
    project = ProjectFactory(start_date=datetime.date(2024, 1, 1))
    report = ReportFactory(project=project)
    for day in (1, 2, 3):
        PaperFactory(report=report, title=f"Old {day}", published_on=datetime.date(2023, 6, day))
    sign_in(client, "committee")
    html = client.get(url(project.proposal.call.program.code)).text
    papers = html[html.index('id="papers-before"') :]
    papers = papers[: papers.index("</ul>")]
    assert "<strong>3</strong>" in papers  # the count stays complete
    assert "Showing the first 2 of 3." in papers
    assert papers.count("<li>") == 2


def test_it_shows_buy_out_use_and_travel_costs_per_year(client):
    project = ProjectFactory(start_date=datetime.date(2023, 10, 1))
    reports = [
        ReportFactory(
            project=project,
            fiscal_year=2023,
            buyout_used=True,
            travel_trips=2,
            travel_cost_yen=600_000,
        ),
        ReportFactory(
            project=project,
            fiscal_year=2024,
            buyout_used=False,
            buyout_reason="  No one to replace the PI  ",
            travel_trips=3,
            travel_cost_yen=1_200_000,
        ),
    ]
    other = ProjectFactory(
        proposal__call=project.proposal.call, start_date=datetime.date(2024, 4, 1)
    )
    ReportFactory(project=other, fiscal_year=2024)  # buy-out not answered, no travel figures
    # Not counted: a draft, and the year before the start (it carries lab-wide figures only).
    ReportFactory(project=other, fiscal_year=2023, buyout_used=False, travel_trips=9)
    third = ProjectFactory(
        proposal__call=project.proposal.call, start_date=datetime.date(2024, 4, 1)
    )
    ReportFactory(project=third, fiscal_year=2024, status=ReportStatus.DRAFT, buyout_used=False)
    program = project.proposal.call.program

    buyout = dashboard.buyout(program, AS_OF)
    assert (buyout["used"], buyout["not_used"], buyout["unanswered"]) == (1, 1, 1)
    assert buyout["reasons"] == [
        {
            "reason": "No one to replace the PI",
            "count": 1,
            "reports": [{"pk": reports[1].pk, "project": project.code, "fiscal_year": 2024}],
        }
    ]
    travel = dashboard.travel(program, AS_OF)
    assert [
        (t["fiscal_year"], t["reports"], t["trips"], t["cost"], t["cost_per_trip"]) for t in travel
    ] == [
        (2023, 1, 2, 600_000, 300_000),
        (2024, 2, 3, 1_200_000, 400_000),
    ]
    # Over all years to date: 1,800,000 yen for 5 trips.
    assert [t["cost_per_trip_to_date"] for t in travel] == [300_000, 360_000]
    assert dashboard.travel_chart(travel)["years"] == ["FY2023", "FY2024"]
    assert [line["values"] for line in dashboard.travel_chart(travel)["lines"]] == [
        [300_000, 400_000],
        [300_000, 360_000],
    ]

    sign_in(client, "committee")
    html = client.get(url(program.code)).text
    assert "Used in 1 reports, not used in 1, not answered in 1." in html
    assert "No one to replace the PI" in html
    rows = re.findall(r"<tr>(.*?)</tr>", section(html, "travel"), re.S)
    assert [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", rows[-1])] == [
        "FY2024 (令和6年度)",
        "2",
        "3",
        "1,200,000",
        "400,000",
        "360,000",
    ]
    assert 'id="travel-chart"' in html and 'id="travel-data"' in html


# --- No inline script ----------------------------------------------------------------------


def test_it_carries_no_inline_script(client, demo):
    html = page(client, "staff").text
    scripts = re.findall(r"<script[^>]*>", html)
    assert len(scripts) >= 4  # Chart.js, dashboard.js, the series and the stays data
    assert all('src="' in tag or 'type="application/json"' in tag for tag in scripts)
    assert not re.search(r"\son[a-z]+=", html)  # no onclick=, onchange=…
    assert not re.search(r"\sstyle=", html)  # no inline style attribute
    assert not re.search(r'(src|href)="(https?:)?//', html)  # every asset served locally
    for asset in ("vendor/chart.js/chart.umd.min.js", "evaluations/dashboard.js"):
        assert finders.find(asset), asset


# --- A fixed number of queries --------------------------------------------------------------


def build(size: int) -> Program:
    """A program with `size` times every kind of record the dashboard reads."""
    call = CallFactory(open_date=datetime.date(2023, 5, 1))
    for proposal in ProposalFactory.create_batch(4 * size, call=call):
        ReviewFactory(proposal=proposal)
    TargetFactory(program=call.program)
    for _ in range(size):
        project = ProjectFactory(proposal__call=call, start_date=datetime.date(2023, 10, 1))
        ReviewFactory(proposal=project.proposal)
        before = ReportFactory(project=project, fiscal_year=2022)
        LabStatisticFactory(report=before)
        for year in (2023, 2024):
            report = ReportFactory(
                project=project,
                fiscal_year=year,
                buyout_used=year == 2023,
                buyout_reason="" if year == 2023 else "No replacement",
                travel_trips=2,
                travel_cost_yen=500_000,
            )
            LabStatisticFactory(report=report)
            PaperFactory(report=report)
            PaperFactory(report=report, published_on=datetime.date(2023, 1, 1))
            PresentationFactory(report=report)
            EventFactory(report=report)
            dispatch(report, 5, "Conference", start_date=datetime.date(year, 11, 1))
            dispatch(report, 40, "Lab work", start_date=datetime.date(year, 12, 1))
            ExchangeFactory(report=report, direction="receive")
        HubFactory(project=project)
        SurveyFactory(project=project, person="Y", timing="before")
        SurveyFactory(project=project, person="Y", timing="after", networking=4)
    return call.program


# Queries of one page (staff, demo-like data over FY2023 and FY2024), whatever the size
# and however many fiscal years the series covers:
#   3   session, user, the user's groups (the role check)
#   1   the program
#   1   the first call's fiscal year (series)
#   14  the indicators at every fiscal year's end and as_of at once: the proposal groups
#       (which also give the calls table), 12 other indicator sections, the targets
#   2   stays: the histogram aggregate, the short stays' purposes
#   1   papers dated before the start
#   1   unfunded high scores (staff only)
#   1   survey means
#   1   the counted reports per fiscal year: travel and the buy-out's counts
#   1   the reports that did not use the buy-out
#   1   the program's evaluations
#   1   the targets again, for the pace (evaluations/pace.py)
QUERIES = 29  # with the device that verified the session's second factor (django-otp)


@pytest.mark.parametrize("size", [1, 10])
def test_it_renders_in_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    program = build(size)
    sign_in(client, "staff")
    with django_assert_num_queries(QUERIES):
        response = client.get(url(program.code))
    assert response.status_code == 200
    document = indicators.compute(program, AS_OF)["indicators"]
    assert document["g2.projects"]["value"] == size
    assert document["g4.dispatched"]["value"] == 4 * size


# --- The committee's landing page --------------------------------------------------------------


def test_it_sends_the_committee_from_home_to_the_programs(client, demo):
    sign_in_user(client, UserFactory(roles=["committee"]))
    response = client.get("/", follow=True)
    assert response.request["PATH_INFO"] == reverse("evaluations:index")
    assert reverse("evaluations:dashboard", args=["ASPIRE"]) in response.text
    assert "Mid-term evaluation 2025-03-31" in response.text


@pytest.mark.parametrize("programs", [1, 10])
def test_it_lists_programs_in_a_fixed_number_of_queries(
    client, django_assert_num_queries, programs
):
    CallFactory.create_batch(programs)
    sign_in_user(client, UserFactory(roles=["committee"]))
    # session, user, groups, programs with calls, their evaluations (prefetch)
    # and the device that verified the session's second factor (django-otp)
    with django_assert_num_queries(6):
        assert client.get(reverse("evaluations:index")).status_code == 200


# --- In a real browser: the charts draw under the Content Security Policy ---------------------


@pytest.mark.django_db(transaction=True)
def test_it_draws_the_charts_in_a_browser_under_the_csp(live_server):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # playwright's event loop
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    program = build(1)
    member = UserFactory(roles=["committee"], is_staff=True)  # password: secret-password
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        refused = []  # Content Security Policy violations, if any
        page.on("console", lambda m: refused.append(m.text) if "Refused" in m.text else None)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", member.email)
        page.fill("#id_password", "secret-password")
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        # The committee's first sign-in enrols an app: the QR code page, then its code.
        assert page.locator(".qr-code img").evaluate("img => img.naturalWidth") > 0
        page.fill("#id_code", totp_code(TOTPDevice.objects.get(user=member)))
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        assert page.locator(".recovery-codes li").count() == 10
        page.goto(live_server.url + url(program.code))
        # Eight growth charts (cumulative and per year, for each goal), the histogram and
        # the travel cost per trip.
        page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length === 10")
        tensions = page.evaluate(
            "() => Object.values(Chart.instances).filter(c => c.config.type === 'line')"
            ".flatMap(c => c.data.datasets.map(d => d.tension))"
        )
        drawn = page.evaluate(
            "() => Object.values(Chart.instances).map(c => [c.config.type, c.data.labels])"
        )
        browser.close()
    assert refused == []
    assert sorted(kind for kind, _labels in drawn) == ["bar"] + ["line"] * 9
    assert set(tensions) == {0}  # straight lines: no smoothing that overshoots
    assert ["FY2023", "FY2024"] in [labels for _kind, labels in drawn]
    assert [label for kind, label in drawn if kind == "bar"] == [
        [label for label, _low, _high in dashboard.STAY_BINS]
    ]


def test_it_shows_each_years_addition_and_its_year_on_year_rate():
    assert dashboard.per_year([2, 5, 11]) == [2, 3, 6]
    assert dashboard.year_on_year([2, 3, 6]) == [None, 50.0, 100.0]
    assert dashboard.year_on_year([0, 3]) == [None, None]  # no rate from nothing


def test_it_shows_the_pace_ahead_of_the_target_one_year_in(client, demo):
    html = page(client, "committee").text
    label, value, target, attainment, expected, pace, _definition = figure(
        html, "g2.intl_coauthored_papers"
    )
    assert (value, attainment) == ("18", "90.0")
    assert expected == "8.0"  # 0 at the start of FY2023, 20 by the end of FY2027
    assert pace in ("ahead of pace", "目標を上回る進捗")
