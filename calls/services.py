"""What staff do with calls and proposals: assigning reviewers, scoring, rejecting."""

from django.core.exceptions import ValidationError
from django.db import transaction
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
