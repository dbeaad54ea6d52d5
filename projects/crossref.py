"""Papers by DOI: a job fetches the Crossref record and fills the paper row for the PI.

Crossref's REST API (`GET {CROSSREF_API_URL}/works/{doi}`) is called for real; tests
replay recorded responses from a local server. When Crossref cannot be reached, does not
answer within `CROSSREF_TIMEOUT` seconds (5) or does not know the DOI, the lookup fails
with a message and the PI enters the paper by hand.

The countries of the affiliations are a guess from the affiliation names (Crossref has no
country field): the last part of a name that is a country's English name, or a usual
variant of it ("USA", "UK", "Korea", "P.R. China"). More than one country suggests an
international co-authored paper; the PI confirms it on the paper row.
"""

import dataclasses
import datetime
import functools
import html
import http.client
import json
import re
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries

from accounts.models import User
from aspire import jobs, normalise
from aspire.jobs import JobStatus
from projects import reporting
from projects.models import (
    AnnualReport,
    DoiBatch,
    DoiLookup,
    LookupStatus,
    MemberRole,
    Paper,
    ProjectMember,
    paper_key,
)

DEFAULT_API_URL = "https://api.crossref.org"
DEFAULT_TIMEOUT_SECONDS = 5
MAX_RECORD_BYTES = 5_000_000  # a work with thousands of references is still far below
DOI_PATTERN = re.compile(r"10\.\d{4,9}/[^\s,]+", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")  # Crossref titles carry JATS/HTML markup: <i>, <sub>, <scp>

# Names in affiliations that are not a country's English name in django-countries.
COUNTRY_ALIASES = {
    "USA": "US",
    "U.S.A.": "US",
    "US": "US",
    "U.S.": "US",
    "United States of America": "US",
    "United States": "US",
    "UK": "GB",
    "U.K.": "GB",
    "Great Britain": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Northern Ireland": "GB",
    "Korea": "KR",
    "Republic of Korea": "KR",
    "Korea (South)": "KR",
    "ROK": "KR",
    "The Netherlands": "NL",
    "Holland": "NL",
    "PR China": "CN",
    "P.R. China": "CN",
    "P. R. China": "CN",
    "People's Republic of China": "CN",
    "Peoples Republic of China": "CN",
    "Russian Federation": "RU",
    "Republic of China": "TW",
    "Taiwan, ROC": "TW",
    "日本": "JP",
}


class CrossrefError(Exception):
    """Crossref did not give a usable record; `str()` is the message for the PI.

    `reason` says which way it failed, for logs and tests: "not_found", "http",
    "timeout", "network" or "malformed".
    """

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


@dataclasses.dataclass(frozen=True)
class Work:
    doi: str
    title: str
    journal: str
    published_on: datetime.date
    authors: str  # "Given Family; Given Family"
    affiliation_countries: tuple[str, ...]  # ISO 3166 alpha-2 codes, sorted

    @property
    def international(self) -> bool:
        """More than one country among the affiliations: likely international co-authorship."""
        return len(self.affiliation_countries) > 1


# --- DOIs in what the PI pastes -----------------------------------------------------------------


def parse_dois(text: str) -> list[str]:
    """Every DOI in pasted text (lines, spaces, commas, URLs), once each, in order."""
    found = []
    for token in re.split(r"[\s,]+", text):
        match = DOI_PATTERN.search(normalise.doi(token))
        if match:
            found.append(_trim(match.group(0)))
    return list(dict.fromkeys(found))


def _trim(doi: str) -> str:
    """Drop what a sentence put after the DOI: a full stop, a quote, an unmatched bracket."""
    while doi and doi[-1] in ".;:'\"”’>]":
        doi = doi[:-1]
    while doi.endswith(")") and doi.count(")") > doi.count("("):
        doi = doi[:-1]
    return doi


# --- Crossref ---------------------------------------------------------------------------------


def fetch_work(doi: str) -> Work:
    """The Crossref record of `doi`, or CrossrefError with a message for the PI."""
    doi = normalise.doi(doi)
    if not DOI_PATTERN.fullmatch(doi):
        raise CrossrefError(_("Crossref does not know this DOI."), "not_found")
    base = getattr(settings, "CROSSREF_API_URL", DEFAULT_API_URL).rstrip("/")
    url = f"{base}/works/{urllib.parse.quote(doi, safe='/')}"
    # Crossref's etiquette: say who calls, with a contact address ("polite pool").
    contact = getattr(settings, "DEFAULT_FROM_EMAIL", "aspire@localhost")
    headers = {"User-Agent": f"Aspire (mailto:{contact})", "Accept": "application/json"}
    timeout = getattr(settings, "CROSSREF_TIMEOUT", DEFAULT_TIMEOUT_SECONDS)
    # The base URL is a setting (https in production, a local replay in tests), never input.
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    unreachable = _("Crossref could not be reached; please enter the paper by hand.")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(MAX_RECORD_BYTES + 1)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise CrossrefError(_("Crossref does not know this DOI."), "not_found") from None
        message = _("Crossref answered with an error (%(code)s).") % {"code": error.code}
        raise CrossrefError(message, "http") from None
    except TimeoutError:
        raise CrossrefError(unreachable, "timeout") from None
    except urllib.error.URLError as error:
        reason = "timeout" if isinstance(error.reason, TimeoutError) else "network"
        raise CrossrefError(unreachable, reason) from None
    except (OSError, http.client.HTTPException):
        raise CrossrefError(unreachable, "network") from None
    try:
        if len(body) > MAX_RECORD_BYTES:
            raise ValueError("record too large")
        return _work(doi, json.loads(body))
    except (ValueError, KeyError, IndexError, TypeError, AttributeError, StopIteration):
        raise CrossrefError(
            _("Crossref sent a record that could not be read."), "malformed"
        ) from None


def _work(doi: str, payload: dict) -> Work:
    if payload.get("status") != "ok" or payload.get("message-type") != "work":
        raise ValueError("not a work")
    record = payload["message"]
    title = _text(next(t for t in record["title"] if _text(t)))  # StopIteration: no title
    authors = record.get("author") or []
    return Work(
        doi=doi,
        title=title,
        journal=_text((record.get("container-title") or [""])[0]),
        published_on=_published(record),
        authors="; ".join(name for name in map(_name, authors) if name),
        affiliation_countries=tuple(sorted({c for a in authors for c in _countries(a)})),
    )


def _text(value: str) -> str:
    """Markup and entities out, runs of white space made one space."""
    return " ".join(html.unescape(_TAG.sub("", value)).split())


def _published(record: dict) -> datetime.date:
    """The first publication date Crossref gives; a month or year alone means its first day."""
    for field in ("published", "published-print", "published-online", "issued"):
        parts = ((record.get(field) or {}).get("date-parts") or [[]])[0]
        if parts and parts[0]:
            year, month, day = ([*parts, 1, 1])[:3]
            return datetime.date(int(year), int(month or 1), int(day or 1))
    raise ValueError("no publication date")


def _name(author: dict) -> str:
    """ "Given Family"; an organisation as author has a name only."""
    parts = (author.get("given"), author.get("family"))
    return _text(" ".join(part for part in parts if part) or author.get("name") or "")


def _countries(author: dict) -> set[str]:
    found = set()
    for affiliation in author.get("affiliation") or []:
        places = [affiliation.get("name") or "", *(affiliation.get("place") or [])]
        found |= {code for place in places if (code := country_of(place))}
    return found


def country_of(affiliation: str) -> str | None:
    """The ISO code of the country an affiliation names, looking from its end.

    "Kyoto University, Kyoto, Japan" → JP; "Harvard Medical School, Boston, MA 02115 USA"
    → US; "Atlanta, GA" → None (no country named: no guess).
    """
    names = _country_names()
    parts = [part.strip(" .") for part in re.split(r"[,;\n]", affiliation)]
    parts = [part for part in parts if part]
    for index, part in enumerate(reversed(parts)):
        if code := names.get(part.casefold()):
            return code
        if index == 0:  # the last part may run the country into a postcode: "MA 02115 USA"
            words = part.split()
            for size in range(min(4, len(words) - 1), 0, -1):
                if words[-size - 1].casefold() == "new":  # New Mexico, New Jersey: US states
                    continue
                if code := names.get(" ".join(words[-size:]).casefold()):
                    return code
    return None


@functools.cache
def _country_names() -> dict[str, str]:
    """Lower-cased English country names and usual variants → ISO code."""
    with translation.override("en"):
        names = {str(name).casefold(): code for code, name in countries}
    return names | {alias.casefold(): code for alias, code in COUNTRY_ALIASES.items()}


# --- Lookups: what the PI's paste starts and the job finishes --------------------------------

# Crossref failed this many lookups in a row for want of an answer: it is down, and the rest
# of the batch fails at once rather than waiting for each timeout (a retry button follows).
UNREACHABLE_IN_A_ROW = 3
UNREACHABLE = {"timeout", "network"}


@transaction.atomic
def request_lookups(report: AnnualReport, text: str, by: User) -> list[DoiLookup]:
    """Queue the pasted DOIs as one batch, which one job looks up; returns the lookups queued.

    A DOI already reported for the project is not looked up again: its lookup is marked
    found, linked to that paper, with a message saying so. A DOI being looked up is left
    alone; one whose lookup failed (Crossref was down) or whose paper was since deleted is
    looked up again. The job goes to the worker once the transaction commits.

    Refused with a ValidationError, changing nothing, beyond `DOI_PASTE_LIMIT` DOIs in one
    paste, or beyond `DOI_LOOKUPS_IN_FLIGHT` lookups waiting for the person at a time.
    """
    dois = parse_dois(text)
    limit = settings.DOI_PASTE_LIMIT
    if len(dois) > limit:
        message = _("Paste at most %(limit)d DOIs at a time; this paste has %(count)d.")
        raise ValidationError(message % {"limit": limit, "count": len(dois)}, code="too_many")
    # Locks the person's row: two pastes of theirs at once count their lookups one by one.
    User.objects.select_for_update().get(pk=by.pk)
    queued = [lookup for doi in dois if (lookup := _to_look_up(report, doi))]
    if not queued:
        return []
    _check_in_flight(by, queued)
    batch = DoiBatch.objects.create(report=report, requested_by=by, total=len(queued))
    DoiLookup.objects.filter(pk__in=[lookup.pk for lookup in queued]).update(batch=batch)
    _queue(batch.pk)
    fresh = DoiLookup.objects.in_bulk([lookup.pk for lookup in queued])
    return [fresh[lookup.pk] for lookup in queued]


def _to_look_up(report: AnnualReport, doi: str) -> DoiLookup | None:
    """The lookup to queue for one pasted DOI, or None when it needs none."""
    reported = Paper.objects.filter(project=report.project_id, dedupe_key=paper_key(doi, ""))
    if paper := reported.first():
        found = {
            "status": LookupStatus.FOUND,
            "paper": paper,
            "message": _("This paper is already reported for this project."),
        }
        lookup, created = DoiLookup.objects.get_or_create(report=report, doi=doi, defaults=found)
        if not created and (lookup.status, lookup.paper_id) != (LookupStatus.FOUND, paper.pk):
            DoiLookup.objects.filter(pk=lookup.pk).update(**found)
        return None  # a lookup that found this very paper keeps its message
    lookup, created = DoiLookup.objects.get_or_create(report=report, doi=doi)
    return lookup if created or _requeue(lookup) else None


def _check_in_flight(by: User, queued: list[DoiLookup]) -> None:
    """At most DOI_LOOKUPS_IN_FLIGHT lookups wait for one person: one paste cannot flood
    the queue, nor can many."""
    waiting = DoiLookup.objects.filter(
        status=LookupStatus.PENDING,
        batch__requested_by=by,
        batch__status__in=[JobStatus.PENDING, JobStatus.RUNNING],
    ).exclude(pk__in=[lookup.pk for lookup in queued])
    count, limit = waiting.count(), settings.DOI_LOOKUPS_IN_FLIGHT
    if count + len(queued) > limit:
        message = _(
            "%(count)d of your DOIs are still being looked up, and at most %(limit)d may wait "
            "at a time: paste fewer, or wait until they are done."
        )
        raise ValidationError(message % {"count": count, "limit": limit}, code="in_flight")


def _requeue(lookup: DoiLookup) -> bool:
    """Back to pending if it failed or lost its paper; True for the one caller that did it."""
    if lookup.status == LookupStatus.PENDING or (
        lookup.status == LookupStatus.FOUND and lookup.paper_id
    ):
        return False
    again = DoiLookup.objects.filter(pk=lookup.pk, status=lookup.status, paper=lookup.paper_id)
    return again.update(status=LookupStatus.PENDING, message="", paper=None) == 1


@transaction.atomic
def retry_lookups(report: AnnualReport, by: User) -> list[DoiLookup]:
    """Look up again, as one new batch, the report's failed DOIs and those of batches that
    stopped (their worker died) or were lost in the queue; the limits of a paste apply."""
    for batch in DoiBatch.objects.filter(jobs.retryable(), report=report):
        _fail_batch(batch.pk, _("The lookup stopped before it finished."))
    failed = DoiLookup.objects.filter(report=report, status=LookupStatus.FAILED)
    dois = failed.order_by("created_at", "pk").values_list("doi", flat=True)
    return request_lookups(report, "\n".join(dois[: settings.DOI_PASTE_LIMIT]), by)


def _queue(batch_id: int) -> None:
    from projects.tasks import look_up_dois  # the tasks module sits on top of this one

    jobs.queue_on_commit(look_up_dois, batch_id, lambda message: _fail_batch(batch_id, message))


def _fail_batch(batch_id: int, message: str) -> None:
    """The batch failed: so do its waiting lookups, with the same message, ready to retry."""
    jobs.fail(DoiBatch, batch_id, message)
    _fail_waiting(batch_id, message)


def _fail_waiting(batch_id: int, message: str) -> None:
    waiting = DoiLookup.objects.filter(batch=batch_id, status=LookupStatus.PENDING)
    waiting.update(status=LookupStatus.FAILED, message=message[:500])


def run_batch(batch_id: int) -> float | None:
    """Look up each waiting DOI of one paste, in order. Safe to run twice: a lookup done is
    not done again. Returns the seconds until another run's lease expires when one holds
    the batch, so that the job can look again then (that run may have died)."""
    batch = DoiBatch.objects.select_related("report").filter(pk=batch_id).first()
    if batch is None:  # its report was deleted
        return None
    with translation.override(_language(batch.report)):  # the messages are for the PI
        claim = jobs.claim(DoiBatch, batch_id)
        if claim.given_up:
            message = _("The lookup stopped %(count)d times before it finished; try again.")
            _fail_batch(batch_id, message % {"count": jobs.MAX_ATTEMPTS})
        if claim.attempt is None:
            return claim.wait_seconds
        with jobs.heartbeat(DoiBatch, batch_id, claim.attempt):
            _work_through(batch_id, claim.attempt)
    return None


def _work_through(batch_id: int, attempt: int) -> None:
    waiting = DoiLookup.objects.filter(batch=batch_id, status=LookupStatus.PENDING)
    unreachable = 0
    try:
        for lookup_id in waiting.order_by("pk").values_list("pk", flat=True):
            if not jobs.held(DoiBatch, batch_id, attempt).exists():
                return  # this worker stalled and another took the batch over
            error = run_lookup(lookup_id)
            unreachable = unreachable + 1 if error and error.reason in UNREACHABLE else 0
            if unreachable == UNREACHABLE_IN_A_ROW:
                _fail_waiting(batch_id, str(error))
                break
    except Exception:  # the PI sees that it stopped, the log has why
        message = _("The lookup stopped with an error; try again or enter the papers by hand.")
        jobs.finish(DoiBatch, batch_id, attempt, JobStatus.FAILED, message=message)
        _fail_waiting(batch_id, message)
        raise
    jobs.finish(DoiBatch, batch_id, attempt, JobStatus.DONE)


def run_lookup(lookup_id: int) -> CrossrefError | None:
    """Fetch one DOI and fill its paper row; returns how Crossref failed, if it did.

    Idempotent: a finished lookup is left alone, and when two runs overlap (a redelivered
    job) only the first to finish records."""
    lookup = DoiLookup.objects.select_related("report").filter(pk=lookup_id).first()
    if lookup is None or lookup.status != LookupStatus.PENDING:
        return None
    with translation.override(_language(lookup.report)):  # the message is for the PI
        try:
            work = fetch_work(lookup.doi)
        except CrossrefError as error:
            _finish(lookup_id, LookupStatus.FAILED, str(error))
            return error
        _record(lookup_id, work)
    return None


def _language(report: AnnualReport) -> str:
    pi = ProjectMember.objects.filter(project=report.project_id, role=MemberRole.PI)
    return pi.values_list("user__language", flat=True).first() or settings.LANGUAGE_CODE


def _record(lookup_id: int, work: Work) -> None:
    with transaction.atomic():
        lookup = _pending(lookup_id)
        if lookup is None:
            return
        report = lookup.report
        same = Paper.objects.filter(project=report.project_id, dedupe_key=paper_key(work.doi, ""))
        if existing := same.first():  # entered by hand while the job ran
            message = _("This paper is already reported for this project.")
            _save(lookup, LookupStatus.FOUND, message, existing)
            return
        paper = Paper(
            report=report,
            doi=work.doi,
            title=work.title[:1000],
            journal=work.journal[:300],
            published_on=work.published_on,
            authors=work.authors,
            affiliation_countries=",".join(work.affiliation_countries)[:300],
            international_coauthored=work.international,  # a suggestion the PI confirms
        )
        try:  # add_row is atomic: a refusal rolls back to here, the lookup is still locked
            reporting.add_row(report, paper)  # locks the report; refuses a handed-in one
        except ValidationError as error:  # handed in before the record arrived
            _save(lookup, LookupStatus.FAILED, " ".join(error.messages), None)
            return
        except IntegrityError:  # the same paper saved by hand in the meantime
            message = _("This paper is already reported for this project.")
            _save(lookup, LookupStatus.FOUND, message, same.first())
            return
        message = ""
        if work.international:
            message = _("Suggested: international co-authored (%(countries)s); please confirm.") % {
                "countries": ", ".join(work.affiliation_countries)
            }
        _save(lookup, LookupStatus.FOUND, message, paper)


def _finish(lookup_id: int, status: str, message: str) -> None:
    with transaction.atomic():
        if lookup := _pending(lookup_id):
            _save(lookup, status, message, None)


def _pending(lookup_id: int) -> DoiLookup | None:
    """The lookup, locked, if no other run has finished it."""
    lookups = DoiLookup.objects.select_for_update(of=("self",)).select_related("report")
    return lookups.filter(pk=lookup_id, status=LookupStatus.PENDING).first()


def _save(lookup: DoiLookup, status: str, message: str, paper: Paper | None) -> None:
    lookup.status, lookup.message, lookup.paper = status, message[:500], paper
    lookup.save(update_fields=["status", "message", "paper"])
