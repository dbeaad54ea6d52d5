"""Papers by DOI: the Crossref record of a DOI, for the drafts a pasted list of DOIs makes
(projects/sources.py `from_dois`), which the PI confirms on the report page.

Crossref's REST API (`GET {CROSSREF_API_URL}/works/{doi}`) is called for real; tests
replay recorded responses from a local server. When Crossref cannot be reached, does not
answer within `CROSSREF_TIMEOUT` seconds (5) or does not know the DOI, `fetch_work` raises
`CrossrefError` with its reason, and the draft says so.

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
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries

from aspire import normalise

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


# The reasons that say Crossref could not be reached, rather than that it lacks the DOI.
UNREACHABLE = {"timeout", "network"}


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
