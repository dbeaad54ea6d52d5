"""What each role sees and does of proposals and reviews in each review phase
(calls/rules.py), tested as a matrix."""

import pytest

from calls.models import Review, ReviewPhase
from calls.rules import visible_reviews
from tests.factories import ProposalFactory, ReviewFactory, UserFactory

PHASES = list(ReviewPhase.values)
A, R, P, C = ReviewPhase.ASSIGNMENT, ReviewPhase.REVIEWING, ReviewPhase.PANEL, ReviewPhase.CLOSED

# (who, permission, on what) -> the phases in which it is allowed.
MATRIX = {
    ("assigned", "calls.view_proposal", "proposal"): {A, R, P, C},
    ("assigned", "calls.view_review", "own"): {A, R, P, C},
    ("assigned", "calls.score_review", "own"): {R, P},
    ("assigned", "calls.change_review", "own"): {R, P},
    ("assigned", "calls.declare_conflict", "own"): {A, R},
    ("assigned", "calls.view_review", "other"): {P},  # the call allows it, they submitted
    ("unassigned", "calls.view_proposal", "proposal"): set(),
    ("unassigned", "calls.view_review", "other"): set(),
    ("unassigned", "calls.score_review", "other"): set(),
    ("pi", "calls.view_proposal", "proposal"): set(),
    ("pi", "calls.view_review", "other"): set(),
    ("staff", "calls.view_proposal", "proposal"): {A, R, P, C},
    ("staff", "calls.view_review", "other"): {A, R, P, C},
    ("staff", "calls.change_review", "other"): {A, R, P, C},
    ("staff", "calls.score_review", "other"): set(),  # staff score in the admin, not as a reviewer
    ("staff", "calls.set_review_phase", "call"): {A, R, P, C},
    # The world's proposal is not adopted: the committee is not shown it (issue 16).
    ("committee", "calls.view_proposal", "proposal"): set(),
    ("committee", "calls.view_review", "other"): set(),
    ("committee", "calls.change_review", "other"): set(),
}


@pytest.fixture
def world(db):
    own = ReviewFactory(score=None)
    proposal = own.proposal
    proposal.call.reviewers_see_scores = True
    proposal.call.save()
    other = ReviewFactory(proposal=proposal, score=8)
    return {
        "proposal": proposal,
        "own": own,
        "other": other,
        "call": proposal.call,
        "assigned": own.reviewer,
        "unassigned": UserFactory(roles=["reviewer"]),
        "pi": UserFactory(roles=["pi"]),
        "staff": UserFactory(roles=["staff"]),
        "committee": UserFactory(roles=["committee"]),
    }


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize(("who", "perm", "target"), list(MATRIX))
def test_it_allows_each_role_what_the_phase_allows(world, phase, who, perm, target):
    world["call"].review_phase = phase
    world["call"].save()
    # The assigned reviewer has submitted (what the panel asks before showing the others).
    world["own"].score = 7
    world["own"].save()
    user = type(world[who]).objects.get(pk=world[who].pk)  # fresh: roles are cached
    obj = type(world[target]).objects.get(pk=world[target].pk)
    assert user.has_perm(perm, obj) is (phase in MATRIX[(who, perm, target)])


def test_it_hides_the_others_scores_from_a_reviewer_who_has_not_submitted(world):
    world["call"].review_phase = P
    world["call"].save()
    assert not world["assigned"].has_perm("calls.view_review", world["other"])


def test_it_hides_the_others_scores_when_the_call_does_not_allow_it(world):
    world["call"].review_phase = P
    world["call"].reviewers_see_scores = False
    world["call"].save()
    world["own"].score = 7
    world["own"].save()
    assert not world["assigned"].has_perm("calls.view_review", world["other"])


@pytest.mark.parametrize("phase", PHASES)
def test_it_lists_the_reviews_the_rule_allows(world, phase):
    world["call"].review_phase = phase
    world["call"].save()
    world["own"].score = 7
    world["own"].save()
    for who in ("assigned", "unassigned", "pi", "staff", "committee"):
        listed = set(visible_reviews(world[who], Review.objects.all()))
        allowed = {r for r in Review.objects.all() if world[who].has_perm("calls.view_review", r)}
        assert listed == allowed, who


def test_it_gives_an_unrelated_proposal_to_nobody_but_staff_and_committee(world):
    stranger = ProposalFactory()
    assert not world["assigned"].has_perm("calls.view_proposal", stranger)
    assert world["staff"].has_perm("calls.view_proposal", stranger)
