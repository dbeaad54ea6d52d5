"""Jobs of calls: thin, safe to run twice (the reminders are recorded before they go)."""

import datetime

from celery import shared_task
from django.utils import timezone

from calls import reminders


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(reminders.ReviewRemindersNotSent,),
    max_retries=5,
    default_retry_delay=10 * 60,
)
def send_review_reminders(date_iso: str | None = None) -> int:
    """The daily reminder run for reviewers (beat)."""
    day = datetime.date.fromisoformat(date_iso) if date_iso else timezone.localdate()
    return reminders.send_review_reminders(day)
