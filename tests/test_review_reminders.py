"""Reviewers are reminded before the due date and when overdue, at most once per step."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from calls.models import ReviewPhase, ReviewReminder
from calls.reminders import send_review_reminders
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db
DUE = datetime.date(2026, 12, 10)


@pytest.fixture
def review():
    review = ReviewFactory(score=None, due_on=DUE)
    review.proposal.call.review_phase = ReviewPhase.REVIEWING
    review.proposal.call.save()
    return review


def test_it_reminds_once_per_step_however_often_it_runs(review):
    week_before = DUE - datetime.timedelta(days=7)
    assert send_review_reminders(week_before) == 1
    assert send_review_reminders(week_before) == 0
    assert send_review_reminders(week_before + datetime.timedelta(days=1)) == 0  # no step
    assert send_review_reminders(DUE + datetime.timedelta(days=1)) == 1  # overdue
    assert send_review_reminders(DUE + datetime.timedelta(days=8)) == 1  # a week later
    assert len(mail.outbox) == 3 and "overdue" in mail.outbox[-1].subject
    assert f"/reviews/proposals/{review.proposal_id}/" in mail.outbox[0].body
    assert ReviewReminder.objects.filter(review=review).count() == 3


def test_it_leaves_submitted_reviews_and_closed_calls_alone(review):
    other = ReviewFactory(score=Decimal(7), due_on=DUE, proposal=review.proposal)
    call = review.proposal.call
    assert send_review_reminders(DUE - datetime.timedelta(days=1)) == 1
    assert mail.outbox[0].to == [review.reviewer.email] != [other.reviewer.email]
    call.review_phase = ReviewPhase.CLOSED
    call.save()
    assert send_review_reminders(DUE + datetime.timedelta(days=1)) == 0
