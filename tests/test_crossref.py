"""Papers by DOI from recorded Crossref responses, as drafts; failures leave the row to the PI.

Crossref is replayed from tests/data/crossref by a local HTTP server (the crossref_replay
fixture): a DOI with no recording gets Crossref's real 404 ("Resource not found.").
"""

import datetime
import socket
import time

import pytest
from django.urls import reverse

from aspire import normalise
from projects import crossref, sources
from projects.models import Paper, ReportStatus
from tests.factories import MemberFactory, ReportFactory

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


def drafted(text: str) -> sources.Found:
    """What a pasted DOI becomes on the report page: a draft the PI confirms."""
    (found,), _down = sources.from_dois(text)
    return found


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


def test_it_drafts_a_paper_from_the_record_and_suggests_international(crossref_replay):
    found = drafted(NATURE)
    assert (found.kind, found.doi, found.venue, found.problem) == (
        "paper",
        NATURE,
        "Nature Medicine",
        "",
    )
    assert found.date == datetime.date(2024, 5, 14)
    assert found.authors == "Kenichi Takahashi; Emily Clarke; Anna Lindqvist"
    assert found.international  # GB, JP, SE: ticked, the PI confirms it
    assert drafted(CELL).international is False  # Japan only


def test_it_confirms_the_drafted_paper_into_the_report(client, crossref_replay, report):
    pi = MemberFactory(project=report.project, user__language="en").user
    client.force_login(pi)
    client.post(reverse("projects:import_outputs", args=[report.pk]), {"dois": NATURE})
    draft = report.drafts.get()
    client.post(reverse("projects:drafts", args=[report.pk]), {"draft": [draft.pk]})
    paper = Paper.objects.get()
    assert (paper.report, paper.project, paper.doi, paper.journal) == (
        report,
        report.project,
        NATURE,
        "Nature Medicine",
    )
    assert paper.international_coauthored is True
    assert paper.version == 1  # a new row


def test_it_leaves_an_unknown_doi_for_manual_entry(crossref_replay):
    with pytest.raises(crossref.CrossrefError) as error:
        crossref.fetch_work("10.5555/unknown")
    assert error.value.reason == "not_found"
    assert str(error.value) == "Crossref does not know this DOI."
    assert drafted("10.5555/unknown").problem == sources.NOT_FOUND


@pytest.mark.parametrize("doi", ["10.9999/broken", "10.9999/not-json"])
def test_it_says_so_when_crossref_sends_nonsense(crossref_replay, doi):
    with pytest.raises(crossref.CrossrefError) as error:
        crossref.fetch_work(doi)
    assert error.value.reason == "malformed"
    assert str(error.value) == "Crossref sent a record that could not be read."
    assert drafted(doi).problem == sources.NOT_FOUND


def test_it_says_so_when_crossref_cannot_be_reached(settings):
    settings.CROSSREF_API_URL = f"http://127.0.0.1:{closed_port()}"  # connection refused
    with pytest.raises(crossref.CrossrefError) as error:
        crossref.fetch_work(NATURE)
    assert error.value.reason == "network"
    assert str(error.value) == "Crossref could not be reached; please enter the paper by hand."
    (found,), down = sources.from_dois(NATURE)
    assert (found.doi, found.problem, found.detail, down) == (
        NATURE,
        sources.UNREACHABLE,
        "Crossref",
        True,
    )


def test_it_refuses_a_paste_beyond_the_limit(settings):
    settings.DOI_PASTE_LIMIT = 2
    with pytest.raises(sources.SourceError, match="at most 2 DOIs at a time; this paste has 3"):
        sources.from_dois("10.1000/a 10.1000/b 10.1000/c")


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
