"""Reminders before a report is due and notices after: each at most once per report,
kind and day, however often the daily job runs and even when two runs overlap.

When: `REMINDER_DAYS_BEFORE` days before the due date (30, 7 and 1 by default), then
overdue notices the day after the due date and every 7 days from there (1, 8, 15, …
days late), until the report is submitted. Submitted and accepted reports get nothing.

How each reminder goes out, and why it cannot go out twice:

1. Record: the Reminder row for (report, kind, day) is inserted, or found when an
   earlier or concurrent run inserted it; the unique constraint lets only one exist.
2. Claim: one atomic `UPDATE … SET delivered_at = now() WHERE id = … AND delivered_at
   IS NULL`. PostgreSQL lets exactly one of two overlapping runs update the row; the
   other sees 0 rows and moves on. Only the run that claimed it mails it.
3. Mail every active project member (PI and members), each in their own language.

A run that dies after recording and before claiming leaves `delivered_at` empty: the
next run of the day claims and mails it. A run that dies between claiming and mailing
leaves it claimed: that reminder is lost rather than risk sending it twice (at most
once, the rule staff asked for). A mail server that cannot be reached is the one
failure known to have sent nothing: the claim is then given back (`delivered_at`
emptied again) and `ReminderNotSent` is raised, so the job retries it the same day.
A failure after a mail was handed to the server keeps the claim, and is logged.

A claim column and `select_for_update(skip_locked=True)` around the send were the other
choices: the first needs a model change, the second holds a transaction open across
SMTP and, if the worker dies after the server accepted the mail but before the commit,
sends it again on the next run.
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core import mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aspire import reminders as schedule
from projects.models import AnnualReport, Reminder, ReminderKind, ReportingPeriod
from projects.reporting import EDITABLE

logger = logging.getLogger(__name__)

DEFAULT_DAYS_BEFORE = (30, 7, 1)
OVERDUE_FOR_DAYS = 400  # no more notices a good year after the due date


class ReminderNotSent(Exception):
    """Reminders could not be handed to the mail server; they are free for the next run."""


def days_before() -> tuple[int, ...]:
    return tuple(getattr(settings, "REMINDER_DAYS_BEFORE", DEFAULT_DAYS_BEFORE))


def reminder_kind(due_on: datetime.date, today: datetime.date) -> str | None:
    """Which reminder, if any, a report due on `due_on` gets today."""
    return schedule.step((due_on - today).days, days_before(), OVERDUE_FOR_DAYS)


def due_reminders(today: datetime.date) -> list[tuple[AnnualReport, str, int]]:
    """(report, kind, days to the due date) of every reminder that goes out today."""
    since = today - datetime.timedelta(days=OVERDUE_FOR_DAYS)
    periods = {
        (period.program_id, period.fiscal_year): period
        for period in ReportingPeriod.objects.filter(due_on__gte=since)
        if reminder_kind(period.due_on, today)
    }
    if not periods:
        return []
    wanted = Q()
    for program, year in periods:
        wanted |= Q(project__proposal__call__program=program, fiscal_year=year)
    reports = (
        AnnualReport.objects.filter(wanted, status__in=EDITABLE)
        .select_related("project__proposal__call")
        .order_by("pk")
    )
    result = []
    for report in reports:
        due_on = periods[(report.project.proposal.call.program_id, report.fiscal_year)].due_on
        result.append((report, reminder_kind(due_on, today), (due_on - today).days))
    return result


def send_reminders(today: datetime.date) -> int:
    """Record, claim and mail today's reminders; returns how many this run mailed.

    Raises ReminderNotSent, after trying every reminder, when the mail server could not
    be reached for some: those are unclaimed again for a retry.
    """
    sent = not_sent = 0
    for report, kind, days in due_reminders(today):
        outcome = _send(report, kind, days, today)
        sent += outcome is True
        not_sent += outcome is False
    if not_sent:
        raise ReminderNotSent(f"{not_sent} reminders of {today} not sent: no mail server")
    return sent


def _send(report: AnnualReport, kind: str, days: int, today: datetime.date, by=None):
    """Record, claim and mail one reminder: True when this call mailed it, False when the
    mail server could not be reached (the claim is given back), None when there was no
    one to mail or another run has it."""
    recipients = list(report.project.members.filter(is_active=True).order_by("email"))
    if not recipients:
        logger.warning("No one to remind about %s: the project has no active members", report)
        return None
    reminder, _created = Reminder.objects.get_or_create(
        report=report,
        kind=kind,
        sent_on=today,
        defaults={
            "days_to_due": days,
            "recipients": ", ".join(u.email for u in recipients),
            "sent_by": by,
        },
    )
    messages = [_message(reminder, user) for user in recipients]  # before the claim
    claimed_at = _claim(reminder)
    if claimed_at is None:
        return None  # mailed, or being mailed, by another run
    return _mail(reminder, messages, claimed_at)


class CannotRemind(ValueError):
    """Why staff cannot remind now; the message is for them."""


def remind_now(report: AnnualReport, by, today: datetime.date | None = None) -> Reminder:
    """Mail the project's members about their report at once ("remind now" of the staff
    home) and record it beside the daily job's reminders. At most once per report and
    day, like those: a second click the same day sends nothing more."""
    today = today or timezone.localdate()
    if report.status not in EDITABLE:
        raise CannotRemind(_("This report has been handed in: there is nothing to remind of."))
    due_on = due_date(report)
    if due_on is None:
        raise CannotRemind(_("This report's fiscal year has no reporting period yet."))
    if not report.project.members.filter(is_active=True).exists():
        raise CannotRemind(_("The project has no active member to remind."))
    if _send(report, ReminderKind.BY_STAFF, (due_on - today).days, today, by=by) is False:
        raise CannotRemind(_("The mail server could not be reached: nothing was sent."))
    return Reminder.objects.get(report=report, kind=ReminderKind.BY_STAFF, sent_on=today)


def due_date(report: AnnualReport) -> datetime.date | None:
    """When the report is due: its program's reporting period of that fiscal year."""
    program = report.project.proposal.call.program_id
    period = ReportingPeriod.objects.filter(program=program, fiscal_year=report.fiscal_year)
    return period.values_list("due_on", flat=True).first()


def _claim(reminder: Reminder) -> datetime.datetime | None:
    """When this run took the reminder on for delivery; None if another run has it."""
    return schedule.claim(Reminder.objects.filter(pk=reminder.pk))


def _mail(reminder: Reminder, messages: list, claimed_at: datetime.datetime) -> bool:
    """Mail the claimed reminder; False, with the claim given back, if nothing was sent."""
    try:
        connection = mail.mailers.default
        connection.open()
    except (smtplib.SMTPException, OSError):
        logger.exception("Mail server unreachable: reminder %s left for the next run", reminder)
        mine = Reminder.objects.filter(pk=reminder.pk, delivered_at=claimed_at)
        mine.update(delivered_at=None)
        return False
    delivered = []
    try:
        for message in messages:
            connection.send_messages([message])
            delivered.append(message.to[0])
    except (smtplib.SMTPException, OSError):
        # Some of it may have gone: never again (at most once), but say who may lack it.
        missing = [m.to[0] for m in messages if m.to[0] not in delivered]
        logger.exception("Reminder %s not mailed to %s", reminder, ", ".join(missing))
    finally:
        connection.close()
    return True


def _message(reminder: Reminder, user) -> mail.EmailMessage:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = _context(reminder, user)
        subject = render_to_string("emails/reminder_subject.txt", context)
        body = render_to_string("emails/reminder_body.txt", context)
    return mail.EmailMessage(" ".join(subject.split()), body, to=[user.email])


def _context(reminder: Reminder, user) -> dict:
    """What the mail says, in the member's language: when it is due, what is still
    missing, that a year with nothing to report is said so, and whom to ask."""
    from projects.reporting import summary

    report = reminder.report
    path = reverse("projects:report", args=[report.pk])
    found = summary(report, reminder.sent_on)
    return {
        "user": user,
        "report": report,
        "project": report.project,
        "overdue": reminder.days_to_due < 0,
        "days": abs(reminder.days_to_due),
        "due_on": reminder.sent_on + datetime.timedelta(days=reminder.days_to_due),
        "url": settings.SITE_URL.rstrip("/") + path,
        "missing": [finding.message for finding in found.missing],
        "warnings": len(found.warnings),
        "year_finished": found.year_finished,
        "contact": settings.REPORTS_CONTACT,
    }
