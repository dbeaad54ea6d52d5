"""Co-authorship from the papers Aspire holds: a source of calls/conflicts.py.

It lives here because it reads papers (projects) about proposals (calls), and calls may
not import projects; projects/apps.py registers it with `calls.conflicts.register`.

A reviewer co-authored with a PI when one paper reported in Aspire lists both among its
authors (names compared as calls/conflicts.py compares them: NFKC, case and spaces
ignored), or when the reviewer is a member of a project the PI led.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from aspire import normalise
from calls.conflicts import Conflict
from projects.models import Paper, Project


def _key(text: str) -> str:
    return normalise.person_key(text or "")


def _author_keys(authors: str) -> set[str]:
    parts = authors.replace(";", ",").replace("\n", ",").split(",")
    return {_key(part) for part in parts if part.strip()}


def papers_in_common(reviewer, proposals) -> dict[int, list[Conflict]]:
    """{proposal pk: [Conflict]} for the PIs the reviewer wrote a paper with: one query
    for the papers naming the reviewer, one for the projects they belong to."""
    name = reviewer.full_name or getattr(getattr(reviewer, "researcher", None), "name", "")
    found: dict[int, list[Conflict]] = {}
    pis = {pi.pk: pi for p in proposals for pi in (p.jp_pi, p.partner_pi) if pi is not None}
    if not pis:
        return found
    coauthors: set[str] = set()
    if name:
        first_word = normalise.name(name).split(" ")[0]
        papers = Paper.objects.filter(authors__icontains=first_word).values_list(
            "authors", flat=True
        )
        for authors in papers:
            keys = _author_keys(authors)
            if _key(name) in keys:
                coauthors |= keys
    led = set(
        Project.objects.filter(memberships__user=reviewer)
        .filter(Q(proposal__jp_pi__in=pis) | Q(proposal__partner_pi__in=pis))
        .values_list("proposal__jp_pi", "proposal__partner_pi")
    )
    led_pis = {pk for pair in led for pk in pair if pk is not None}
    for proposal in proposals:
        for pi in (proposal.jp_pi, proposal.partner_pi):
            if pi is None:
                continue
            if _key(pi.name) in coauthors:
                reason = _("%(reviewer)s co-authored a paper in Aspire with the PI %(pi)s.")
            elif pi.pk in led_pis:
                reason = _("%(reviewer)s is a member of a project of the PI %(pi)s.")
            else:
                continue
            conflict = Conflict("coauthor", reason % {"reviewer": reviewer, "pi": pi.name})
            found.setdefault(proposal.pk, []).append(conflict)
    return found
