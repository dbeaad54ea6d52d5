"""Papers by DOI: a job fetches the Crossref record and fills the paper row for the PI.

Crossref's REST API (`GET {CROSSREF_API_URL}/works/{doi}`) is called for real; tests
replay recorded responses from a local server. When Crossref cannot be reached or does
not know the DOI, the lookup fails with a message and the PI enters the paper by hand.
"""

import dataclasses
import datetime
import json
import re
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_countries import countries

from projects.models import AnnualReport, DoiLookup, LookupStatus, Paper, paper_key

TIMEOUT_SECONDS = 5
DOI_PATTERN = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
# Names in affiliations that are not the country's ISO short name.
COUNTRY_ALIASES = {
    "USA": "US",
    "U.S.A.": "US",
    "United States": "US",
    "UK": "GB",
    "U.K.": "GB",
    "United Kingdom": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Korea": "KR",
    "South Korea": "KR",
    "Republic of Korea": "KR",
    "Taiwan": "TW",
    "The Netherlands": "NL",
    "Czech Republic": "CZ",
    "Russia": "RU",
    "Vietnam": "VN",
}


class CrossrefError(Exception):
    """Crossref did not give a usable record; the message is for the PI."""


@dataclasses.dataclass(frozen=True)
class Work:
    doi: str
    title: str
    journal: str
    published_on: datetime.date
    authors: str
    countries: list[str]

    @property
    def international(self) -> bool:
        """More than one country among the affiliations: likely international co-authorship."""
        return len(self.countries) > 1


def normalise_doi(text: str) -> str:
    doi = text.strip()
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.IGNORECASE)
    return doi.strip().lower()


def parse_dois(text: str) -> list[str]:
    """Every DOI in pasted text (lines, spaces, commas or URLs), once each, in order."""
    found = (normalise_doi(match.rstrip(".,;")) for match in DOI_PATTERN.findall(text))
    return list(dict.fromkeys(found))


def fetch_work(doi: str) -> Work:
    base = getattr(settings, "CROSSREF_API_URL", "https://api.crossref.org")
    url = f"{base}/works/{urllib.parse.quote(doi, safe='/')}"
    # The base is a setting (https in production, a local replay in tests), never user input.
    headers = {"User-Agent": "Aspire (mailto:aspire@localhost)"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            payload = json.load(response)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise CrossrefError(_("Crossref does not know this DOI.")) from None
        raise CrossrefError(
            _("Crossref answered with an error (%(code)s).") % {"code": error.code}
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError):
        raise CrossrefError(
            _("Crossref could not be reached; please enter the paper by hand.")
        ) from None
    except ValueError:
        raise CrossrefError(_("Crossref sent a record that could not be read.")) from None
    return _work(doi, payload)


def _work(doi: str, payload: dict) -> Work:
    try:
        record = payload["message"]
        authors = record.get("author", [])
        return Work(
            doi=doi,
            title=" ".join(record["title"][0].split()),
            journal=(record.get("container-title") or [""])[0],
            published_on=_published(record),
            authors="; ".join(_name(author) for author in authors),
            countries=sorted({c for a in authors for c in _countries(a)}),
        )
    except (KeyError, IndexError, TypeError, ValueError):
        raise CrossrefError(_("Crossref sent a record that could not be read.")) from None


def _published(record: dict) -> datetime.date:
    for field in ("published", "published-print", "published-online", "issued"):
        parts = (record.get(field) or {}).get("date-parts", [[]])[0]
        if parts and parts[0]:
            year, month, day = (list(parts) + [1, 1])[:3]
            return datetime.date(int(year), int(month), int(day))
    raise ValueError("no publication date")


def _name(author: dict) -> str:
    return " ".join(part for part in (author.get("given"), author.get("family")) if part)


def _countries(author: dict) -> set[str]:
    found = set()
    for affiliation in author.get("affiliation", []):
        last = affiliation.get("name", "").split(",")[-1].strip().rstrip(".")
        code = COUNTRY_ALIASES.get(last) or countries.by_name(last)
        if code:
            found.add(code)
    return found


# --- Lookups: what the PI's paste starts and the job finishes --------------------------------


def request_lookups(report: AnnualReport, text: str) -> list[DoiLookup]:
    """A lookup per new DOI; DOIs already in the report or being looked up are skipped."""
    from projects.tasks import lookup_doi  # tasks sit on top of this module

    reported = Paper.objects.filter(project=report.project_id).exclude(doi="")
    known = set(reported.values_list("dedupe_key", flat=True))
    lookups = []
    for doi in parse_dois(text):
        if paper_key(doi, "") in known:
            continue
        lookup, created = DoiLookup.objects.get_or_create(report=report, doi=doi)
        if created:
            lookups.append(lookup)
            lookup_doi.delay_on_commit(lookup.pk)
    return lookups


def run_lookup(lookup_id: int) -> None:
    """Fetch one DOI and fill its paper row; a lookup already finished is left alone."""
    lookup = DoiLookup.objects.select_related("report").filter(pk=lookup_id).first()
    if lookup is None or lookup.status != LookupStatus.PENDING:
        return
    try:
        work = fetch_work(lookup.doi)
    except CrossrefError as error:
        _finish(lookup, LookupStatus.FAILED, str(error))
        return
    _record(lookup, work)


def _record(lookup: DoiLookup, work: Work) -> None:
    paper = Paper(
        report=lookup.report,
        doi=work.doi,
        title=work.title[:1000],
        journal=work.journal[:300],
        published_on=work.published_on,
        authors=work.authors,
        affiliation_countries=",".join(work.countries),
        international_coauthored=work.international,
    )
    message = (
        _("Suggested: international co-authored (%(countries)s); please confirm.")
        % {"countries": ", ".join(work.countries)}
        if work.international
        else ""
    )
    try:
        with transaction.atomic():
            paper.save()
    except IntegrityError:
        _finish(lookup, LookupStatus.FAILED, _("This paper is already reported for this project."))
        return
    lookup.paper = paper
    _finish(lookup, LookupStatus.FOUND, message)


def _finish(lookup: DoiLookup, status: str, message: str) -> None:
    lookup.status, lookup.message = status, message[:500]
    lookup.save(update_fields=["status", "message", "paper"])
