"""Papers by DOI from recorded Crossref responses; failures leave the row to the PI."""

import datetime
import socket

import pytest
from django.urls import reverse

from projects import crossref
from projects.models import DoiLookup, LookupStatus, Paper, ReportStatus
from tests.factories import MemberFactory, PaperFactory, ReportFactory

pytestmark = pytest.mark.django_db

NATURE = "10.1038/s41591-024-03001-x"
CELL = "10.1016/j.cell.2025.01.002"


@pytest.fixture
def report():
    return ReportFactory(status=ReportStatus.DRAFT)


def test_it_finds_every_doi_in_pasted_text():
    text = f"https://doi.org/{NATURE.upper()}\n doi:{CELL}, {CELL}.\nnot a doi"
    assert crossref.parse_dois(text) == [NATURE, CELL]


def test_it_reads_title_journal_date_authors_and_countries(crossref_replay):
    work = crossref.fetch_work(NATURE)
    assert work.title == "Immune ageing across Japan and the United Kingdom: a joint cohort study"
    assert work.journal == "Nature Medicine"
    assert work.published_on == datetime.date(2024, 5, 14)
    assert work.authors == "Kenichi Takahashi; Emily Clarke; Anna Lindqvist"
    assert work.countries == ["GB", "JP", "SE"]
    assert work.international


def test_it_does_not_suggest_international_for_one_country(crossref_replay):
    work = crossref.fetch_work(CELL)
    assert work.published_on == datetime.date(2025, 2, 1)  # month only: the first
    assert work.countries == ["JP"]
    assert not work.international


def test_it_fills_a_paper_row_and_suggests_international(crossref_replay, report):
    (lookup,) = crossref.request_lookups(report, NATURE)
    crossref.run_lookup(lookup.pk)  # what the worker does
    lookup.refresh_from_db()
    assert lookup.status == LookupStatus.FOUND
    assert "Suggested: international co-authored (GB, JP, SE)" in lookup.message
    paper = lookup.paper
    assert (paper.report, paper.journal, paper.international_coauthored) == (
        report,
        "Nature Medicine",
        True,
    )
    assert paper.affiliation_countries == "GB,JP,SE"


def test_it_leaves_an_unknown_doi_for_manual_entry(crossref_replay, report):
    (lookup,) = crossref.request_lookups(report, "10.5555/unknown")
    crossref.run_lookup(lookup.pk)
    lookup.refresh_from_db()
    assert (lookup.status, lookup.message) == (
        LookupStatus.FAILED,
        "Crossref does not know this DOI.",
    )
    assert Paper.objects.count() == 0


def test_it_says_so_when_crossref_sends_nonsense(crossref_replay, report):
    (lookup,) = crossref.request_lookups(report, "10.9999/broken")
    crossref.run_lookup(lookup.pk)
    lookup.refresh_from_db()
    assert lookup.message == "Crossref sent a record that could not be read."


def test_it_says_so_when_crossref_cannot_be_reached(settings, report):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CROSSREF_API_URL = f"http://127.0.0.1:{port}"
    (lookup,) = crossref.request_lookups(report, NATURE)
    crossref.run_lookup(lookup.pk)
    lookup.refresh_from_db()
    assert lookup.status == LookupStatus.FAILED
    assert "could not be reached" in lookup.message


def test_it_looks_up_a_doi_once(crossref_replay, report):
    PaperFactory(report=report, doi=CELL.upper())
    first = crossref.request_lookups(report, f"{NATURE}\n{CELL}")
    again = crossref.request_lookups(report, NATURE)
    assert [lookup.doi for lookup in first] == [NATURE]  # CELL is reported already
    assert again == []
    crossref.run_lookup(first[0].pk)
    crossref.run_lookup(first[0].pk)  # a redelivered job
    assert Paper.objects.filter(report=report).count() == 2
    assert DoiLookup.objects.count() == 1


def test_it_queues_lookups_from_the_report_page(
    client, crossref_replay, report, django_capture_on_commit_callbacks
):
    pi = MemberFactory(project=report.project).user
    client.force_login(pi)
    url = reverse("projects:dois", args=[report.pk])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(url, {"dois-dois": NATURE})
    assert response.status_code == 302
    assert len(queued) == 1  # the job goes to the worker once the request commits
    assert DoiLookup.objects.get().status == LookupStatus.PENDING
    page = client.get(reverse("projects:report", args=[report.pk])).text
    assert NATURE in page
