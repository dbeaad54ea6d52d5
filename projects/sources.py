"""Outputs brought in from where they already are: researchmap, ORCID, BibTeX and RIS
files, and a list of DOIs (Crossref). Each becomes a DraftOutput the PI ticks and
confirms; confirming goes through projects.reporting.add_row, so a draft obeys every rule
of a report (frozen reports, one report per output) once it becomes a row.

The services are called for real (`urllib`, a short timeout: `OUTPUT_SOURCES_TIMEOUT`,
5 s); tests replay recorded responses from a local server (tests/source_replay.py).
A service that cannot be reached is said so ("could not be reached", never "not found"):
what is known (a DOI from a list) still becomes a draft, marked as incomplete.

- researchmap: `GET {RESEARCHMAP_API_URL}/{permalink}/published_papers` and
  `/presentations`, with `from_date`/`to_date` set to the report's fiscal year.
- ORCID: `GET {ORCID_API_URL}/{orcid}/works` (the public API's summaries), kept when the
  publication date falls in the fiscal year.
"""

import dataclasses
import datetime
import http.client
import json
import re
import unicodedata
import urllib.error
import urllib.parse
import urllib.request

import bibtexparser
import rispy
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries

from aspire import countries as country_names
from aspire import normalise
from programs.fiscal import fiscal_year_end, fiscal_year_start, format_fiscal_year
from projects import crossref, figures, reporting
from projects.models import (
    AnnualReport,
    DraftKind,
    DraftOutput,
    DraftSource,
    Event,
    EventKind,
    Paper,
    Presentation,
    paper_key,
)

DEFAULT_TIMEOUT_SECONDS = 5
MAX_BYTES = 20_000_000
MAX_DRAFTS = 1_000  # one import; a year of even a large lab is far below
ORCID_PATTERN = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
PERMALINK_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")

# What DraftOutput.problem says, as codes: the page words them in its own language.
UNREACHABLE = "unreachable"  # the service named in `detail` could not be reached
NOT_FOUND = "not_found"  # Crossref does not know the DOI
DUPLICATE = "duplicate"  # reported in another of the project's reports (`detail`)
IN_REPORT = "in_report"  # this report holds it already
INCOMPLETE = "incomplete"  # a title, date or conference is missing
OUTSIDE_YEAR = "outside_year"  # dated outside the report's fiscal year
REFUSED = "refused"  # confirming it was refused (`detail` says why)


class ServiceUnreachable(Exception):
    """No answer (network, timeout, a server error): the service, not the record, failed."""

    def __init__(self, service: str):
        super().__init__(service)
        self.service = service


class SourceError(Exception):
    """An answer or a file that could not be read; `str()` is the message for the PI."""


@dataclasses.dataclass
class Found:
    """One output as a source gave it, before it is a draft."""

    kind: str
    title: str = ""
    doi: str = ""
    venue: str = ""
    date: datetime.date | None = None
    international: bool = False
    country: str = ""
    authors: str = ""
    problem: str = ""
    detail: str = ""
    event_kind: str = ""  # an event's: workshop, symposium…
    participants: int | None = None


@dataclasses.dataclass
class Outcome:
    """What an import made: drafts, of which duplicates, and the services not reached."""

    created: int = 0
    duplicates: int = 0
    unreachable: list[str] = dataclasses.field(default_factory=list)


# --- HTTP ---------------------------------------------------------------------------------


def _get_json(url: str, service: str) -> dict | list:
    timeout = getattr(settings, "OUTPUT_SOURCES_TIMEOUT", DEFAULT_TIMEOUT_SECONDS)
    contact = getattr(settings, "DEFAULT_FROM_EMAIL", "aspire@localhost")
    headers = {"User-Agent": f"Aspire (mailto:{contact})", "Accept": "application/json"}
    # The base URLs are settings (https in production, a local replay in tests), never input.
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            message = _("%(service)s does not know this ID.") % {"service": service}
            raise SourceError(message) from None
        raise ServiceUnreachable(service) from None
    except (TimeoutError, OSError, http.client.HTTPException):
        raise ServiceUnreachable(service) from None
    try:
        if len(body) > MAX_BYTES:
            raise ValueError("too large")
        return json.loads(body)
    except ValueError:
        message = _("%(service)s sent an answer that could not be read.")
        raise SourceError(message % {"service": service}) from None


def _window(report: AnnualReport) -> tuple[datetime.date, datetime.date]:
    return fiscal_year_start(report.fiscal_year), fiscal_year_end(report.fiscal_year)


# --- researchmap ------------------------------------------------------------------------------


def clean_permalink(value: str) -> str:
    """A researchmap ID as typed or as a profile URL (https://researchmap.jp/7000012345/)."""
    value = normalise.name(value).rstrip("/")
    value = re.sub(r"^(?:https?://)?(?:api\.)?researchmap\.jp/", "", value)
    if not PERMALINK_PATTERN.fullmatch(value):
        raise SourceError(_("This is not a researchmap ID (the end of your profile's address)."))
    return value


def researchmap_outputs(permalink: str, start: datetime.date, end: datetime.date) -> list[Found]:
    """The researcher's papers and presentations published in [start, end]."""
    base = getattr(settings, "RESEARCHMAP_API_URL", "https://api.researchmap.jp").rstrip("/")
    query = urllib.parse.urlencode(
        {"from_date": start.isoformat(), "to_date": end.isoformat(), "limit": 1000}
    )
    found = []
    for kind, path in (
        (DraftKind.PAPER, "published_papers"),
        (DraftKind.PRESENTATION, "presentations"),
    ):
        url = f"{base}/{urllib.parse.quote(permalink)}/{path}?{query}"
        payload = _get_json(url, "researchmap")
        items = payload.get("items", []) if isinstance(payload, dict) else []
        found += [_researchmap_item(kind, item) for item in items if isinstance(item, dict)]
    return found


def _localised(value) -> str:
    """researchmap's {"ja": …, "en": …}: the Japanese text first, as the PI wrote it."""
    if isinstance(value, dict):
        return normalise.spaces(str(value.get("ja") or value.get("en") or ""))
    return normalise.spaces(str(value or ""))


def _researchmap_item(kind: str, item: dict) -> Found:
    date = _date(item.get("publication_date") or item.get("from_event_date") or "")
    if kind == DraftKind.PAPER:
        authors = item.get("authors") or {}
        names = authors.get("ja") or authors.get("en") or [] if isinstance(authors, dict) else []
        dois = (item.get("identifiers") or {}).get("doi") or []
        return Found(
            kind=kind,
            title=_localised(item.get("paper_title")),
            doi=normalise.doi(dois[0]) if dois else "",
            venue=_localised(item.get("publication_name")),
            date=date,
            international=bool(item.get("is_international_collaboration")),
            authors="; ".join(str(n.get("name", "")) for n in names if isinstance(n, dict)),
        )
    return Found(
        kind=kind,
        title=_localised(item.get("presentation_title")),
        venue=_localised(item.get("event")),
        date=date,
        international=bool(item.get("is_international_presentation")),
        country=_country(str(item.get("address_country") or "")),
    )


def _country(cell: str) -> str:
    """researchmap names countries by ISO alpha-3 (JPN, USA), a spreadsheet often by name
    (ドイツ, Germany); rows keep alpha-2."""
    code = cell.strip().upper()
    if len(code) == 3 and countries.alpha2(code):
        return countries.alpha2(code)
    if code in dict(countries):
        return code
    return country_names.code_for(cell)


def _date(text: str) -> datetime.date | None:
    """2025-06-01, 2025-06 or 2025 (a month or a year alone means its first day)."""
    match = re.match(r"^(\d{4})(?:[-/.](\d{1,2}))?(?:[-/.](\d{1,2}))?", str(text).strip())
    if not match:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


# --- ORCID ------------------------------------------------------------------------------------


def clean_orcid(value: str) -> str:
    value = normalise.name(value).rstrip("/")
    value = re.sub(r"^(?:https?://)?orcid\.org/", "", value, flags=re.IGNORECASE).upper()
    if not ORCID_PATTERN.fullmatch(value):
        raise SourceError(_("This is not an ORCID iD (0000-0000-0000-0000)."))
    return value


def orcid_works(orcid: str, start: datetime.date, end: datetime.date) -> list[Found]:
    """The researcher's works dated in [start, end] (ORCID cannot filter: we do)."""
    base = getattr(settings, "ORCID_API_URL", "https://pub.orcid.org/v3.0").rstrip("/")
    payload = _get_json(f"{base}/{orcid}/works", "ORCID")
    found = []
    for group in payload.get("group", []) if isinstance(payload, dict) else []:
        summaries = group.get("work-summary") or []
        if summaries:
            work = _orcid_work(summaries[0])
            if work.date and start <= work.date <= end:
                found.append(work)
    return found


def _value(node, *path) -> str:
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return str(node or "")


def _orcid_work(summary: dict) -> Found:
    ids = (summary.get("external-ids") or {}).get("external-id") or []
    doi = next(
        (_value(i, "external-id-value") for i in ids if _value(i, "external-id-type") == "doi"),
        "",
    )
    date = summary.get("publication-date") or {}
    year, month, day = (_value(date, part, "value") for part in ("year", "month", "day"))
    kind = (
        DraftKind.PRESENTATION
        if summary.get("type") in {"conference-presentation", "lecture-speech", "conference-poster"}
        else DraftKind.PAPER
    )
    return Found(
        kind=kind,
        title=normalise.spaces(_value(summary, "title", "title", "value")),
        doi=normalise.doi(doi) if doi else "",
        venue=normalise.spaces(_value(summary, "journal-title", "value")),
        date=_date("-".join(part for part in (year, month, day) if part)),
    )


# --- Files ------------------------------------------------------------------------------------

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_TALKS = {"inproceedings", "conference", "presentation", "talk"}


def parse_bibtex(text: str) -> list[Found]:
    library = bibtexparser.parse_string(text)
    if not library.entries:
        raise SourceError(_("No BibTeX entry could be read from this file."))
    return [_bibtex_entry(entry) for entry in library.entries]


def _bibtex_entry(entry) -> Found:
    fields = {field.key.lower(): _bibtex_text(field.value) for field in entry.fields}
    month = fields.get("month", "").lower()[:3]
    month = str(_MONTHS.get(month, month if month.isdigit() else "1"))
    date = fields.get("date") or "-".join(p for p in (fields.get("year", ""), month) if p)
    talk = entry.entry_type.lower() in _TALKS and not fields.get("doi")
    return Found(
        kind=DraftKind.PRESENTATION if talk else DraftKind.PAPER,
        title=fields.get("title", ""),
        doi=normalise.doi(fields["doi"]) if fields.get("doi") else "",
        venue=fields.get("journal") or fields.get("booktitle") or fields.get("eventtitle", ""),
        date=_date(date) if fields.get("year") or fields.get("date") else None,
        authors="; ".join(a.strip() for a in fields.get("author", "").split(" and ") if a.strip()),
    )


def _bibtex_text(value) -> str:
    """Braces that keep capitals ({T} cells) are not part of the text."""
    return normalise.spaces(str(value).replace("{", "").replace("}", ""))


def parse_ris(text: str) -> list[Found]:
    try:
        entries = rispy.loads(text)
    except Exception:  # rispy raises bare errors on a broken file  # noqa: BLE001
        entries = []
    if not entries:
        raise SourceError(_("No RIS record could be read from this file."))
    return [_ris_entry(entry) for entry in entries]


def _ris_entry(entry: dict) -> Found:
    talk = entry.get("type_of_reference") in {"CONF", "CPAPER", "SLIDE"} and not entry.get("doi")
    date = entry.get("date") or entry.get("publication_year") or entry.get("year") or ""
    return Found(
        kind=DraftKind.PRESENTATION if talk else DraftKind.PAPER,
        title=normalise.spaces(entry.get("title") or entry.get("primary_title") or ""),
        doi=normalise.doi(entry["doi"]) if entry.get("doi") else "",
        venue=normalise.spaces(
            entry.get("journal_name")
            or entry.get("secondary_title")
            or entry.get("alternate_title3")
            or ""
        ),
        date=_date(str(date).strip("/")),
        authors="; ".join(entry.get("authors") or entry.get("first_authors") or []),
    )


def read_file(content: bytes, name: str) -> list[Found]:
    """A BibTeX (.bib) or RIS (.ris) file, told apart by its name, else by its text."""
    text = content.decode("utf-8-sig", errors="replace")
    if name.lower().endswith(".ris") or re.match(r"^\s*TY  - ", text):
        return parse_ris(text)
    return parse_bibtex(text)


# --- A paste from a spreadsheet -------------------------------------------------------------

_YES = {"yes", "y", "true", "1", "はい", "有", "あり", "国際", "○", "〇"}


def parse_paste(text: str, kind: str) -> list[Found]:
    """Rows copied from Excel (tab-separated), in the columns the page names: for
    presentations title, conference, date, international, country; for events kind,
    title, date, country, participants; for papers DOI, title, journal, date,
    international co-authored. A header row is skipped."""
    found = []
    for line in text.splitlines():
        cells = [normalise.spaces(cell) for cell in line.split("\t")]
        if not any(cells):
            continue
        cells += [""] * (5 - len(cells))
        intl = ""
        if kind == DraftKind.PRESENTATION:
            title, venue, date, intl, country = cells[:5]
            item = Found(kind, title=title, venue=venue, country=_country(country))
        elif kind == DraftKind.EVENT:
            event_kind, title, date, country, participants = cells[:5]
            item = Found(
                kind,
                title=title,
                event_kind=_event_kind(event_kind),
                country=_country(country),
                participants=_count(participants),
            )
        else:
            doi, title, venue, date, intl = cells[:5]
            item = Found(kind, title=title, venue=venue, doi=normalise.doi(doi) if doi else "")
        item.date = _date(date)
        if item.date is None and not found and date:
            continue  # the header row
        item.international = intl.casefold() in _YES
        found.append(item)
    return found


def _event_kind(cell: str) -> str:
    """An event's kind by its code or its label in Japanese or English (ワークショップ,
    Workshop); "" when it is none of them, so that the draft says what is missing."""
    value = cell.casefold()
    for code, label in EventKind.choices:
        names = {code}
        for language in ("ja", "en"):
            with translation.override(language):
                names.add(str(label).casefold())
        if value in names:
            return code
    return ""


def _count(cell: str) -> int | None:
    digits = unicodedata.normalize("NFKC", cell).replace(",", "").strip()
    return int(digits) if digits.isdigit() else None


# --- DOIs ---------------------------------------------------------------------------------

UNREACHABLE_IN_A_ROW = 3  # Crossref is down: the rest are made from the DOI alone, at once


def from_dois(text: str) -> tuple[list[Found], bool]:
    """A draft per DOI, filled from Crossref; with Crossref down, from the DOI alone.
    Returns the drafts and whether Crossref could not be reached."""
    dois = crossref.parse_dois(text)
    if len(dois) > (limit := settings.DOI_PASTE_LIMIT):
        message = _("Paste at most %(limit)d DOIs at a time; this paste has %(count)d.")
        raise SourceError(message % {"limit": limit, "count": len(dois)})
    found, failures, down = [], 0, False
    for doi in dois:
        if down:
            found.append(Found(DraftKind.PAPER, doi=doi, problem=UNREACHABLE, detail="Crossref"))
            continue
        try:
            work = crossref.fetch_work(doi)
        except crossref.CrossrefError as error:
            unreachable = error.reason in crossref.UNREACHABLE | {"http"}
            failures = failures + 1 if unreachable else 0
            down = failures >= UNREACHABLE_IN_A_ROW
            problem = UNREACHABLE if unreachable else NOT_FOUND
            found.append(Found(DraftKind.PAPER, doi=doi, problem=problem, detail="Crossref"))
            continue
        failures = 0
        found.append(
            Found(
                DraftKind.PAPER,
                title=work.title[:1000],
                doi=work.doi,
                venue=work.journal[:300],
                date=work.published_on,
                international=work.international,
                authors=work.authors,
            )
        )
    unreachable = any(f.problem == UNREACHABLE for f in found)
    return found, unreachable


# --- Drafts -------------------------------------------------------------------------------


def _key(found: Found | DraftOutput) -> tuple:
    if found.kind == DraftKind.PAPER:
        return (found.kind, paper_key(found.doi, found.title))
    return (found.kind, found.title, found.date)  # a talk or an event: its title and day


def _reported(report: AnnualReport) -> dict[tuple, AnnualReport]:
    """The project's outputs already reported, by what names them, with their report."""
    taken: dict[tuple, AnnualReport] = {}
    papers = Paper.objects.filter(project=report.project_id).select_related("report")
    for paper in papers:
        taken[(DraftKind.PAPER, paper.dedupe_key)] = paper.report
    talks = Presentation.objects.filter(project=report.project_id).select_related("report")
    for talk in talks:
        taken[(DraftKind.PRESENTATION, talk.title, talk.presented_on)] = talk.report
    events = Event.objects.filter(project=report.project_id).select_related("report")
    for event in events:
        taken[(DraftKind.EVENT, event.title, event.held_on)] = event.report
    return taken


@transaction.atomic
def make_drafts(report: AnnualReport, found: list[Found], source: str) -> Outcome:
    """Drafts of what a source gave, each flagged when it is reported already (in another
    year or this one), incomplete or outside the fiscal year; one not already waiting."""
    report = reporting.lock(report)
    if report.status not in reporting.EDITABLE:
        raise reporting.ValidationError(_("A submitted or accepted report cannot be edited."))
    taken = _reported(report)
    waiting = {_key(draft) for draft in report.drafts.all()}
    start, end = _window(report)
    outcome = Outcome()
    drafts = []
    for item in found[:MAX_DRAFTS]:
        key = _key(item)
        if not (item.title or item.doi) or key in waiting:
            continue
        waiting.add(key)
        problem, detail, duplicate = item.problem, item.detail, False
        if (other := taken.get(key)) is not None:
            duplicate = True
            problem = IN_REPORT if other.pk == report.pk else DUPLICATE
            detail = "" if other.pk == report.pk else str(other.pk)
        elif not problem and _incomplete(item):
            problem = INCOMPLETE
        elif not problem and not start <= item.date <= end:
            problem = OUTSIDE_YEAR
        outcome.duplicates += duplicate
        drafts.append(
            DraftOutput(
                report=report,
                kind=item.kind,
                source=source,
                title=item.title[:1000],
                doi=item.doi[:200],
                venue=item.venue[:300],
                date=item.date,
                international=item.international,
                country=item.country,
                authors=item.authors,
                event_kind=item.event_kind,
                participants=item.participants,
                problem=problem,
                detail=detail[:500],
                duplicate=duplicate,
            )
        )
    DraftOutput.objects.bulk_create(drafts)
    outcome.created = len(drafts)
    return outcome


def _incomplete(item: Found | DraftOutput) -> bool:
    if item.kind == DraftKind.PRESENTATION:
        return not (item.title and item.venue and item.date)
    if item.kind == DraftKind.EVENT:
        return not (item.title and item.event_kind and item.date)
    return not (item.title and item.date)


def bring_in(report: AnnualReport, researchmap_id: str = "", orcid: str = "") -> Outcome:
    """This fiscal year's outputs from researchmap and ORCID, as drafts. A service that
    cannot be reached is named in `unreachable`; the other's drafts are still made."""
    start, end = _window(report)
    outcome = Outcome()
    for service, fetch, ident in (
        ("researchmap", researchmap_outputs, researchmap_id),
        ("ORCID", orcid_works, orcid),
    ):
        if not ident:
            continue
        try:
            found = fetch(ident, start, end)
        except ServiceUnreachable:
            outcome.unreachable.append(service)
            continue
        source = DraftSource.RESEARCHMAP if service == "researchmap" else DraftSource.ORCID
        made = make_drafts(report, found, source)
        outcome.created += made.created
        outcome.duplicates += made.duplicates
    return outcome


def draft_problem(draft: DraftOutput, reports: dict | None = None) -> str:
    """What is wrong with a draft, in the page's language (the codes of this module);
    `reports` are the other reports named by duplicates, by id, fetched once per page."""
    if draft.problem == UNREACHABLE:
        return _("%(service)s could not be reached: complete the row by hand, or try again.") % {
            "service": draft.detail or draft.get_source_display()
        }
    if draft.problem == NOT_FOUND:
        return _("Crossref does not know this DOI: complete the row by hand.")
    if draft.problem == DUPLICATE:
        if reports is None:
            reports = named_reports([draft])
        other = reports.get(draft.detail)
        name = reporting.describe(other) if other else _("another report")
        return _("Already reported in %(report)s: it will not be counted again.") % {"report": name}
    if draft.problem == IN_REPORT:
        return _("Already in this report.")
    if draft.problem == INCOMPLETE and draft.kind == DraftKind.EVENT:
        return _(
            "A title, a date or the kind of event (workshop, symposium, seminar, lecture "
            "tour, other) is missing: correct the row and paste it again."
        )
    if draft.problem == INCOMPLETE:
        return _("A title, a date or a conference is missing: complete it before confirming.")
    if draft.problem == OUTSIDE_YEAR:
        return _("Dated outside %(year)s.") % {"year": format_fiscal_year(draft.report.fiscal_year)}
    return draft.detail


def named_reports(drafts: list[DraftOutput]) -> dict[str, AnnualReport]:
    """The reports the duplicate drafts name, in one query."""
    ids = {int(d.detail) for d in drafts if d.problem == DUPLICATE and d.detail.isdigit()}
    reports = AnnualReport.objects.filter(pk__in=ids).select_related("project") if ids else []
    return {str(report.pk): report for report in reports}


def _row(draft: DraftOutput, report: AnnualReport):
    if draft.kind == DraftKind.PAPER:
        return Paper(
            report=report,
            doi=draft.doi,
            title=draft.title,
            journal=draft.venue,
            published_on=draft.date,
            international_coauthored=draft.international,
            authors=draft.authors,
        )
    if draft.kind == DraftKind.EVENT:
        return Event(
            report=report,
            kind=draft.event_kind,
            title=draft.title,
            held_on=draft.date,
            country=draft.country,
            participants=draft.participants,
        )
    return Presentation(
        report=report,
        title=draft.title,
        conference=draft.venue,
        presented_on=draft.date,
        international=draft.international,
        country=draft.country,
    )


@transaction.atomic
def confirm(report: AnnualReport, draft_ids: list[int]) -> tuple[int, int]:
    """The ticked drafts become rows of the report, each through reporting.add_row (every
    rule of a report). Returns (confirmed, refused); a refused draft stays, saying why.

    One transaction: add_row's own (a savepoint) undoes a refused row alone, and the
    confirmed drafts go in one delete at the end; the cost is six queries a row (the
    savepoint and its release, the report's lock, the unique check, the row, its history)."""
    confirmed, refused = [], 0
    drafts = report.drafts.filter(pk__in=draft_ids).order_by("pk")
    with figures.batched():  # the report's stored figures, refreshed once at the end
        for draft in drafts:
            if draft.duplicate or _incomplete(draft):
                refused += 1
                continue
            try:
                reporting.add_row(report, _row(draft, report))
                confirmed.append(draft.pk)
            except reporting.ValidationError as error:
                _refuse(draft, " ".join(error.messages))
                refused += 1
            except IntegrityError:
                _refuse(draft, _("The same row is already in this project's reports."))
                refused += 1
    if confirmed:
        DraftOutput.objects.filter(pk__in=confirmed).delete()
    return len(confirmed), refused


def _refuse(draft: DraftOutput, message: str) -> None:
    DraftOutput.objects.filter(pk=draft.pk).update(problem=REFUSED, detail=message[:500])


def discard(report: AnnualReport, draft_ids: list[int]) -> int:
    if report.status not in reporting.EDITABLE:
        raise reporting.ValidationError(_("A submitted or accepted report cannot be edited."))
    return report.drafts.filter(pk__in=draft_ids).delete()[0]
