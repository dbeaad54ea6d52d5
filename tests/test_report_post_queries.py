"""What the report page's posts cost in queries, at two sizes: the paste grid, bringing in
from researchmap, and confirming drafts (projects/sources.py)."""

import datetime

import pytest
from django.urls import reverse

from projects.models import ReportStatus
from tests.conftest import sign_in
from tests.factories import (
    EventFactory,
    MemberFactory,
    PaperFactory,
    PresentationFactory,
    ReportFactory,
    complete_report,
)

pytestmark = pytest.mark.django_db

# Every post below starts so: the session, the user, the user's groups (accounts.rules),
# the report (with project, proposal, call, program), the membership that lets them edit.
SIGNED_IN_EDITOR = 5
# sources.make_drafts: its savepoint and release, the report locked, the project's papers,
# presentations and events already reported (one query each, however many), the drafts
# waiting, one bulk insert.
MAKE_DRAFTS = 8


@pytest.fixture
def report():
    return ReportFactory(status=ReportStatus.DRAFT, fiscal_year=2024)


@pytest.fixture
def pi(client, report):
    user = MemberFactory(project=report.project, user__language="en").user
    sign_in(client, user)
    return user


def reported_before(report, count: int) -> None:
    """`count` outputs of each kind in the project's FY2023 report: what duplicates are
    looked for among."""
    earlier = ReportFactory(project=report.project, fiscal_year=2023)
    PaperFactory.create_batch(count, report=earlier)
    PresentationFactory.create_batch(count, report=earlier, presented_on=datetime.date(2023, 7, 1))
    EventFactory.create_batch(count, report=earlier)


def pasted_talks(count: int) -> str:
    return "".join(f"Talk {n}\tJSI\t2024/8/{1 + n % 28}\tはい\tドイツ\n" for n in range(count))


@pytest.mark.parametrize("size", [5, 50])
def test_it_takes_a_paste_in_a_fixed_number_of_queries(
    client, report, pi, django_assert_num_queries, size
):
    reported_before(report, size)
    url = reverse("projects:import_outputs", args=[report.pk])
    with django_assert_num_queries(SIGNED_IN_EDITOR + MAKE_DRAFTS):
        client.post(url, {"paste": pasted_talks(size), "kind": "presentation"})
    assert report.drafts.count() == size


@pytest.mark.parametrize("size", [5, 50])
def test_it_brings_in_from_researchmap_in_a_fixed_number_of_queries(
    client, report, pi, django_assert_num_queries, source_replay, size
):
    reported_before(report, size)
    url = reverse("projects:bring_in", args=[report.pk])
    # The researcher IDs kept (update_or_create): looked for and inserted, each in a
    # savepoint and its release; then one make_drafts for researchmap's papers and talks.
    with django_assert_num_queries(SIGNED_IN_EDITOR + 6 + MAKE_DRAFTS):
        client.post(url, {"researchmap_id": "tanaka-taro"})
    assert report.drafts.exists()


# sources.confirm: the drafts ticked, the transaction's savepoint and its release, the
# report's stored presentation counts refreshed once for every draft (projects/figures.py:
# stale rows deleted, new ones inserted), and at the end one delete of the confirmed drafts.
CONFIRM = 6
# Each draft goes through reporting.add_row, the one door of every rule: its savepoint and
# release, the report locked, the unique check (one talk a day), the row and its history.
CONFIRM_PER_DRAFT = 6


@pytest.mark.parametrize("size", [5, 50])
def test_it_confirms_drafts_at_a_fixed_cost_per_draft(
    client, report, pi, django_assert_num_queries, size
):
    """Linear by design: each row passes every rule of a report (projects/reporting.py);
    what does not grow with the drafts is counted once."""
    client.post(
        reverse("projects:import_outputs", args=[report.pk]),
        {"paste": pasted_talks(size), "kind": "presentation"},
    )
    ticked = list(report.drafts.values_list("pk", flat=True))
    url = reverse("projects:drafts", args=[report.pk])
    with django_assert_num_queries(SIGNED_IN_EDITOR + CONFIRM + CONFIRM_PER_DRAFT * size):
        client.post(url, {"draft": ticked})
    assert (report.presentations.count(), report.drafts.count()) == (size, 0)


# reporting.submit_visible, confirmed: its savepoint; the signed-in editor's read of the
# report is the lock's (the report with its project, proposal and call, and whether it
# holds lab statistics, what is required); then the update (aspire/frozen.py's last guard
# compares with the row the lock read, no second read) and its history row; the stored
# figures (projects/figures.py): its international papers' keys, its counts under the new
# status; the release. The warnings, which read every row, are not looked at once the PI
# has confirmed them.
SUBMIT = 6
# The keys' dates when it holds international co-authored papers: the earlier of the
# stored and the new rows' (projects.figures.add_papers), one statement however many.
SUBMIT_PAPER_DATES = 1


@pytest.mark.parametrize("size", [5, 50])
def test_it_hands_a_report_in_in_a_fixed_number_of_queries(
    client, report, pi, django_assert_num_queries, size
):
    # What 200 PIs at the deadline each cost (benchmarks/scenarios/rush.py).
    complete_report(report)
    PaperFactory.create_batch(size, report=report, international_coauthored=True)
    with django_assert_num_queries(SIGNED_IN_EDITOR + SUBMIT + SUBMIT_PAPER_DATES):
        client.post(reverse("projects:submit", args=[report.pk]), {"confirmed": "1"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_it_hands_in_a_report_without_international_papers_without_their_statements(
    client, report, pi, django_assert_num_queries
):
    complete_report(report)
    PaperFactory.create_batch(3, report=report, international_coauthored=False)
    with django_assert_num_queries(SIGNED_IN_EDITOR + SUBMIT):
        client.post(reverse("projects:submit", args=[report.pk]), {"confirmed": "1"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
