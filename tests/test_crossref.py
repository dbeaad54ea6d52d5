"""Papers by DOI from recorded Crossref responses; failures leave the row to the PI.

Crossref is replayed from tests/data/crossref by a local HTTP server (the crossref_replay
fixture): a DOI with no recording gets Crossref's real 404 ("Resource not found.").
"""

import contextlib
import datetime
import socket
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from aspire import normalise
from aspire.jobs import JobStatus
from projects import crossref
from projects.models import DoiBatch, DoiLookup, LookupStatus, Paper, ReportStatus
from tests.celery_worker import real_worker, wait_for
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


def paste(report, text: str) -> list[DoiLookup]:
    """What the PI's paste on the report page does."""
    pi = report.project.memberships.filter(role="pi").first() or MemberFactory(
        project=report.project, user__language="en"
    )
    return crossref.request_lookups(report, text, pi.user)


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
    (lookup,) = paste(report, NATURE)
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
    looked_up(paste(report, NATURE)[0])
    looked_up(paste(report, CELL)[0])
    client.force_login(MemberFactory(project=report.project).user)
    page = client.get(reverse("projects:report", args=[report.pk])).text
    assert "Suggested: international co-authored (GB, JP, SE); please confirm." in page
    assert f"{CELL}: " not in page  # found without a suggestion: only its paper row shows


def test_it_fills_a_domestic_paper_without_suggestion(crossref_replay, report):
    lookup = looked_up(paste(report, CELL)[0])
    assert (lookup.status, lookup.message) == (LookupStatus.FOUND, "")
    assert lookup.paper.international_coauthored is False


def test_it_leaves_an_unknown_doi_for_manual_entry(crossref_replay, report):
    with pytest.raises(crossref.CrossrefError) as error:
        crossref.fetch_work("10.5555/unknown")
    assert error.value.reason == "not_found"
    lookup = looked_up(paste(report, "10.5555/unknown")[0])
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
    lookup = looked_up(paste(report, doi)[0])
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
    lookup = looked_up(paste(report, NATURE)[0])
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
    lookup = looked_up(paste(report, "10.5555/unknown")[0])
    assert lookup.message == "Crossref にこのDOIの登録がありません。"


def test_it_looks_up_a_doi_once(crossref_replay, report, django_capture_on_commit_callbacks):
    reported = PaperFactory(report=report, doi=CELL.upper())
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = paste(report, f"{NATURE}\n{CELL}\n{NATURE}")
        again = paste(report, f"https://doi.org/{NATURE}")
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
    (lookup,) = paste(report, NATURE)
    looked_up(lookup)
    lookup = looked_up(lookup)  # a redelivered job
    assert lookup.status == LookupStatus.FOUND
    assert Paper.objects.filter(report=report).count() == 1


def test_it_does_not_look_up_a_found_doi_again(crossref_replay, report):
    found = looked_up(paste(report, NATURE)[0])
    assert paste(report, NATURE) == []
    assert DoiLookup.objects.get() == found
    assert DoiLookup.objects.get().message == found.message  # the suggestion stays


def test_it_looks_up_a_failed_doi_again_when_pasted_again(settings, crossref_replay, report):
    settings.CROSSREF_API_URL = f"http://127.0.0.1:{closed_port()}"
    failed = looked_up(paste(report, NATURE)[0])
    assert failed.status == LookupStatus.FAILED
    settings.CROSSREF_API_URL = crossref_replay  # Crossref is back
    (again,) = paste(report, NATURE)
    assert (again.pk, again.status, again.message) == (failed.pk, LookupStatus.PENDING, "")
    assert looked_up(again).status == LookupStatus.FOUND


def test_it_keeps_a_paper_entered_by_hand_while_the_job_ran(crossref_replay, report):
    (lookup,) = paste(report, NATURE)
    by_hand = PaperFactory(report=report, doi=NATURE, title="Typed by the PI")
    lookup = looked_up(lookup)
    assert (lookup.status, lookup.paper) == (LookupStatus.FOUND, by_hand)
    assert lookup.message == "This paper is already reported for this project."
    assert list(Paper.objects.values_list("title", flat=True)) == ["Typed by the PI"]


def test_it_adds_nothing_to_a_report_handed_in_before_the_record_came(crossref_replay, report):
    (lookup,) = paste(report, NATURE)
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
        (lookup,) = paste(report, NATURE)  # queued when it commits
        lookup = wait_for(lookup, LookupStatus.FOUND, LookupStatus.FAILED)
    assert lookup.status == LookupStatus.FOUND
    assert lookup.batch.status == JobStatus.DONE
    assert lookup.paper.affiliation_countries == "GB,JP,SE"


# --- Batches: a job per paste, within limits, that recovers ---------------------------------


def many_dois(count: int) -> list[str]:
    return [f"10.5555/paper.{number}" for number in range(count)]


def test_it_refuses_a_paste_beyond_the_limit_and_queues_nothing(
    client, report, django_capture_on_commit_callbacks
):
    pi = MemberFactory(project=report.project).user
    client.force_login(pi)
    url = reverse("projects:dois", args=[report.pk])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(url, {"dois-dois": "\n".join(many_dois(1406))})
    assert response.status_code == 400
    assert "Paste at most 200 DOIs at a time; this paste has 1406." in response.text
    assert (queued, DoiLookup.objects.count(), DoiBatch.objects.count()) == ([], 0, 0)


def test_it_looks_up_a_paste_as_one_job_without_duplicates(
    report, django_capture_on_commit_callbacks
):
    dois = many_dois(150)
    # The same DOIs again, as URLs and in capitals: the same papers.
    text = "\n".join(dois + [f"https://doi.org/{doi.upper()}" for doi in dois[:50]])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        lookups = paste(report, text)
    assert len(queued) == 1  # one job, not one per DOI
    assert len(lookups) == DoiLookup.objects.count() == 150
    batch = DoiBatch.objects.get()
    assert (batch.total, batch.status, batch.lookups.count()) == (150, JobStatus.PENDING, 150)


def test_it_caps_the_lookups_waiting_for_one_person(settings, report):
    settings.DOI_LOOKUPS_IN_FLIGHT = 5
    paste(report, "\n".join(many_dois(3)))
    with pytest.raises(ValidationError) as refused:
        paste(report, "\n".join(many_dois(6)[3:]))
    assert refused.value.messages == [
        "3 of your DOIs are still being looked up, and at most 5 may wait at a time: "
        "paste fewer, or wait until they are done."
    ]
    assert DoiLookup.objects.count() == 3  # nothing of the refused paste was kept
    colleague = MemberFactory(project=report.project, role="member").user
    assert len(crossref.request_lookups(report, many_dois(6)[3], colleague)) == 1  # theirs
    crossref.run_batch(DoiBatch.objects.earliest("pk").pk)  # the first paste is done
    assert len(paste(report, "\n".join(many_dois(6)[4:]))) == 2


def test_it_works_through_a_batch_once(crossref_replay, report):
    lookups = paste(report, f"{NATURE}\n{CELL}\n10.5555/unknown")
    batch = lookups[0].batch
    assert crossref.run_batch(batch.pk) is None
    statuses = [looked_up(lookup).status for lookup in lookups]
    assert statuses == [LookupStatus.FOUND, LookupStatus.FOUND, LookupStatus.FAILED]
    batch.refresh_from_db()
    assert (batch.status, batch.attempts, batch.lease_expires_at) == (JobStatus.DONE, 1, None)
    crossref.run_batch(batch.pk)  # a redelivered job changes nothing
    assert Paper.objects.count() == 2


def test_it_carries_on_with_a_batch_whose_worker_died(crossref_replay, report):
    first, second = paste(report, f"{NATURE}\n{CELL}")
    looked_up(first)  # done before the worker was killed
    expired = timezone.now() - datetime.timedelta(seconds=1)
    DoiBatch.objects.update(status=JobStatus.RUNNING, attempts=1, lease_expires_at=expired)
    crossref.run_batch(first.batch_id)  # the job, redelivered
    assert looked_up(second).status == LookupStatus.FOUND
    assert DoiBatch.objects.get().status == JobStatus.DONE
    assert Paper.objects.count() == 2


def test_it_leaves_a_batch_to_the_worker_holding_it(report):
    (lookup,) = paste(report, NATURE)
    held = timezone.now() + datetime.timedelta(seconds=30)
    DoiBatch.objects.update(status=JobStatus.RUNNING, attempts=1, lease_expires_at=held)
    assert 25 < crossref.run_batch(lookup.batch_id) <= 30  # the job looks again then
    assert DoiLookup.objects.get().status == LookupStatus.PENDING


class CountingCrossref:
    """A Crossref that hangs up on every request, counting them."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.requests = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                connection, _address = self.listener.accept()
                self.requests += 1
                connection.close()


def test_it_fails_the_rest_of_a_batch_once_crossref_is_down(settings, report):
    crossref_down = CountingCrossref()
    settings.CROSSREF_API_URL = crossref_down.url
    lookups = paste(report, "\n".join(many_dois(20)))
    crossref.run_batch(lookups[0].batch_id)
    assert crossref_down.requests == crossref.UNREACHABLE_IN_A_ROW  # not 20 timeouts
    failed = DoiLookup.objects.filter(status=LookupStatus.FAILED)
    assert failed.count() == 20
    assert set(failed.values_list("message", flat=True)) == {
        "Crossref could not be reached; please enter the paper by hand."
    }
    crossref_down.listener.close()


def test_it_offers_to_look_up_the_failed_dois_again(
    client, settings, crossref_replay, report, django_capture_on_commit_callbacks
):
    settings.CROSSREF_API_URL = f"http://127.0.0.1:{closed_port()}"
    lookups = paste(report, f"{NATURE}\n{CELL}")
    crossref.run_batch(lookups[0].batch_id)
    settings.CROSSREF_API_URL = crossref_replay  # Crossref is back
    client.force_login(report.project.memberships.get().user)
    page = client.get(reverse("projects:report", args=[report.pk])).text
    retry = reverse("projects:retry_dois", args=[report.pk])
    assert f'action="{retry}"' in page
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(retry)
    assert response.status_code == 302
    assert len(queued) == 1  # one job for both
    crossref.run_batch(DoiBatch.objects.latest("pk").pk)  # what the worker does with it
    assert [looked_up(lookup).status for lookup in lookups] == [LookupStatus.FOUND] * 2
    page = client.get(reverse("projects:report", args=[report.pk])).text
    assert f'action="{retry}"' not in page  # nothing left to retry


def test_it_looks_up_again_the_dois_of_a_batch_that_stopped(
    client, report, django_capture_on_commit_callbacks
):
    lookups = paste(report, f"{NATURE}\n{CELL}")
    stopped = lookups[0].batch
    expired = timezone.now() - datetime.timedelta(minutes=5)
    DoiBatch.objects.update(status=JobStatus.RUNNING, attempts=1, lease_expires_at=expired)
    client.force_login(report.project.memberships.get().user)
    page = client.get(reverse("projects:report", args=[report.pk])).text
    assert "A lookup stopped before it finished." in page
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(reverse("projects:retry_dois", args=[report.pk]))
    assert len(queued) == 1
    stopped.refresh_from_db()
    assert (stopped.status, stopped.message) == (
        JobStatus.FAILED,
        "The lookup stopped before it finished.",
    )
    again = DoiLookup.objects.filter(status=LookupStatus.PENDING).exclude(batch=stopped)
    assert again.count() == 2


def test_it_shows_how_far_a_batch_got(client, report):
    first, _second = paste(report, f"{NATURE}\n{CELL}")
    DoiLookup.objects.filter(pk=first.pk).update(status=LookupStatus.FAILED)
    client.force_login(report.project.memberships.get().user)
    page = client.get(reverse("projects:report", args=[report.pk])).text
    assert "Looked up 1 of 2 DOIs." in page
    assert '<progress max="2" value="1">' in page
