import pytest

from tests.factories import ProposalFactory, ReviewFactory


@pytest.mark.django_db
def test_it_scores_a_proposal():
    proposal = ProposalFactory()
    ReviewFactory(proposal=proposal, score=5)
    ReviewFactory(proposal=proposal, score=8)
    scored = type(proposal).objects.with_scores().get(pk=proposal.pk)
    assert scored.final_score == 6.5
    assert scored.adoptable
