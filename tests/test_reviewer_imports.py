"""The `reviewers` import kind and pending assignments in the `reviews` kind (issue 13)."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import User
from calls.models import Review
from exchange.services import import_table, read_table
from tests.factories import ProposalFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def _import(kind: str, text: str):
    return import_table(kind, read_table(text.encode(), f"{kind}.csv"))


def test_it_makes_reviewers_without_a_password_and_updates_them_again():
    result = _import(
        "reviewers", "email,full_name,institution,reviewer_code\nA@Example.org,Aoi Mori,Kyoto,R-1\n"
    )
    assert result.ok, result.errors
    reviewer = User.objects.get(email__iexact="a@example.org")
    assert reviewer.has_role("reviewer") and not reviewer.has_usable_password()
    again = _import("reviewers", "email,institution\na@example.org,Osaka\n")
    assert again.ok, again.errors
    reviewer.refresh_from_db()
    assert (reviewer.full_name, reviewer.institution, User.objects.count()) == (
        "Aoi Mori",
        "Osaka",
        1,
    )


def test_it_never_changes_a_staff_account():
    UserFactory(email="officer@example.org", roles=["staff"], is_staff=True, full_name="Kept")
    result = _import("reviewers", "email,full_name\nofficer@example.org,Changed\n")
    assert not result.ok
    assert User.objects.get(email="officer@example.org").full_name == "Kept"


def test_it_imports_a_pending_assignment_and_never_takes_back_a_score():
    proposal = ProposalFactory()
    proposal.call.review_due_on = datetime.date(2027, 1, 15)
    proposal.call.save()
    new = UserFactory(roles=["reviewer"], email="new@example.org")
    scored = ReviewFactory(proposal=proposal, score=Decimal(8))
    text = f"proposal,reviewer,score\n{proposal.ref},new@example.org,\n"
    text += f"{proposal.ref},{scored.reviewer.email},\n"
    result = _import("reviews", text)
    assert result.ok, result.errors
    pending = Review.objects.get(reviewer=new)
    assert pending.score is None and pending.due_on == datetime.date(2027, 1, 15)
    scored.refresh_from_db()
    assert scored.score == Decimal(8)
