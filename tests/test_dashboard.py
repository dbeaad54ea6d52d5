"""The committee's dashboard: the seed's figures, growth per year, calls, stays, permissions."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluations import dashboard
from evaluations.catalogue import INDICATORS
from projects.models import ReportStatus
from tests.factories import (
    CallFactory,
    ExchangeFactory,
    ProjectFactory,
    ProposalFactory,
    ReportFactory,
    ReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())


def page(client, role: str, query: str = "?as_of=2025-03-31", code: str = "ASPIRE"):
    client.force_login(UserFactory(roles=[role], is_staff=role in ("staff", "committee")))
    return client.get(reverse("evaluations:dashboard", args=[code]) + query)


def cell(html: str, label: str) -> str:
    """The value cell after the row's label link."""
    match = re.search(re.escape(label) + r'</a></td>\s*<td class="number">([^<]*)</td>', html)
    assert match, label
    return match.group(1)


def test_it_shows_the_seed_figures(client, demo):
    html = page(client, "committee").text
    assert cell(html, "Proposals") == "128"
    assert cell(html, "Adopted proposals") == "18"
    assert cell(html, "Adoption rate (%)") == "14.1"
    assert cell(html, "Adoptable proposals (score 6 or higher)") == "83"
    assert cell(html, "International co-authored papers") == "18"
    assert cell(html, "International conference presentations") == "39"
    assert "20 (FY2027 (令和9年度))" in html
    assert "90.0" in html


def test_it_speaks_japanese_by_default(client, demo, settings):
    settings.LANGUAGE_CODE = "ja"
    html = page(client, "committee").text
    assert "国際共著論文数" in html
    assert "目標1" in html


def test_it_shows_growth_per_fiscal_year(client, demo):
    html = page(client, "committee").text
    section = html[html.index('id="series"') :]
    for year in (2023, 2024):
        assert f"FY{year}" in section[: section.index("</thead>")]
    assert 'id="series-data" type="application/json"' in html


def test_it_lists_unfunded_high_scores_for_staff_only(client, demo):
    assert "Highly scored proposals that were not funded" in page(client, "staff").text
    assert "Highly scored proposals that were not funded" not in page(client, "committee").text


def test_it_keeps_pis_and_reviewers_out(client, demo):
    for role in ("pi", "reviewer"):
        assert page(client, role).status_code == 403


def test_it_refuses_a_bad_date_with_a_message(client, demo):
    response = page(client, "committee", "?as_of=2025-02-30")
    assert response.status_code == 400
    assert "is not a date" in response.text


def test_it_answers_404_for_an_unknown_program(client):
    assert page(client, "committee", code="NOPE").status_code == 404


def test_it_links_every_figure_to_its_records(client, demo):
    html = page(client, "staff").text
    goal_tables = re.findall(r'<section id="goal\d".*?</table>', html, re.S)
    rows = sum(table.count("<tr><td>") for table in goal_tables)
    links = sum(table.count('<tr><td><a href="/admin/') for table in goal_tables)
    assert rows == links == len(INDICATORS)
    papers = re.search(r'href="([^"]+)">International co-authored papers<', html).group(1)
    assert client.get(papers.replace("&amp;", "&")).status_code == 200


def test_it_carries_no_inline_script(client, demo):
    html = page(client, "committee").text
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts
    assert all('src="' in tag or 'type="application/json"' in tag for tag in scripts)


def test_it_bins_stays_and_names_the_short_ones_purposes(settings):
    call = CallFactory()
    project = ProjectFactory(proposal__call=call, start_date=datetime.date(2024, 1, 1))
    report = ReportFactory(project=project, status=ReportStatus.ACCEPTED)
    for days, purpose in [(3, "Conference"), (7, "Lab visit"), (8, ""), (40, ""), (120, "")]:
        start = datetime.date(2024, 6, 1)
        ExchangeFactory(
            report=report,
            start_date=start,
            end_date=start + datetime.timedelta(days=days - 1),
            purpose=purpose,
        )
    stays = dashboard.stays(call.program, datetime.date(2025, 3, 31))
    assert [b["count"] for b in stays["bins"]] == [2, 1, 0, 1, 1]
    assert (stays["short"], str(stays["short_share"])) == (2, "40.0")
    assert stays["purposes"] == ["Conference", "Lab visit"]


def build(proposals: int):
    call = CallFactory(open_date=datetime.date(2023, 5, 1))
    for proposal in ProposalFactory.create_batch(proposals, call=call):
        ReviewFactory(proposal=proposal)
    project = ProjectFactory(proposal__call=call)
    report = ReportFactory(project=project)
    ExchangeFactory.create_batch(proposals, report=report)
    return call.program


@pytest.mark.parametrize("size", [5, 50])
def test_it_renders_in_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    program = build(size)
    client.force_login(UserFactory(roles=["staff"]))
    url = reverse("evaluations:dashboard", args=[program.code]) + "?as_of=2025-03-31"
    # session, user, groups, program; the indicators (14) and their targets; the first
    # call; the series: the indicators again for FY2023 and FY2024 (14 each); the stays,
    # the per-call groups, the unfunded proposals, the survey means, the papers before
    # the start, buy-out (counts, reasons), travel, the program's evaluations
    with django_assert_num_queries(QUERIES):
        assert client.get(url).status_code == 200


QUERIES = 57


def test_it_sends_the_committee_from_home_to_the_programs(client, demo):
    client.force_login(UserFactory(roles=["committee"]))
    response = client.get("/", follow=True)
    assert response.request["PATH_INFO"] == reverse("evaluations:index")
    assert reverse("evaluations:dashboard", args=["ASPIRE"]) in response.text
    assert "Mid-term evaluation 2025-03-31" in response.text


@pytest.mark.parametrize("programs", [1, 10])
def test_it_lists_programs_in_a_fixed_number_of_queries(
    client, django_assert_num_queries, programs
):
    CallFactory.create_batch(programs)
    client.force_login(UserFactory(roles=["committee"]))
    # session, user, groups, programs with calls, their evaluations (prefetch)
    with django_assert_num_queries(5):
        assert client.get(reverse("evaluations:index")).status_code == 200
