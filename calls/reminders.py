"""Reminders to reviewers before their reviews are due and notices once overdue: each at
most once per review, step and day, as projects/reminders.py does for the PIs' reports
(record under a unique constraint, claim with one atomic UPDATE, then mail; a mail server
that cannot be reached gives the claim back for a retry). calls may not import projects,
so the steps are the same, the code its own.

Steps: `REVIEW_REMINDER_DAYS_BEFORE` days before the due date (7 and 1), then the day
after it and every 7 days from there, while the review is not submitted and the call is
still in the reviewing or panel phase.
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from aspire import reminders as schedule
from calls.models import Review, ReviewPhase, ReviewReminder, ReviewReminderKind

logger = logging.getLogger(__name__)

OVERDUE_FOR_DAYS = 120


class ReviewRemindersNotSent(Exception):
    """The mail server could not be reached: the reminders are free for the next run."""


def reminder_kind(due_on: datetime.date, today: datetime.date) -> str | None:
    days_before = tuple(getattr(settings, "REVIEW_REMINDER_DAYS_BEFORE", (7, 1)))
    return schedule.step((due_on - today).days, days_before, OVERDUE_FOR_DAYS)


def due_reminders(today: datetime.date) -> list[tuple[Review, str, int]]:
    reviews = (
        Review.objects.filter(
            score__isnull=True,
            due_on__gte=today - datetime.timedelta(days=OVERDUE_FOR_DAYS),
            proposal__call__review_phase__in=[ReviewPhase.REVIEWING, ReviewPhase.PANEL],
            reviewer__is_active=True,
        )
        .select_related("proposal__call", "reviewer")
        .order_by("pk")
    )
    return [
        (review, kind, (review.due_on - today).days)
        for review in reviews
        if (kind := reminder_kind(review.due_on, today))
    ]


def send_review_reminders(today: datetime.date) -> int:
    """Record, claim and mail today's reminders; returns how many this run mailed."""
    sent = not_sent = 0
    for review, kind, days in due_reminders(today):
        reminder, _created = ReviewReminder.objects.get_or_create(
            review=review, kind=kind, sent_on=today, defaults={"days_to_due": days}
        )
        message = _message(reminder)
        now = schedule.claim(ReviewReminder.objects.filter(pk=reminder.pk))
        if now is None:
            continue  # mailed, or being mailed, by another run
        try:
            message.send()
            sent += 1
        except (smtplib.SMTPConnectError, ConnectionRefusedError, TimeoutError):
            logger.exception("Mail server unreachable: reminder %s left for later", reminder)
            ReviewReminder.objects.filter(pk=reminder.pk, delivered_at=now).update(
                delivered_at=None
            )
            not_sent += 1
    if not_sent:
        raise ReviewRemindersNotSent(f"{not_sent} review reminders of {today} not sent")
    return sent


def _message(reminder: ReviewReminder) -> mail.EmailMessage:
    review = reminder.review
    user = review.reviewer
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "review": review,
            "proposal": review.proposal,
            "overdue": reminder.kind == ReviewReminderKind.OVERDUE,
            "due_on": review.due_on,
            "url": settings.SITE_URL.rstrip("/")
            + reverse("reviews:proposal", args=[review.proposal_id]),
        }
        subject = render_to_string("emails/review_reminder_subject.txt", context)
        body = render_to_string("emails/review_reminder_body.txt", context)
    return mail.EmailMessage(" ".join(subject.split()), body, to=[user.email])
