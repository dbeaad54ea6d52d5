"""Reminders before a report is due and notices after: each at most once per report,
kind and day, however often the daily job runs and even when two runs overlap.

A reminder is first recorded (the unique constraint on report, kind and day lets only
one row exist), then claimed for delivery by one atomic UPDATE, then mailed. A run that
dies between the claim and the mail sends nothing more that day: at most once.
"""

import datetime

from django.conf import settings
from django.core import mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from projects.models import (
    AnnualReport,
    Reminder,
    ReminderKind,
    ReportingPeriod,
)
from projects.reporting import EDITABLE

DEFAULT_DAYS_BEFORE = (30, 7, 1)
OVERDUE_EVERY_DAYS = 7  # the first notice the day after the due date, then weekly


def days_before() -> tuple[int, ...]:
    return tuple(getattr(settings, "REMINDER_DAYS_BEFORE", DEFAULT_DAYS_BEFORE))


def reminder_kind(due_on: datetime.date, today: datetime.date) -> str | None:
    """Which reminder, if any, a report due on `due_on` gets today."""
    days = (due_on - today).days
    if days in days_before():
        return ReminderKind.BEFORE_DUE
    if days < 0 and -days % OVERDUE_EVERY_DAYS == 1:
        return ReminderKind.OVERDUE
    return None


def due_reminders(today: datetime.date) -> list[tuple[AnnualReport, str, int]]:
    """(report, kind, days to due) of every reminder that goes out today."""
    periods = {
        (period.program_id, period.fiscal_year): period
        for period in ReportingPeriod.objects.filter(
            due_on__gte=today - datetime.timedelta(days=400)
        )
        if reminder_kind(period.due_on, today)
    }
    if not periods:
        return []
    wanted = Q()
    for program, year in periods:
        wanted |= Q(project__proposal__call__program=program, fiscal_year=year)
    reports = AnnualReport.objects.filter(wanted, status__in=EDITABLE).select_related(
        "project__proposal__call"
    )
    result = []
    for report in reports:
        period = periods[(report.project.proposal.call.program_id, report.fiscal_year)]
        result.append((report, reminder_kind(period.due_on, today), (period.due_on - today).days))
    return result


def send_reminders(today: datetime.date) -> int:
    """Record, claim and mail today's reminders; returns how many this run sent."""
    sent = 0
    for report, kind, days in due_reminders(today):
        recipients = list(report.project.members.filter(is_active=True).order_by("email"))
        reminder, _created = Reminder.objects.get_or_create(
            report=report,
            kind=kind,
            sent_on=today,
            defaults={"days_to_due": days, "recipients": ", ".join(u.email for u in recipients)},
        )
        if _claim(reminder):
            _mail(reminder, recipients)
            sent += 1
    return sent


def _claim(reminder: Reminder) -> bool:
    """True for exactly one caller per reminder: the one that will mail it."""
    claimed = Reminder.objects.filter(pk=reminder.pk, delivered_at__isnull=True)
    return claimed.update(delivered_at=timezone.now()) == 1


def _mail(reminder: Reminder, recipients: list) -> None:
    messages = []
    for user in recipients:
        with translation.override(user.language):
            context = _context(reminder, user)
            subject = render_to_string("emails/reminder_subject.txt", context).strip()
            body = render_to_string("emails/reminder_body.txt", context)
        messages.append(mail.EmailMessage(subject, body, to=[user.email]))
    mail.mailers.default.send_messages(messages)


def _context(reminder: Reminder, user) -> dict:
    report = reminder.report
    path = reverse("projects:report", args=[report.pk])
    return {
        "user": user,
        "report": report,
        "project": report.project,
        "overdue": reminder.kind == ReminderKind.OVERDUE,
        "days": abs(reminder.days_to_due),
        "due_on": reminder.sent_on + datetime.timedelta(days=reminder.days_to_due),
        "url": settings.SITE_URL.rstrip("/") + path,
    }
