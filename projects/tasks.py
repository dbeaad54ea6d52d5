"""Jobs of projects: thin, JSON arguments in, one service call, safe to run twice.

All acknowledge late and are requeued if the worker running them is lost (killed, out
of memory): the services are idempotent, so a job delivered twice changes nothing.
"""

import datetime

from celery import shared_task
from django.utils import timezone

from projects import crossref, reminders, reporting


def _day(date_iso: str | None) -> datetime.date:
    return datetime.date.fromisoformat(date_iso) if date_iso else timezone.localdate()


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,  # the DoiBatch row is the job's state
    max_retries=None,  # retries only while another run's lease holds, which time limits end
    # DOI_PASTE_LIMIT lookups of at most 5 s each, and Crossref down ends a batch early.
    soft_time_limit=20 * 60,
    time_limit=21 * 60,
)
def look_up_dois(self, batch_id: int) -> None:
    """Look up one paste of DOIs (queued by request_lookups); later while another run has it."""
    if (wait_seconds := crossref.run_batch(batch_id)) is not None:
        raise self.retry(countdown=wait_seconds + 1)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def lookup_doi(lookup_id: int) -> None:
    """One DOI: the job of a paste before batches; kept for such jobs still in the queue."""
    crossref.run_lookup(lookup_id)


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
