"""Reminders 30, 7 and 1 days before the due date, then the day after and weekly:
each once per report, kind and day, in each member's language."""

import datetime
import socket

import pytest
from celery.result import EagerResult

from projects import reminders
from projects.models import Reminder, ReminderKind, ReportingPeriod, ReportStatus
from projects.tasks import send_due_reminders
from tests.celery_worker import real_worker
from tests.factories import MemberFactory, ReportFactory

DUE = datetime.date(2025, 5, 31)
MEMBERS = ["member@example.org", "pi@example.org"]


def days_before(days: int) -> datetime.date:
    return DUE - datetime.timedelta(days=days)


def days_late(days: int) -> datetime.date:
    return DUE + datetime.timedelta(days=days)


def reporting_project(fiscal_year: int = 2024, due_on: datetime.date = DUE, **report):
    """A draft report whose program's period is due on `due_on`, a ja PI and an en member."""
    report = ReportFactory(status=ReportStatus.DRAFT, fiscal_year=fiscal_year, **report)
    ReportingPeriod.objects.get_or_create(
        program=report.project.proposal.call.program,
        fiscal_year=fiscal_year,
        defaults={"opens_on": datetime.date(fiscal_year + 1, 4, 1), "due_on": due_on},
    )
    return report


@pytest.fixture
def report(db):
    report = reporting_project()
    MemberFactory(project=report.project, user__email="pi@example.org", user__language="ja")
    MemberFactory(
        project=report.project, role="member", user__email="member@example.org", user__language="en"
    )
    return report


@pytest.mark.parametrize(
    ("today", "kind"),
    [
        (days_before(31), None),
        (days_before(30), "before_due"),
        (days_before(8), None),
        (days_before(7), "before_due"),
        (days_before(2), None),
        (days_before(1), "before_due"),
        (DUE, None),
        (days_late(1), "overdue"),
        (days_late(2), None),
        (days_late(7), None),
        (days_late(8), "overdue"),
        (days_late(15), "overdue"),
        (days_late(393), "overdue"),
        (days_late(400), "overdue"),  # the last notice, a good year late
        (days_late(407), None),
    ],
)
def test_it_reminds_on_the_right_days(today, kind):
    assert reminders.reminder_kind(DUE, today) == kind


def test_it_follows_the_configured_days(settings):
    settings.REMINDER_DAYS_BEFORE = (14,)
    assert reminders.reminder_kind(DUE, days_before(14)) == "before_due"
    assert reminders.reminder_kind(DUE, days_before(7)) is None


@pytest.mark.django_db
def test_it_lists_the_reports_due_today(report):
    other_program = reporting_project(due_on=days_before(-6))  # due 6 days after DUE
    assert reminders.due_reminders(days_before(30)) == [(report, "before_due", 30)]
    assert reminders.due_reminders(days_before(24)) == [(other_program, "before_due", 30)]
    assert reminders.due_reminders(days_before(1)) == [
        (report, "before_due", 1),
        (other_program, "before_due", 7),
    ]
    assert reminders.due_reminders(days_before(3)) == []


@pytest.mark.django_db
def test_it_mails_each_member_in_their_language(report, mailoutbox):
    assert reminders.send_reminders(days_before(7)) == 1
    by_address = {message.to[0]: message for message in mailoutbox}
    assert set(by_address) == set(MEMBERS)
    english = by_address["member@example.org"]
    code = report.project.code
    assert english.subject == f"Due in 7 days: the annual report FY2024 (令和6年度) of {code}"
    assert "is due on" in english.body
    assert f"/reports/{report.pk}/" in english.body
    japanese = by_address["pi@example.org"]
    assert japanese.subject == f"【提出期限まで7日】{code} FY2024 (令和6年度) 年度報告"
    assert "提出期限" in japanese.body
    assert f"/reports/{report.pk}/" in japanese.body


@pytest.mark.django_db
def test_it_says_overdue_after_the_due_date(report, mailoutbox):
    assert reminders.send_reminders(days_late(8)) == 1
    english = next(m for m in mailoutbox if m.to == ["member@example.org"])
    assert english.subject.startswith("Overdue: the annual report FY2024")
    assert "was due on" in english.body
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.days_to_due) == (ReminderKind.OVERDUE, -8)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [ReportStatus.SUBMITTED, ReportStatus.ACCEPTED])
def test_it_never_reminds_about_a_handed_in_report(report, mailoutbox, status):
    report.status = status
    report.save()
    assert reminders.send_reminders(days_before(7)) == 0
    assert reminders.send_reminders(days_late(1)) == 0
    assert mailoutbox == []
    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_it_reminds_a_returned_report(report, mailoutbox):
    report.status = ReportStatus.RETURNED
    report.save()
    assert reminders.send_reminders(days_late(1)) == 1


@pytest.mark.django_db
def test_it_sends_a_reminder_once_a_day_however_often_it_runs(report, mailoutbox):
    assert reminders.send_reminders(days_before(1)) == 1
    assert reminders.send_reminders(days_before(1)) == 0
    assert sorted(message.to[0] for message in mailoutbox) == MEMBERS  # once each
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.sent_on, reminder.days_to_due) == (
        "before_due",
        days_before(1),
        1,
    )
    assert reminder.recipients == "member@example.org, pi@example.org"
    assert reminder.delivered_at is not None


@pytest.mark.django_db
def test_it_sends_overdue_notices_weekly(report, mailoutbox):
    for day in range(1, 23):
        reminders.send_reminders(days_late(day))
    sent = sorted(Reminder.objects.values_list("days_to_due", flat=True))
    assert sent == [-22, -15, -8, -1]
    assert len(mailoutbox) == 4 * 2


@pytest.mark.django_db
def test_it_mails_a_reminder_recorded_by_a_run_that_died_before_mailing(report, mailoutbox):
    # What a worker that died between recording and claiming leaves: delivered_at empty.
    Reminder.objects.create(report=report, kind="before_due", sent_on=days_before(7), days_to_due=7)
    assert reminders.send_reminders(days_before(7)) == 1
    assert sorted(message.to[0] for message in mailoutbox) == MEMBERS
    assert Reminder.objects.get().delivered_at is not None


@pytest.mark.django_db
def test_it_sends_nothing_more_after_a_run_died_between_claim_and_mail(report, mailoutbox):
    # What a worker that died after claiming leaves: a claimed reminder, maybe mailed.
    Reminder.objects.create(
        report=report,
        kind="before_due",
        sent_on=days_before(7),
        days_to_due=7,
        delivered_at=datetime.datetime(2025, 5, 24, tzinfo=datetime.UTC),
    )
    assert reminders.send_reminders(days_before(7)) == 0
    assert mailoutbox == []  # at most once: never twice


@pytest.mark.django_db
def test_it_retries_when_the_mail_server_is_down(report, mailoutbox, settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    locmem = settings.MAILERS
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }
    with pytest.raises(reminders.ReminderNotSent):
        reminders.send_reminders(days_before(7))
    assert Reminder.objects.get().delivered_at is None  # given back: nothing was sent
    settings.MAILERS = locmem  # the server is back; the job's retry runs
    assert reminders.send_reminders(days_before(7)) == 1
    assert sorted(message.to[0] for message in mailoutbox) == MEMBERS


@pytest.mark.django_db
def test_it_runs_for_the_day_it_is_given(report, mailoutbox):
    assert send_due_reminders.apply(args=[days_before(30).isoformat()]).get() == 1
    assert Reminder.objects.get().sent_on == days_before(30)


@pytest.mark.django_db(transaction=True)
def test_it_sends_once_when_two_runs_overlap_on_a_real_worker(mailoutbox):
    reports = []
    for number in range(6):
        report = reporting_project()
        MemberFactory(project=report.project, user__email=f"pi{number}@example.org")
        MemberFactory(project=report.project, role="member", user__email=f"m{number}@example.org")
        reports.append(report)
    day = days_before(30).isoformat()
    with real_worker(concurrency=2):
        runs = [send_due_reminders.delay(day), send_due_reminders.delay(day)]
        sent = [run.get(timeout=60) for run in runs]
    assert not any(isinstance(run, EagerResult) for run in runs)  # a worker ran them
    assert sum(sent) == len(reports)  # between them, each reminder mailed by one run
    assert sorted(Reminder.objects.values_list("report", flat=True)) == [r.pk for r in reports]
    assert Reminder.objects.filter(delivered_at__isnull=True).count() == 0
    addresses = sorted(message.to[0] for message in mailoutbox)
    assert len(addresses) == len(reports) * 2
    assert len(set(addresses)) == len(addresses)  # nobody mailed twice
