"""What staff do with calls and proposals: assigning reviewers, scoring, rejecting."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from accounts.models import User
from calls.models import Proposal, ProposalStatus, Review


def _same_institution(a: str, b: str) -> bool:
    return bool(a.strip()) and a.strip().casefold() == b.strip().casefold()


def conflict_of_interest(reviewer: User, proposal: Proposal) -> str | None:
    """Why this reviewer may not review this proposal, or None if they may."""
    pis = [pi for pi in (proposal.jp_pi, proposal.partner_pi) if pi is not None]
    for pi in pis:
        if _same_institution(reviewer.institution, pi.institution):
            return _("%(reviewer)s works at %(institution)s, like the PI %(pi)s.") % {
                "reviewer": reviewer,
                "institution": pi.institution,
                "pi": pi.name,
            }
    if proposal.conflicts.filter(reviewer=reviewer).exists():
        return _("%(reviewer)s declared a conflict of interest with this proposal.") % {
            "reviewer": reviewer
        }
    return None


def assign_reviewer(proposal: Proposal, reviewer: User) -> Review:
    """Assign a reviewer, refusing conflicts of interest; assigning twice is harmless."""
    reason = conflict_of_interest(reviewer, proposal)
    if reason:
        raise ValidationError({"reviewer": reason})
    review, _created = Review.objects.get_or_create(proposal=proposal, reviewer=reviewer)
    return review


REJECTABLE = {ProposalStatus.SUBMITTED, ProposalStatus.UNDER_REVIEW}


@transaction.atomic
def reject(proposals) -> int:
    """Reject proposals still under consideration; adopted ones keep their project."""
    count = 0
    for proposal in proposals.select_for_update().filter(status__in=REJECTABLE):
        proposal.status = ProposalStatus.REJECTED
        proposal.save(update_fields=["status"])  # save(), not update(): history records it
        count += 1
    return count


def call_summary(proposals) -> dict:
    """Received, adopted, rate, adoptable and adoptable-but-not-adopted, as in 000 §3.

    `proposals` is a queryset of one call's (or one program's) proposals; withdrawn ones
    are not counted as received, as in indicators.md. One query: a count per
    (status, adoptable) group, of which there are at most ten.
    """
    groups = (
        proposals.exclude(status=ProposalStatus.WITHDRAWN)
        .with_scores()
        .values("status", "adoptable")
        .annotate(n=Count("pk"))
        .order_by()
    )
    figures = {"received": 0, "adopted": 0, "adoptable": 0, "adoptable_not_adopted": 0}
    for group in groups:
        adopted = group["status"] == ProposalStatus.ADOPTED
        figures["received"] += group["n"]
        figures["adopted"] += group["n"] if adopted else 0
        figures["adoptable"] += group["n"] if group["adoptable"] else 0
        figures["adoptable_not_adopted"] += group["n"] if group["adoptable"] and not adopted else 0
    figures["rate"] = percentage(figures["adopted"], figures["received"])
    return figures


def percentage(part: int, whole: int):
    """100 * part / whole to one decimal, half away from zero; None for an empty whole."""
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
