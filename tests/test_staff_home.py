"""The officers' home (issue 13, item 1): calls by stage, proposals missing reviews, the
reviewers' workload, reports due and overdue by project and PI with "remind now"."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from projects import home
from projects.models import ReminderKind, ReportingPeriod, ReportStatus
from projects.reminders import CannotRemind, remind_now
from tests.conftest import sign_in
from tests.factories import (
    CallFactory,
    MemberFactory,
    ProjectFactory,
    ProposalFactory,
    ReportFactory,
    ReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)
DAY = datetime.timedelta(days=1)


def a_call(opens: datetime.date, closes: datetime.date, **kwargs):
    return CallFactory(open_date=opens, close_date=closes, **kwargs)


def test_it_puts_each_call_in_the_stage_its_dates_reviews_and_decisions_say():
    planned = a_call(TODAY + DAY, TODAY + 30 * DAY)
    open_ = a_call(TODAY - DAY, TODAY + DAY)
    in_review = a_call(TODAY - 60 * DAY, TODAY - 30 * DAY)
    ReviewFactory(proposal=ProposalFactory(call=in_review, status="under_review"), score=None)
    deciding = a_call(TODAY - 60 * DAY, TODAY - 30 * DAY)
    ReviewFactory(proposal=ProposalFactory(call=deciding, status="under_review"), score=7)
    running = a_call(datetime.date(2023, 5, 1), datetime.date(2023, 7, 31))
    ProjectFactory(proposal__call=running, end_date=datetime.date(2028, 3, 31))
    done = a_call(datetime.date(2019, 5, 1), datetime.date(2019, 7, 31))
    ProjectFactory(proposal__call=done, end_date=datetime.date(2024, 3, 31))
    stages = {stage.value: [c.code for c in calls] for stage, calls in home.calls_by_stage(TODAY)}
    assert stages == {
        "planned": [planned.code],
        "open": [open_.code],
        "in_review": [in_review.code],
        "deciding": [deciding.code],
        "running": [running.code],
    }


def test_it_lists_proposals_missing_reviews_and_the_busiest_reviewers_first():
    unassigned = ProposalFactory(status="submitted")
    half = ProposalFactory(status="under_review")
    ReviewFactory(proposal=half, score=Decimal(8))
    busy = ReviewFactory(proposal=half, score=None).reviewer
    other = ProposalFactory(status="under_review")
    ReviewFactory(proposal=other, reviewer=busy, score=None)
    done = ProposalFactory(status="under_review")
    ReviewFactory(proposal=done, score=Decimal(6))
    decided = ProposalFactory(status="rejected")
    ReviewFactory(proposal=decided, score=None)  # nothing left to decide: not missing
    missing = {p.ref: (p.assigned, p.scored) for p in home.proposals_missing_reviews()}
    assert missing == {unassigned.ref: (0, 0), half.ref: (2, 1), other.ref: (1, 0)}
    workload = [(r, r.pending) for r in home.reviewer_workload()]
    assert workload[0] == (busy, 2)
    assert len(workload) == 1  # those with nothing to score are not listed


@pytest.fixture
def late():
    """An FY2025 report due 2026-05-31 and not in, as in issue 15; its PI and a member."""
    report = ReportFactory(fiscal_year=2025, status=ReportStatus.DRAFT)
    program = report.project.proposal.call.program
    ReportingPeriod.objects.create(
        program=program,
        fiscal_year=2025,
        opens_on=datetime.date(2026, 4, 1),
        due_on=datetime.date(2026, 5, 31),
    )
    MemberFactory(project=report.project, user__full_name="伊藤 拓也", user__email="pi@u.ac.jp")
    MemberFactory(project=report.project, role="member", user__email="member@u.ac.jp")
    return report


@pytest.fixture
def officer(client):
    return sign_in(client, UserFactory(roles=["staff"], is_staff=True))


def test_it_lists_reports_overdue_or_due_soon_and_not_those_in_or_far_off(late):
    program = late.project.proposal.call.program
    ReportingPeriod.objects.create(
        program=program, fiscal_year=2026, opens_on=TODAY, due_on=TODAY + 20 * DAY
    )
    soon = ReportFactory(project=late.project, fiscal_year=2026, status=ReportStatus.RETURNED)
    ReportFactory(project=late.project, fiscal_year=2024, status=ReportStatus.SUBMITTED)
    ReportingPeriod.objects.create(
        program=program, fiscal_year=2027, opens_on=TODAY, due_on=TODAY + 200 * DAY
    )
    ReportFactory(project=late.project, fiscal_year=2027, status=ReportStatus.DRAFT)
    listed = [(r.pk, r.due_on, r.pi_name) for r in home.late_reports(TODAY)]
    assert listed == [
        (late.pk, datetime.date(2026, 5, 31), "伊藤 拓也"),
        (soon.pk, TODAY + 20 * DAY, "伊藤 拓也"),
    ]


def test_it_shows_the_late_report_with_its_pi_on_the_home_page(client, officer, late):
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    row = page.text.split('class="late-reports"')[1]
    assert late.project.code in row and "伊藤 拓也" in row and "pi@u.ac.jp" in row
    assert "2026-05-31" in row
    days = (timezone.localdate() - datetime.date(2026, 5, 31)).days
    assert f"{days} days overdue" in row


def test_it_reminds_now_once_a_day_and_records_who_did(client, officer, late):
    url = reverse("projects:remind", args=[late.pk])
    back = reverse("admin:index")
    response = client.post(url, {"next": back})
    assert response.status_code == 302 and response.url == back
    assert sorted(m.to[0] for m in mail.outbox) == ["member@u.ac.jp", "pi@u.ac.jp"]
    assert "2026年5月31日 が提出期限でしたが" in mail.outbox[0].body  # their language
    reminder = late.reminders.get()
    assert (reminder.kind, reminder.sent_by) == (ReminderKind.BY_STAFF, officer)
    client.post(url, {"next": back})  # a second click the same day
    assert len(mail.outbox) == 2
    page = client.get(back)
    row = page.text.split('class="late-reports"')[1]
    assert timezone.localdate().isoformat() in row  # last reminded today


def test_it_refuses_to_remind_of_a_report_handed_in(late):
    late.status = ReportStatus.SUBMITTED
    late.save()
    with pytest.raises(CannotRemind, match="handed in"):
        remind_now(late, by=None)
    assert mail.outbox == [] and not late.reminders.exists()


def test_it_never_sends_the_browser_to_another_site(client, officer, late):
    url = reverse("projects:remind", args=[late.pk])
    response = client.post(url, {"next": "https://evil.example/"})
    assert response.url == reverse("projects:queue")


def test_it_lets_only_staff_remind(client, late):
    sign_in(client, late.project.memberships.get(role="pi").user)
    assert client.post(reverse("projects:remind", args=[late.pk])).status_code == 403
    assert mail.outbox == []


def build(size: int) -> None:
    for n in range(size):
        call = a_call(TODAY - 60 * DAY, TODAY - 30 * DAY)
        proposal = ProposalFactory(call=call, status="under_review")
        ReviewFactory(proposal=proposal, score=None)
        report = ReportFactory(project__proposal__call=call, status=ReportStatus.DRAFT)
        ReportingPeriod.objects.get_or_create(
            program=call.program,
            fiscal_year=report.fiscal_year,
            defaults={"opens_on": TODAY - 90 * DAY, "due_on": TODAY - (n + 1) * DAY},
        )
        MemberFactory(project=report.project)


@pytest.mark.parametrize("size", [1, 6])
def test_it_reads_the_home_page_in_the_same_queries_whatever_the_data(
    client, officer, django_assert_num_queries, size
):
    build(size)
    # session, user, second-factor device, the user's groups (roles), calls by stage,
    # the user's and the groups' permissions, proposals missing reviews (count, first
    # rows), the reviewers' workload, late reports, the admin's recent actions
    with django_assert_num_queries(12):
        assert client.get(reverse("admin:index")).status_code == 200
