"""Papers by DOI from recorded Crossref responses; failures leave the row to the PI.

Crossref is replayed from tests/data/crossref by a local HTTP server (the crossref_replay
fixture): a DOI with no recording gets Crossref's real 404 ("Resource not found.").
"""

import datetime
import socket
import time

import pytest
from django.urls import reverse

from aspire import normalise
from projects import crossref
from projects.models import DoiLookup, LookupStatus, Paper, ReportStatus
from tests.celery_worker import real_worker
from tests.factories import MemberFactory, PaperFactory, ReportFactory

pytestmark = pytest.mark.django_db

NATURE = "10.1038/s41591-024-03001-x"  # Japan, UK, Sweden
CELL = "10.1016/j.cell.2025.01.002"  # Japan only; a month, no day
NAR = "10.1093/nar/gkae1021"  # markup in the title; "issued" only; US, Korea, Japan


@pytest.fixture
def report():
    return ReportFactory(status=ReportStatus.DRAFT)


def closed_port() -> int:
    with socket.socket() as probe:  # bound, then closed: nobody listens there
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def looked_up(lookup: DoiLookup) -> DoiLookup:
    crossref.run_lookup(lookup.pk)  # what the worker does with the queued job
    lookup.refresh_from_db()
    return lookup


# --- DOIs in pasted text ------------------------------------------------------------------


def test_it_normalises_a_doi():
    assert normalise.doi(" https://doi.org/10.1038/S41591-024-03001-X\n") == NATURE
    assert normalise.doi("doi: 10.1038/S41591-024-03001-X") == NATURE
    assert normalise.doi("http://dx.doi.org/10.1093%2Fnar%2Fgkae1021") == NAR


def test_it_finds_every_doi_in_pasted_text():
    text = (
        f"https://doi.org/{NATURE.upper()}\n doi:{CELL}, {CELL}.\n"
        f"{NATURE},{NAR}\n(see {NAR})\nnot a doi 10.12/short"
    )
    assert crossref.parse_dois(text) == [NATURE, CELL, NAR]


def test_it_keeps_brackets_that_belong_to_the_doi():
    sici = "10.1002/(sici)1097-4636(199606)31:2<123::aid-jbm1>3.0.co;2-o"
    assert crossref.parse_dois(f"({sici})") == [sici]


# --- Records ------------------------------------------------------------------------------


def test_it_reads_title_journal_date_authors_and_countries(crossref_replay):
    work = crossref.fetch_work(NATURE)
    assert work.doi == NATURE
    assert work.title == "Immune ageing across Japan and the United Kingdom: a joint cohort study"
    assert work.journal == "Nature Medicine"
    assert work.published_on == datetime.date(2024, 5, 14)
    assert work.authors == "Kenichi Takahashi; Emily Clarke; Anna Lindqvist"
    assert work.affiliation_countries == ("GB", "JP", "SE")
    assert work.international


def test_it_does_not_suggest_international_for_one_country(crossref_replay):
    work = crossref.fetch_work(CELL)
    assert work.published_on == datetime.date(2025, 2, 1)  # month only: the first
    assert work.authors == "Haruka Sato; Ren Ito"
    assert work.affiliation_countries == ("JP",)
    assert not work.international


def test_it_reads_a_record_with_markup_an_organisation_and_postcodes(crossref_replay):
    work = crossref.fetch_work(NAR.upper())
    assert work.title == "In vivo CRISPR screens of T&NK cell exhaustion"
    assert work.published_on == datetime.date(2024, 11, 1)  # from "issued"
    assert work.authors == (
        "Yuki Mori; David Chen; Ji-woo Park; The Immune Atlas Consortium; Maria Rossi"
    )
    # "Stanford, CA 94305 USA" is the US; "Albuquerque, New Mexico" is no country.
    assert work.affiliation_countries == ("JP", "KR", "US")


@pytest.mark.parametrize(
    ("affiliation", "code"),
    [
        ("Kyoto University, Japan", "JP"),
        ("Harvard Medical School, Boston, MA, USA", "US"),
        ("NIH, Bethesda, Maryland, United States", "US"),
        ("University of Oxford, Oxford, UK", "GB"),
        ("University College London, London, United Kingdom", "GB"),
        ("Charité, Berlin, Germany", "DE"),
        ("Institut Pasteur, Paris, France", "FR"),
        ("McGill University, Montreal, Canada", "CA"),
        ("University of Sydney, Sydney, NSW 2006, Australia", "AU"),
        ("Peking University, Beijing 100871, P.R. China", "CN"),
        ("KAIST, Daejeon, Korea", "KR"),
        ("A*STAR, Singapore", "SG"),
        ("Karolinska Institutet, Stockholm, Sweden", "SE"),
        ("Leiden University Medical Center, Leiden, The Netherlands", "NL"),
        ("ETH Zürich, Zürich, Switzerland", "CH"),
        ("University of Milan, Milan, Italy", "IT"),
        ("CNIO, Madrid, Spain", "ES"),
        ("AIIMS, New Delhi, India", "IN"),
        ("Mahidol University, Bangkok 10400, Thailand", "TH"),
        ("Academia Sinica, Taipei, Taiwan", "TW"),
        ("Emory University, Atlanta, GA", None),
        ("Department of Medicine", None),
        ("", None),
    ],
)
def test_it_guesses_the_country_of_an_affiliation(affiliation, code):
    assert crossref.country_of(affiliation) == code


# --- Lookups ------------------------------------------------------------------------------


def test_it_fills_a_paper_row_and_suggests_international(crossref_replay, report):
    (lookup,) = crossref.request_lookups(report, NATURE)
    assert lookup.status == LookupStatus.PENDING
    lookup = looked_up(lookup)
    assert lookup.status == LookupStatus.FOUND
    assert lookup.message == "Suggested: international co-authored (GB, JP, SE); please confirm."
    paper = lookup.paper
    assert (paper.report, paper.project, paper.doi, paper.journal) == (
        report,
        report.project,
        NATURE,
        "Nature Medicine",
    )
    assert paper.published_on == datetime.date(2024, 5, 14)
    assert paper.authors == "Kenichi Takahashi; Emily Clarke; Anna Lindqvist"
    assert (paper.affiliation_countries, paper.international_coauthored) == ("GB,JP,SE", True)
    assert paper.version == 1  # a new row


def test_it_shows_the_pi_the_suggestion_on_the_report_page(client, crossref_replay, report):
    looked_up(crossref.request_lookups(report, NATURE)[0])
    looked_up(crossref.request_lookups(report, CELL)[0])
    client.force_login(MemberFactory(project=report.project).user)
    page = client.get(reverse("projects:report", args=[report.pk])).text
    assert "Suggested: international co-authored (GB, JP, SE); please confirm." in page
    assert f"{CELL}: " not in page  # found without a suggestion: only its paper row shows


def test_it_fills_a_domestic_paper_without_suggestion(crossref_replay, report):
    lookup = looked_up(crossref.request_lookups(report, CELL)[0])
    assert (lookup.status, lookup.message) == (LookupStatus.FOUND, "")
    assert lookup.paper.international_coauthored is False


def test_it_leaves_an_unknown_doi_for_manual_entry(crossref_replay, report):
    with pytest.raises(crossref.CrossrefError) as error:
        crossref.fetch_work("10.5555/unknown")
    assert error.value.reason == "not_found"
    lookup = looked_up(crossref.request_lookups(report, "10.5555/unknown")[0])
    assert (lookup.status, lookup.message) == (
        LookupStatus.FAILED,
        "Crossref does not know this DOI.",
    )
    assert lookup.paper is None
    assert Paper.objects.count() == 0


@pytest.mark.parametrize("doi", ["10.9999/broken", "10.9999/not-json"])
def test_it_says_so_when_crossref_sends_nonsense(crossref_replay, report, doi):
    with pytest.raises(crossref.CrossrefError) as error:
        crossref.fetch_work(doi)
    assert error.value.reason == "malformed"
    lookup = looked_up(crossref.request_lookups(report, doi)[0])
    assert (lookup.status, lookup.message) == (
        LookupStatus.FAILED,
        "Crossref sent a record that could not be read.",
    )
    assert Paper.objects.count() == 0


def test_it_says_so_when_crossref_cannot_be_reached(settings, report):
    settings.CROSSREF_API_URL = f"http://127.0.0.1:{closed_port()}"  # connection refused
    with pytest.raises(crossref.CrossrefError) as error:
        crossref.fetch_work(NATURE)
    assert error.value.reason == "network"
    lookup = looked_up(crossref.request_lookups(report, NATURE)[0])
    assert (lookup.status, lookup.message) == (
        LookupStatus.FAILED,
        "Crossref could not be reached; please enter the paper by hand.",
    )
    assert Paper.objects.count() == 0


def test_it_gives_up_when_crossref_does_not_answer_in_time(settings):
    with socket.socket() as silent:  # accepts the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings.CROSSREF_API_URL = f"http://127.0.0.1:{silent.getsockname()[1]}"
        settings.CROSSREF_TIMEOUT = 0.5
        started = time.monotonic()
        with pytest.raises(crossref.CrossrefError) as error:
            crossref.fetch_work(NATURE)
    assert error.value.reason == "timeout"
    assert "could not be reached" in str(error.value)
    assert time.monotonic() - started < 3


def test_it_tells_a_japanese_pi_in_japanese(crossref_replay, report):
    MemberFactory(project=report.project, user__language="ja")
    lookup = looked_up(crossref.request_lookups(report, "10.5555/unknown")[0])
    assert lookup.message == "Crossref にこのDOIの登録がありません。"


def test_it_looks_up_a_doi_once(crossref_replay, report, django_capture_on_commit_callbacks):
    reported = PaperFactory(report=report, doi=CELL.upper())
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = crossref.request_lookups(report, f"{NATURE}\n{CELL}\n{NATURE}")
        again = crossref.request_lookups(report, f"https://doi.org/{NATURE}")
    assert [lookup.doi for lookup in first] == [NATURE]  # CELL is reported already
    assert again == []  # NATURE is being looked up
    assert len(queued) == 1
    known = DoiLookup.objects.get(doi=CELL)
    assert (known.status, known.paper, known.message) == (
        LookupStatus.FOUND,
        reported,
        "This paper is already reported for this project.",
    )
    assert DoiLookup.objects.count() == 2


def test_it_runs_a_lookup_twice_without_a_second_paper(crossref_replay, report):
    (lookup,) = crossref.request_lookups(report, NATURE)
    looked_up(lookup)
    lookup = looked_up(lookup)  # a redelivered job
    assert lookup.status == LookupStatus.FOUND
    assert Paper.objects.filter(report=report).count() == 1


def test_it_does_not_look_up_a_found_doi_again(crossref_replay, report):
    found = looked_up(crossref.request_lookups(report, NATURE)[0])
    assert crossref.request_lookups(report, NATURE) == []
    assert DoiLookup.objects.get() == found
    assert DoiLookup.objects.get().message == found.message  # the suggestion stays


def test_it_looks_up_a_failed_doi_again_when_pasted_again(settings, crossref_replay, report):
    settings.CROSSREF_API_URL = f"http://127.0.0.1:{closed_port()}"
    failed = looked_up(crossref.request_lookups(report, NATURE)[0])
    assert failed.status == LookupStatus.FAILED
    settings.CROSSREF_API_URL = crossref_replay  # Crossref is back
    (again,) = crossref.request_lookups(report, NATURE)
    assert (again.pk, again.status, again.message) == (failed.pk, LookupStatus.PENDING, "")
    assert looked_up(again).status == LookupStatus.FOUND


def test_it_keeps_a_paper_entered_by_hand_while_the_job_ran(crossref_replay, report):
    (lookup,) = crossref.request_lookups(report, NATURE)
    by_hand = PaperFactory(report=report, doi=NATURE, title="Typed by the PI")
    lookup = looked_up(lookup)
    assert (lookup.status, lookup.paper) == (LookupStatus.FOUND, by_hand)
    assert lookup.message == "This paper is already reported for this project."
    assert list(Paper.objects.values_list("title", flat=True)) == ["Typed by the PI"]


def test_it_adds_nothing_to_a_report_handed_in_before_the_record_came(crossref_replay, report):
    (lookup,) = crossref.request_lookups(report, NATURE)
    report.status = ReportStatus.SUBMITTED
    report.save()
    lookup = looked_up(lookup)
    assert (lookup.status, lookup.message) == (
        LookupStatus.FAILED,
        "A submitted or accepted report cannot be edited.",
    )
    assert Paper.objects.count() == 0


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


@pytest.mark.django_db(transaction=True)
def test_it_fills_the_paper_on_a_real_worker(crossref_replay):
    report = ReportFactory(status=ReportStatus.DRAFT)
    with real_worker(concurrency=1):
        (lookup,) = crossref.request_lookups(report, NATURE)  # queued when it commits
        deadline = time.monotonic() + 30
        while lookup.status == LookupStatus.PENDING and time.monotonic() < deadline:
            time.sleep(0.1)
            lookup.refresh_from_db()
    assert lookup.status == LookupStatus.FOUND
    assert lookup.paper.affiliation_countries == "GB,JP,SE"
