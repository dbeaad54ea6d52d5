"""What staff have to do today (issue 13): the admin's home page shows it.

Each function reads one list in a fixed number of queries, whatever the number of calls,
proposals or reports, so that the home page stays fast at agency scale. It lives in
projects because it reads calls and projects alike (projects uses calls, never the reverse).
"""

import datetime
from collections import defaultdict

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, TextChoices
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from calls.models import Call, CallStatus, Proposal, ProposalStatus
from projects.models import AnnualReport, MemberRole, ProjectMember, Reminder, ReportingPeriod
from projects.reporting import EDITABLE

UNDECIDED = [ProposalStatus.SUBMITTED, ProposalStatus.UNDER_REVIEW]
SHOWN = 20  # rows per list on the home page; each list says how many there are in all
DUE_WITHIN_DAYS = 30  # reports due this soon are listed beside the overdue ones


class Stage(TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open for proposals")
    IN_REVIEW = "in_review", _("In review")
    DECIDING = "deciding", _("Deciding")
    RUNNING = "running", _("Projects running")


def calls_by_stage(today: datetime.date) -> list[tuple[Stage, list[Call]]]:
    """Every call still in hand, by the stage its dates, reviews and decisions put it in;
    a closed call with nothing left to decide and no project running is done, and not listed."""
    calls = Call.objects.select_related("program").annotate(
        undecided=Count("proposals", filter=Q(proposals__status__in=UNDECIDED), distinct=True),
        reviews_pending=Count(
            "proposals__reviews",
            filter=Q(proposals__status__in=UNDECIDED, proposals__reviews__score__isnull=True),
            distinct=True,
        ),
        running=Count(
            "proposals__project", filter=Q(proposals__project__end_date__gte=today), distinct=True
        ),
    )
    stages = defaultdict(list)
    for call in calls.order_by("close_date", "code"):
        stage = stage_of(call, today)
        if stage is not None:
            stages[stage].append(call)
    return [(stage, stages[stage]) for stage in Stage]


def stage_of(call: Call, today: datetime.date) -> str | None:
    """The stage of a call annotated by calls_by_stage."""
    status = call.status_on(today)
    if status != CallStatus.CLOSED:
        return Stage.PLANNED if status == CallStatus.PLANNED else Stage.OPEN
    if call.undecided:
        return Stage.IN_REVIEW if call.reviews_pending else Stage.DECIDING
    return Stage.RUNNING if call.running else None


def proposals_missing_reviews() -> QuerySet[Proposal]:
    """Undecided proposals with no reviewer yet, or with reviews still unscored."""
    proposals = Proposal.objects.filter(status__in=UNDECIDED).annotate(
        assigned=Count("reviews"),
        scored=Count("reviews", filter=Q(reviews__score__isnull=False)),
    )
    missing = proposals.filter(Q(assigned=0) | Q(scored__lt=F("assigned")))
    return missing.select_related("call").order_by("call__close_date", "ref")


def reviewer_workload() -> QuerySet[User]:
    """Reviewers with reviews still to score, the busiest first."""
    pending = Q(reviews__score__isnull=True, reviews__proposal__status__in=UNDECIDED)
    reviewers = User.objects.annotate(
        pending=Count("reviews", filter=pending),
        scored=Count("reviews", filter=Q(reviews__score__isnull=False)),
    )
    return reviewers.filter(pending__gt=0).order_by("-pending", "email")


def late_reports(today: datetime.date) -> QuerySet[AnnualReport]:
    """Reports not handed in that are overdue or due within DUE_WITHIN_DAYS, soonest
    first, each with its due date, its PI and when it was last reminded."""
    period = ReportingPeriod.objects.filter(
        program=OuterRef("project__proposal__call__program"), fiscal_year=OuterRef("fiscal_year")
    )
    pi = ProjectMember.objects.filter(project=OuterRef("project"), role=MemberRole.PI)
    reminded = Reminder.objects.filter(report=OuterRef("pk")).values("report")
    reports = AnnualReport.objects.filter(status__in=EDITABLE).annotate(
        due_on=Subquery(period.values("due_on")[:1]),
        pi_name=Subquery(pi.order_by("pk").values("user__full_name")[:1]),
        pi_email=Subquery(pi.order_by("pk").values("user__email")[:1]),
        last_reminded=Subquery(reminded.annotate(last=Max("sent_on")).values("last")),
    )
    soon = today + datetime.timedelta(days=DUE_WITHIN_DAYS)
    reports = reports.filter(due_on__lte=soon).select_related("project")
    return reports.order_by("due_on", "project__code")
