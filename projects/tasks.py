"""Jobs of projects: thin, JSON arguments in, one service call, safe to run twice.

All acknowledge late and are requeued if the worker running them is lost (killed, out
of memory): the services are idempotent, so a job delivered twice changes nothing.
"""

import datetime

from celery import shared_task
from django.utils import timezone

from projects import reminders, reporting


def _day(date_iso: str | None) -> datetime.date:
    return datetime.date.fromisoformat(date_iso) if date_iso else timezone.localdate()


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    # The mail server was down: the reminders it missed were given back; try again soon,
    # the same day (beat runs this at 08:00).
    autoretry_for=(reminders.ReminderNotSent,),
    max_retries=5,
    default_retry_delay=10 * 60,
)
def send_due_reminders(date_iso: str | None = None) -> int:
    """The daily reminder run (beat); `date_iso` is the day, today when left out."""
    return reminders.send_reminders(_day(date_iso))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def open_reports(date_iso: str | None = None) -> int:
    """Open this year's draft reports once a reporting period opens (beat, daily)."""
    return reporting.open_reports(_day(date_iso))
