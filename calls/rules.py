"""Who sees and does what of proposals and reviews, in each review phase of the call.

The roles are accounts/rules.py's. The phases (calls.models.ReviewPhase):

| | assignment | reviewing | panel | closed |
| --- | --- | --- | --- | --- |
| assigned reviewer: the proposal, their own review | yes | yes | yes | yes |
| assigned reviewer: score and edit | no | yes | yes | no |
| assigned reviewer: others' scores | no | no | if the call allows and they submitted | no |
| assigned reviewer: declare a conflict | yes | yes | no | no |
| unassigned reviewer, PI: the proposal | no (404) | no | no | no |
| staff | everything, always (they score in the admin) |
| committee | an adopted proposal, never a review nor an unfunded proposal |

tests/test_review_rules.py walks this table.
"""

import rules
from django.db.models import QuerySet

from accounts.rules import (
    is_adopted_proposal,
    is_assigned_reviewer,
    is_committee,
    is_staff_member,
    reads_everything,
)
from calls.models import ReviewPhase


def _phase(review) -> str:
    return review.proposal.call.review_phase


@rules.predicate
def is_own_review(user, review) -> bool:
    return user.is_authenticated and review is not None and review.reviewer_id == user.pk


@rules.predicate
def is_scoring_phase(user, review) -> bool:
    return review is not None and _phase(review) in (ReviewPhase.REVIEWING, ReviewPhase.PANEL)


@rules.predicate
def is_declaring_phase(user, review) -> bool:
    return review is not None and _phase(review) in (ReviewPhase.ASSIGNMENT, ReviewPhase.REVIEWING)


@rules.predicate
def sees_panel_scores(user, review) -> bool:
    """In the panel phase of a call that allows it, a reviewer who has submitted their own
    score sees the other submitted reviews of the proposal."""
    if review is None or review.score is None or not user.is_authenticated:
        return False
    call = review.proposal.call
    if call.review_phase != ReviewPhase.PANEL or not call.reviewers_see_scores:
        return False
    return review.proposal.reviews.filter(reviewer=user, score__isnull=False).exists()


# The committee: adopted proposals only (accounts.rules.withholds_unfunded says why).
rules.add_perm(
    "calls.view_proposal",
    is_staff_member | is_assigned_reviewer | (is_committee & is_adopted_proposal),
)
rules.add_perm("calls.view_review", is_staff_member | is_own_review | sees_panel_scores)
rules.add_perm("calls.change_review", is_staff_member | (is_own_review & is_scoring_phase))
rules.add_perm("calls.score_review", is_own_review & is_scoring_phase)
rules.add_perm("calls.declare_conflict", is_own_review & is_declaring_phase)
rules.add_perm("calls.set_review_phase", is_staff_member)


def visible_reviews(user, reviews: QuerySet) -> QuerySet:
    """What `calls.view_review` says, in SQL, for lists: staff everything, a reviewer their
    own and, where the panel shows them, the others' submitted ones."""
    if is_staff_member(user):
        return reviews
    if not user.is_authenticated or reads_everything(user):
        return reviews.none()  # the committee and API clients never read reviews
    own = reviews.filter(reviewer=user)
    shown = reviews.filter(
        score__isnull=False,
        proposal__call__review_phase=ReviewPhase.PANEL,
        proposal__call__reviewers_see_scores=True,
        proposal__reviews__reviewer=user,
        proposal__reviews__score__isnull=False,
    )
    return (own | shown).distinct()
