"""What staff do with calls and proposals: assigning reviewers, scoring, rejecting."""

import dataclasses
import datetime
import statistics
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from aspire import versions
from calls import conflicts
from calls.models import (
    SCORE_MAX,
    SCORE_MIN,
    Call,
    ConflictOfInterest,
    Proposal,
    ProposalStatus,
    Review,
    ReviewPhase,
)


def conflict_of_interest(reviewer: User, proposal: Proposal) -> str | None:
    """Why this reviewer may not review this proposal, or None if they may (the first of
    calls/conflicts.py's reasons)."""
    found = conflicts.conflicts_of(reviewer, proposal)
    return found[0].reason if found else None


def assign_reviewer(proposal: Proposal, reviewer: User, due_on=None) -> Review:
    """Assign a reviewer, refusing conflicts of interest; assigning twice is harmless.
    The review is due on `due_on`, else on the call's due date."""
    existing = Review.objects.filter(proposal=proposal, reviewer=reviewer).first()
    if existing is not None:
        return existing
    reason = conflict_of_interest(reviewer, proposal)
    if reason:
        raise ValidationError({"reviewer": reason})
    review = Review(
        proposal=proposal, reviewer=reviewer, due_on=due_on or proposal.call.review_due_on
    )
    review.save()
    return review


@dataclasses.dataclass
class Assignment:
    proposal: Proposal
    reviewer: User
    refused: list[conflicts.Conflict]
    exists: bool


def plan_assignments(proposals, reviewers) -> list[Assignment]:
    """Every (proposal, reviewer) pair of a bulk assignment, with its conflicts: one
    conflict search per reviewer over all the proposals."""
    proposals = list(proposals.select_related("call", "jp_pi", "partner_pi"))
    existing = set(
        Review.objects.filter(proposal__in=proposals, reviewer__in=reviewers).values_list(
            "proposal", "reviewer"
        )
    )
    plan = []
    for reviewer in reviewers:
        found = conflicts.find_conflicts(reviewer, proposals)
        for proposal in proposals:
            exists = (proposal.pk, reviewer.pk) in existing
            plan.append(Assignment(proposal, reviewer, found.get(proposal.pk, []), exists))
    return plan


@transaction.atomic
def assign_in_bulk(plan: list[Assignment], due_on=None) -> int:
    """Make the assignments of a plan that no conflict refuses; returns how many were new."""
    made = 0
    for item in plan:
        if item.refused or item.exists:
            continue
        Review.objects.create(
            proposal=item.proposal,
            reviewer=item.reviewer,
            due_on=due_on or item.proposal.call.review_due_on,
        )
        made += 1
    return made


# --- The reviewer's side ------------------------------------------------------------------


class ReviewClosed(ValidationError):
    pass


@transaction.atomic
def save_review(
    review: Review, version: int | None, score, comment: str, submit: bool, user: User
) -> Review:
    """Save a reviewer's draft, or submit their score, with a version check
    (aspire/versions.py). Refused, with nothing saved, when the phase does not allow
    scoring or the score is off the call's scale."""
    if not user.has_perm("calls.score_review", review):
        raise ReviewClosed(_("The review phase of this call is closed to scoring."))
    if score is not None and not SCORE_MIN <= score <= SCORE_MAX:
        raise ValidationError(
            {
                "score": _("A score runs from %(low)s to %(high)s.")
                % {"low": SCORE_MIN, "high": SCORE_MAX}
            }
        )
    if submit and score is None:
        raise ValidationError({"score": _("Give a score to submit the review.")})
    if submit:
        values = {"score": score, "comment": comment, "draft_score": None, "draft_comment": ""}
        values["submitted_at"] = timezone.now()
    else:
        values = {"draft_score": score, "draft_comment": comment}
    return versions.save_edit(
        Review, review.pk, version, values, reason="submitted" if submit else "draft"
    )


@transaction.atomic
def declare_conflict(review: Review, reason: str) -> ConflictOfInterest:
    """The reviewer declares a conflict: it is recorded and the assignment removed (the
    review's history keeps that it was)."""
    conflict, _created = ConflictOfInterest.objects.get_or_create(
        reviewer=review.reviewer, proposal=review.proposal, defaults={"reason": reason[:300]}
    )
    review.delete()
    return conflict


def set_review_phase(call: Call, phase: str) -> None:
    if phase not in ReviewPhase.values:
        raise ValidationError({"review_phase": _("Unknown review phase.")})
    call.review_phase = phase
    call.save(update_fields=["review_phase"])


# --- Figures for staff ---------------------------------------------------------------------

# Reviewers whose scores lie this far apart disagree: the panel should look again.
DISAGREEMENT = Decimal(3)


@dataclasses.dataclass(frozen=True)
class ScoreFigures:
    count: int
    mean: Decimal | None
    median: Decimal | None
    spread: Decimal | None

    @property
    def disagree(self) -> bool:
        return self.spread is not None and self.spread >= DISAGREEMENT


def score_figures(scores: list[Decimal]) -> ScoreFigures:
    """Mean, median and spread (highest minus lowest) of submitted scores."""
    if not scores:
        return ScoreFigures(0, None, None, None)
    mean = sum(scores) / len(scores)
    return ScoreFigures(len(scores), mean, statistics.median(scores), max(scores) - min(scores))


REJECTABLE = {ProposalStatus.SUBMITTED, ProposalStatus.UNDER_REVIEW}
DECISIONS = {ProposalStatus.ADOPTED, ProposalStatus.REJECTED}


def decide(proposal: Proposal, status: str, on: datetime.date | None = None) -> None:
    """Set a proposal's status and, with it, the date of its decision: the one rule of
    every door that changes a status (adoption, rejection, the admin's form, imports).

    A decision (adopted or rejected) is dated the day it is made, or `on` for one recorded
    later (an import of past years); the same status again keeps the date it has; any
    other status has none (a decision taken back). The caller saves."""
    proposal.decided_on = decision_date(status, (proposal.status, proposal.decided_on), on)
    proposal.status = status


def decision_date(
    status: str, was: tuple[str, datetime.date | None], on: datetime.date | None = None
) -> datetime.date | None:
    """The decision date a proposal has once its status is `status`; `was` is its status
    and date before (decide's rule, for callers that hold values rather than a row)."""
    if status not in DECISIONS:
        return None
    if on is not None:
        return on
    was_status, was_date = was
    return was_date if was_status == status else timezone.localdate()


@transaction.atomic
def reject(proposals) -> int:
    """Reject proposals still under consideration; adopted ones keep their project."""
    count = 0
    for proposal in proposals.select_for_update().filter(status__in=REJECTABLE):
        decide(proposal, ProposalStatus.REJECTED)
        # save(), not update(): history records it
        proposal.save(update_fields=["status", "decided_on", "updated_at"])
        count += 1
    return count


def call_summary(proposals) -> dict:
    """Received, adopted, rate, adoptable and adoptable-but-not-adopted, as in 000 §3.

    `proposals` is a queryset of one call's (or one program's) proposals; withdrawn ones
    are not counted as received, as in indicators.md. One query: a count per
    (status, adoptable) group, of which there are at most ten.
    """
    return _tally(_groups(proposals, "status", "adoptable"))


def call_summaries(proposals) -> dict[int, dict]:
    """call_summary of each call of `proposals`, by the call's id, in one query (a count
    per call, status and adoptable)."""
    by_call: dict[int, list[dict]] = {}
    for group in _groups(proposals, "call", "status", "adoptable"):
        by_call.setdefault(group["call"], []).append(group)
    return {call: _tally(groups) for call, groups in by_call.items()}


def _groups(proposals, *keys: str):
    return (
        proposals.exclude(status=ProposalStatus.WITHDRAWN)
        .with_scores()
        .values(*keys)
        .annotate(n=Count("pk"))
        .order_by()
    )


def _tally(groups) -> dict:
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


def workload(call_id: int | str | None = None) -> QuerySet:
    """Each reviewer with reviews: how many assigned, pending, overdue and submitted (of
    one call, or of all). One query."""
    on = Q(reviews__proposal__call=call_id) if call_id else Q()
    pending = on & Q(reviews__score__isnull=True)
    overdue = pending & Q(reviews__due_on__lt=timezone.localdate())
    return (
        User.objects.filter(on, reviews__isnull=False)
        .annotate(
            assigned=Count("reviews", filter=on, distinct=True),
            pending=Count("reviews", filter=pending, distinct=True),
            overdue=Count("reviews", filter=overdue, distinct=True),
            submitted=Count("reviews", filter=on & Q(reviews__score__isnull=False), distinct=True),
        )
        .order_by("-pending", "full_name", "email")
        .distinct()
    )
