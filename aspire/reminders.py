"""The steps of a reminder schedule and the claim that sends each at most once: one rule
for the PIs' report reminders (projects/reminders.py) and the reviewers' (calls/reminders.py).

Steps: on each of `days_before` days before the due date, then the day after it and
weekly from there, for `overdue_for` days. Each step is a row with a unique key (the
caller's model); the claim is one atomic UPDATE of its `delivered_at`, so of two
overlapping runs exactly one mails it.
"""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

BEFORE_DUE, OVERDUE = "before_due", "overdue"
OVERDUE_EVERY_DAYS = 7  # the first notice the day after the due date, then weekly


def step(days_to_due: int, days_before: tuple[int, ...], overdue_for: int) -> str | None:
    """BEFORE_DUE, OVERDUE or None: the reminder a day this far from the due date gets."""
    if days_to_due in days_before:
        return BEFORE_DUE
    if -overdue_for <= days_to_due < 0 and -days_to_due % OVERDUE_EVERY_DAYS == 1:
        return OVERDUE
    return None


def claim(row: QuerySet) -> datetime.datetime | None:
    """When this run took the reminder `row` (a queryset of one) on; None if another run has it."""
    now = timezone.now()
    return now if row.filter(delivered_at__isnull=True).update(delivered_at=now) == 1 else None
