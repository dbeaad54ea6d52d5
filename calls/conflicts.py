"""Conflicts of interest found, not only declared: plain functions, no state of their own.

A reviewer may not review a proposal when
- they declared a conflict with it (ConflictOfInterest);
- they work, or worked within the last `CONFLICT_YEARS` years, at a PI's institution
  (their account's institution, and their ReviewerAffiliation history): the same name
  however it is spelt, or the same ROR id where both sides have one (東京大学 and The
  University of Tokyo are both 057zh3y96);
- they work or worked (same years) for a funding agency of the partner PI's country;
- they co-authored with either PI: from OpenAlex (their linked researcher's ORCID, the
  works' authorships, matched on the PI's ORCID or name) and from the sources other apps
  register with `register` — projects registers the papers Aspire holds
  (projects/coauthors.py), as calls may not import projects.

Every check takes one reviewer and many proposals, so that the bulk assignment asks the
database and OpenAlex once per reviewer, not once per pair.
"""

import dataclasses
import datetime
import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from aspire import normalise
from calls.models import ConflictOfInterest, Proposal, ReviewerAffiliation

logger = logging.getLogger(__name__)

DEFAULT_CONFLICT_YEARS = 3
OPENALEX_TIMEOUT_SECONDS = 3
OPENALEX_CACHE_SECONDS = 24 * 3600
MAX_OPENALEX_BYTES = 10_000_000


@dataclasses.dataclass(frozen=True)
class Conflict:
    kind: str  # declared, institution, agency, coauthor
    reason: str


# A source: (reviewer, proposals) -> {proposal pk: [Conflict, ...]}.
Source = Callable[[object, list[Proposal]], dict[int, list[Conflict]]]
SOURCES: list[Source] = []


def register(source: Source) -> None:
    """Add a source of conflicts that calls cannot compute itself (once per source)."""
    if source not in SOURCES:
        SOURCES.append(source)


def conflict_years() -> int:
    return getattr(settings, "CONFLICT_YEARS", DEFAULT_CONFLICT_YEARS)


def _key(text: str) -> str:
    return normalise.person_key(text or "")


def _pis(proposal: Proposal) -> list:
    return [pi for pi in (proposal.jp_pi, proposal.partner_pi) if pi is not None]


def _places(holders: Iterable) -> set[str]:
    """Where a reviewer works or worked: each institution's name key and its ROR id."""
    places = set()
    for holder in holders:
        if holder.institution:
            places.add(_key(holder.institution))
        if holder.institution_ror:
            places.add(f"ror:{holder.institution_ror}")
    return places


def _works_at(pi, places: set[str]) -> bool:
    by_name = bool(pi.institution) and _key(pi.institution) in places
    return by_name or (bool(pi.institution_ror) and f"ror:{pi.institution_ror}" in places)


def _recent(affiliations: Iterable[ReviewerAffiliation], today: datetime.date) -> list:
    since = today.year - conflict_years()
    return [a for a in affiliations if a.end_year is None or a.end_year >= since]


def find_conflicts(reviewer, proposals: Iterable[Proposal], look_up: bool = True) -> dict:
    """{proposal pk: [Conflict, ...]} for every proposal with at least one conflict.

    `look_up=False` skips OpenAlex (a network call; cached a day per reviewer)."""
    proposals = list(proposals)
    found: dict[int, list[Conflict]] = {}

    def add(proposal_pk: int, conflict: Conflict) -> None:
        found.setdefault(proposal_pk, []).append(conflict)

    declared = set(
        ConflictOfInterest.objects.filter(reviewer=reviewer, proposal__in=proposals).values_list(
            "proposal", flat=True
        )
    )
    affiliations = _recent(
        ReviewerAffiliation.objects.filter(reviewer=reviewer).select_related("agency"),
        timezone.localdate(),
    )
    places = _places([reviewer, *affiliations])
    agencies = [a.agency for a in affiliations if a.agency_id]
    coauthors = openalex_coauthors(reviewer) if look_up else None
    for proposal in proposals:
        for kind, reason in _reasons(reviewer, proposal, declared, places, agencies, coauthors):
            add(proposal.pk, Conflict(kind, reason))
    for source in SOURCES:
        for proposal_pk, conflicts in source(reviewer, proposals).items():
            for conflict in conflicts:
                add(proposal_pk, conflict)
    return found


def _reasons(reviewer, proposal, declared, places, agencies, coauthors):
    """(kind, reason) of each conflict of one proposal, from what find_conflicts read."""
    names = {"reviewer": reviewer, "years": conflict_years()}
    if proposal.pk in declared:
        yield (
            "declared",
            _("%(reviewer)s declared a conflict of interest with this proposal.") % names,
        )
    for pi in _pis(proposal):
        where = pi.institution or f"ROR {pi.institution_ror}"
        pi_names = names | {"institution": where, "pi": pi.name}
        if _works_at(pi, places):
            yield (
                "institution",
                _(
                    "%(reviewer)s works or worked within %(years)s years at %(institution)s, "
                    "like the PI %(pi)s."
                )
                % pi_names,
            )
        if coauthors and _coauthored(pi, coauthors):
            yield (
                "coauthor",
                _("%(reviewer)s co-authored with the PI %(pi)s (OpenAlex).") % pi_names,
            )
    partner = proposal.partner_pi
    for agency in agencies:
        if partner is not None and partner.country and agency.country == partner.country:
            yield (
                "agency",
                _(
                    "%(reviewer)s works or worked for %(agency)s, "
                    "an agency of the partner PI's country."
                )
                % (names | {"agency": agency}),
            )


def conflicts_of(reviewer, proposal: Proposal, look_up: bool = True) -> list[Conflict]:
    return find_conflicts(reviewer, [proposal], look_up=look_up).get(proposal.pk, [])


# --- OpenAlex ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Coauthors:
    orcids: frozenset[str]
    names: frozenset[str]


def _coauthored(pi, coauthors: Coauthors) -> bool:
    if pi.orcid and pi.orcid in coauthors.orcids:
        return True
    return _key(pi.name) in coauthors.names


def _reviewer_orcid(reviewer) -> str:
    researcher = getattr(reviewer, "researcher", None)
    return researcher.orcid if researcher is not None else ""


def openalex_coauthors(reviewer) -> Coauthors | None:
    """The co-authors of the reviewer's works in OpenAlex (by their researcher's ORCID),
    or None without an ORCID, without OPENALEX_API_URL, or when OpenAlex does not answer
    within OPENALEX_TIMEOUT seconds (logged: the other checks still run)."""
    base = getattr(settings, "OPENALEX_API_URL", "")
    orcid = _reviewer_orcid(reviewer)
    if not base or not orcid:
        return None
    key = f"openalex:coauthors:{orcid}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    query = urllib.parse.urlencode(
        {"filter": f"author.orcid:{orcid}", "select": "id,authorships", "per-page": 200}
    )
    url = f"{base.rstrip('/')}/works?{query}"
    timeout = getattr(settings, "OPENALEX_TIMEOUT", OPENALEX_TIMEOUT_SECONDS)
    # The base URL is a setting (a local replay in tests), never input.
    agent = {"User-Agent": "Aspire (conflicts of interest)"}
    request = urllib.request.Request(url, headers=agent)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            works = json.loads(response.read(MAX_OPENALEX_BYTES))
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError):
        logger.warning("OpenAlex not asked about %s: no answer", orcid, exc_info=True)
        return None
    orcids, names = set(), set()
    for work in works.get("results", []):
        for authorship in work.get("authorships", []):
            author = authorship.get("author") or {}
            their_orcid = (author.get("orcid") or "").rsplit("/", 1)[-1]
            if their_orcid == orcid:
                continue
            if their_orcid:
                orcids.add(their_orcid)
            if author.get("display_name"):
                names.add(_key(author["display_name"]))
    coauthors = Coauthors(frozenset(orcids), frozenset(names))
    cache.set(key, coauthors, OPENALEX_CACHE_SECONDS)
    return coauthors
