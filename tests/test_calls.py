"""Calls and proposals: final scores, conflicts of interest, support-type limits."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from calls.models import Proposal, Review
from calls.services import assign_reviewer, call_summary, conflict_of_interest, reject
from tests.factories import (
    CallFactory,
    ConflictFactory,
    ProposalFactory,
    ResearcherFactory,
    ReviewFactory,
    SupportTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def scored(proposal: Proposal) -> Proposal:
    return Proposal.objects.with_scores().get(pk=proposal.pk)


def test_it_takes_the_mean_of_the_reviewers_scores():
    proposal = ProposalFactory()
    ReviewFactory(proposal=proposal, score=5)
    ReviewFactory(proposal=proposal, score=8)
    result = scored(proposal)
    assert result.final_score == Decimal("6.5")
    assert result.review_count == 2
    assert result.review_spread == 3
    assert result.adoptable


def test_it_lets_the_panel_score_override_the_mean():
    proposal = ProposalFactory(panel_score=Decimal("5.5"))
    ReviewFactory(proposal=proposal, score=9)
    result = scored(proposal)
    assert result.final_score == Decimal("5.5")
    assert not result.adoptable


def test_it_counts_a_mean_exactly_at_the_threshold_as_adoptable():
    proposal = ProposalFactory()
    ReviewFactory(proposal=proposal, score=5)
    ReviewFactory(proposal=proposal, score=7)
    assert scored(proposal).adoptable


def test_it_compares_the_mean_unrounded():
    proposal = ProposalFactory()
    for score in (6, 6, 5.9):  # mean 5.9666…, which rounds to 6.0 but is below it
        ReviewFactory(proposal=proposal, score=Decimal(str(score)))
    assert not scored(proposal).adoptable


def test_it_ignores_pending_reviews():
    proposal = ProposalFactory()
    ReviewFactory(proposal=proposal, score=None)
    ReviewFactory(proposal=proposal, score=7)
    result = scored(proposal)
    assert result.review_count == 1
    assert result.final_score == 7


def test_it_finds_no_score_not_adoptable():
    result = scored(ProposalFactory())
    assert result.final_score is None
    assert result.review_count == 0
    assert not result.adoptable


def test_it_uses_the_calls_adoptable_score():
    proposal = ProposalFactory(call=CallFactory(adoptable_score=8))
    ReviewFactory(proposal=proposal, score=7)
    assert not scored(proposal).adoptable


def test_it_refuses_a_reviewer_from_the_pis_institution():
    proposal = ProposalFactory(jp_pi=ResearcherFactory(institution="Kyoto University"))
    reviewer = UserFactory(institution=" kyoto university ", roles=["reviewer"])
    with pytest.raises(ValidationError) as error:
        assign_reviewer(proposal, reviewer)
    assert "Kyoto University" in str(error.value.message_dict["reviewer"])
    assert not Review.objects.exists()


def test_it_refuses_a_reviewer_from_the_partner_pis_institution():
    proposal = ProposalFactory(partner_pi=ResearcherFactory(institution="Harvard University"))
    reviewer = UserFactory(institution="Harvard University")
    assert conflict_of_interest(reviewer, proposal)


def test_it_refuses_a_reviewer_who_declared_a_conflict():
    conflict = ConflictFactory()
    with pytest.raises(ValidationError):
        assign_reviewer(conflict.proposal, conflict.reviewer)
    assert not Review.objects.exists()


def test_it_assigns_a_reviewer_without_conflict_once():
    proposal = ProposalFactory()
    reviewer = UserFactory(institution="Osaka University", roles=["reviewer"])
    first = assign_reviewer(proposal, reviewer)
    second = assign_reviewer(proposal, reviewer)
    assert first == second
    assert proposal.reviews.count() == 1


def test_it_does_not_treat_empty_institutions_as_the_same():
    proposal = ProposalFactory(jp_pi=ResearcherFactory(institution=""))
    assert conflict_of_interest(UserFactory(institution=""), proposal) is None


def test_it_refuses_a_review_that_conflicts_in_model_validation():
    proposal = ProposalFactory(jp_pi=ResearcherFactory(institution="Tohoku University"))
    review = Review(proposal=proposal, reviewer=UserFactory(institution="Tohoku University"))
    with pytest.raises(ValidationError) as error:
        review.full_clean()
    assert "reviewer" in error.value.message_dict


@pytest.mark.parametrize("score", [Decimal("0.5"), Decimal("10.5"), Decimal(11)])
def test_it_refuses_scores_outside_one_to_ten(score):
    review = ReviewFactory.build(proposal=ProposalFactory(), reviewer=UserFactory(), score=score)
    with pytest.raises(ValidationError) as error:
        review.full_clean()
    assert "score" in error.value.message_dict


def test_the_database_refuses_scores_outside_one_to_ten_too():
    with pytest.raises(IntegrityError):
        ReviewFactory(score=Decimal(11))


@pytest.mark.parametrize(
    ("budget", "years", "field"),
    [
        (100_000_001, 5, "requested_annual_budget_yen"),
        (50_000_000, 6, "requested_years"),
        (50_000_000, 0, "requested_years"),
    ],
)
def test_it_refuses_a_request_outside_the_support_type(budget, years, field):
    support = SupportTypeFactory(max_annual_budget_yen=100_000_000, min_years=1, max_years=5)
    call = CallFactory(program=support.program, support_type=support)
    proposal = ProposalFactory.build(
        call=call,
        jp_pi=ResearcherFactory(),
        partner_pi=None,
        requested_annual_budget_yen=budget,
        requested_years=years,
    )
    with pytest.raises(ValidationError) as error:
        proposal.full_clean()
    assert list(error.value.message_dict) == [field]


def test_it_accepts_a_request_inside_the_support_type():
    support = SupportTypeFactory(max_annual_budget_yen=100_000_000, max_years=5)
    call = CallFactory(program=support.program, support_type=support)
    proposal = ProposalFactory.build(
        call=call,
        jp_pi=ResearcherFactory(),
        partner_pi=None,
        requested_annual_budget_yen=100_000_000,
        requested_years=5,
    )
    proposal.full_clean()


def test_it_refuses_a_call_that_closes_before_it_opens():
    call = CallFactory.build(program=CallFactory().program, code="X1")
    call.open_date, call.close_date = call.close_date, call.open_date
    with pytest.raises(ValidationError) as error:
        call.full_clean()
    assert "close_date" in error.value.message_dict


def test_it_refuses_a_support_type_of_another_program():
    call = CallFactory.build(program=CallFactory().program, support_type=SupportTypeFactory())
    with pytest.raises(ValidationError) as error:
        call.full_clean()
    assert "support_type" in error.value.message_dict


def test_it_derives_the_call_status_from_its_dates():
    import datetime

    call = CallFactory.build(
        open_date=datetime.date(2024, 5, 1), close_date=datetime.date(2024, 6, 30)
    )
    assert call.status_on(datetime.date(2024, 4, 30)) == "planned"
    assert call.status_on(datetime.date(2024, 5, 1)) == "open"
    assert call.status_on(datetime.date(2024, 6, 30)) == "open"
    assert call.status_on(datetime.date(2024, 7, 1)) == "closed"
    call.open_date = None
    assert call.status_on(datetime.date(2030, 1, 1)) == "planned"


def test_it_summarises_a_call():
    call = CallFactory()
    for status, score in [
        ("adopted", 8),
        ("rejected", 7),
        ("rejected", 4),
        ("submitted", None),
        ("withdrawn", 9),
    ]:
        proposal = ProposalFactory(call=call, status=status)
        if score:
            ReviewFactory(proposal=proposal, score=score)
    summary = call_summary(call.proposals.all())
    assert summary == {
        "received": 4,
        "adopted": 1,
        "adoptable": 2,
        "adoptable_not_adopted": 1,
        "rate": Decimal("25.0"),
    }


def test_it_summarises_an_empty_call_with_no_rate():
    assert call_summary(CallFactory().proposals.all())["rate"] is None


def test_it_rejects_only_proposals_under_consideration():
    call = CallFactory()
    open_one = ProposalFactory(call=call, status="under_review")
    adopted = ProposalFactory(call=call, status="adopted")
    assert reject(call.proposals.all()) == 1
    open_one.refresh_from_db()
    adopted.refresh_from_db()
    assert (open_one.status, adopted.status) == ("rejected", "adopted")
    assert open_one.history.first().status == "rejected"
