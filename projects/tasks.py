"""Jobs of projects: thin, an id in, a service call, safe to run twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from projects import crossref, reminders, reporting


@shared_task(acks_late=True)
def lookup_doi(lookup_id: int) -> None:
    crossref.run_lookup(lookup_id)


@shared_task(acks_late=True)
def send_due_reminders(day: str | None = None) -> int:
    """The daily reminder run (beat); `day` is ISO, today when left out."""
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    return reminders.send_reminders(today)


@shared_task(acks_late=True)
def open_reports(day: str | None = None) -> int:
    """Open this year's draft reports once a reporting period opens (beat, daily)."""
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    return reporting.open_reports(today)
