"""Reminders before the due date and weekly after it: each once, in the PI's language."""

import datetime

import pytest
from celery.contrib.testing.worker import start_worker

from aspire.celery import app
from projects import reminders
from projects.models import Reminder, ReportingPeriod, ReportStatus
from projects.tasks import send_due_reminders
from tests.factories import MemberFactory, ReportFactory, UserFactory

DUE = datetime.date(2025, 5, 31)


def days_before(days: int) -> datetime.date:
    return DUE - datetime.timedelta(days=days)


@pytest.fixture
def report(db):
    report = ReportFactory(status=ReportStatus.DRAFT, fiscal_year=2024)
    program = report.project.proposal.call.program
    ReportingPeriod.objects.create(
        program=program, fiscal_year=2024, opens_on=datetime.date(2025, 4, 1), due_on=DUE
    )
    MemberFactory(project=report.project, user__email="pi@example.org", user__language="ja")
    MemberFactory(
        project=report.project, role="member", user__email="member@example.org", user__language="en"
    )
    return report


@pytest.mark.parametrize(
    ("today", "kind"),
    [
        (days_before(30), "before_due"),
        (days_before(7), "before_due"),
        (days_before(1), "before_due"),
        (days_before(2), None),
        (DUE, None),
        (DUE + datetime.timedelta(days=1), "overdue"),
        (DUE + datetime.timedelta(days=2), None),
        (DUE + datetime.timedelta(days=8), "overdue"),
        (DUE + datetime.timedelta(days=15), "overdue"),
    ],
)
def test_it_reminds_on_the_right_days(today, kind):
    assert reminders.reminder_kind(DUE, today) == kind


@pytest.mark.django_db
def test_it_follows_the_configured_days(settings):
    settings.REMINDER_DAYS_BEFORE = (14,)
    assert reminders.reminder_kind(DUE, days_before(14)) == "before_due"
    assert reminders.reminder_kind(DUE, days_before(7)) is None


@pytest.mark.django_db
def test_it_mails_each_member_in_their_language(report, mailoutbox):
    assert reminders.send_reminders(days_before(7)) == 1
    by_address = {message.to[0]: message for message in mailoutbox}
    assert set(by_address) == {"pi@example.org", "member@example.org"}
    english = by_address["member@example.org"]
    assert (
        english.subject
        == f"Due in 7 days: the annual report FY2024 (令和6年度) of {report.project.code}"
    )
    assert f"/reports/{report.pk}/" in english.body
    japanese = by_address["pi@example.org"]
    assert "令和6年度" in japanese.subject
    assert japanese.subject != english.subject  # the Japanese catalogue translated it


@pytest.mark.django_db
def test_it_never_reminds_about_a_handed_in_report(report, mailoutbox):
    report.status = ReportStatus.SUBMITTED
    report.save()
    assert reminders.send_reminders(days_before(7)) == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_it_sends_a_reminder_once_a_day_however_often_it_runs(report, mailoutbox):
    reminders.send_reminders(days_before(1))
    reminders.send_reminders(days_before(1))
    assert len(mailoutbox) == 2  # one per member, once
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.days_to_due) == ("before_due", 1)
    assert reminder.recipients == "member@example.org, pi@example.org"
    assert reminder.delivered_at is not None


@pytest.mark.django_db
def test_it_sends_nothing_more_after_a_run_died_between_claim_and_mail(report, mailoutbox):
    # What a worker that died after claiming leaves behind: a claimed, unsent reminder.
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
def test_it_sends_overdue_notices_weekly(report, mailoutbox):
    for day in range(1, 16):
        reminders.send_reminders(DUE + datetime.timedelta(days=day))
    sent = sorted(Reminder.objects.values_list("days_to_due", flat=True))
    assert sent == [-15, -8, -1]


@pytest.mark.django_db(transaction=True)
def test_it_sends_once_when_two_runs_overlap_on_a_real_worker(report, mailoutbox):
    UserFactory.create_batch(3)  # more rows, more chances to interleave
    day = days_before(30).isoformat()
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False):
        runs = [send_due_reminders.delay(day), send_due_reminders.delay(day)]
        sent = [run.get(timeout=30) for run in runs]
    assert sorted(sent) == [0, 1]  # one run mailed, the other found it claimed
    assert Reminder.objects.count() == 1
    assert sorted(message.to[0] for message in mailoutbox) == [
        "member@example.org",
        "pi@example.org",
    ]
