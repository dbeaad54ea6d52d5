"""The PI's annual report pages: permissions, workflow, conflicts, bad input, query counts."""

import datetime
import io

import pytest
from django.urls import reverse

from projects import reporting
from projects.models import (
    AnnualReport,
    Exchange,
    LabStatistic,
    Paper,
    ReportingPeriod,
    ReportStatus,
)
from tests.conftest import sign_in
from tests.factories import (
    ExchangeFactory,
    HubFactory,
    MemberFactory,
    PaperFactory,
    ReportFactory,
    SurveyFactory,
    UserFactory,
    complete_report,
)

# Imports and uploads are jobs: here they run in the request, as in the demo.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jobs_in_process")]


@pytest.fixture
def report():
    """A draft report of FY2024 of a project that started 1 January 2024."""
    return ReportFactory(status=ReportStatus.DRAFT)


@pytest.fixture
def pi(report):
    return MemberFactory(project=report.project).user


@pytest.fixture
def member(report):
    return MemberFactory(project=report.project, role="member", user__roles=[]).user


def url(name: str, report: AnnualReport, *args) -> str:
    namespaced = name if name == "report_upload" else f"projects:{name}"
    return reverse(namespaced, args=[report.pk, *args])


def prefixed(prefix: str, data: dict) -> dict:
    """A section's form data as the page posts it: each form has its own prefix."""
    return {f"{prefix}-{key}": value for key, value in data.items()}


PAPER = {
    "doi": "10.1000/abc",
    "title": "Joint work",
    "journal": "Cell",
    "published_on": "2024-07-01",
    "authors": "A; B",
    "international_coauthored": "on",
}


def post_paper(client, report, version=None, **fields):
    data = {**PAPER, **fields, "version": version or report.version}
    return client.post(url("add", report, "papers"), prefixed("papers", data))


# --- Who may see and do what -----------------------------------------------------------


def test_it_shows_the_report_to_its_pi(client, report, pi):
    sign_in(client, pi)
    response = client.get(url("report", report))
    assert response.status_code == 200
    assert report.project.code in response.text


def test_it_hides_a_report_from_a_stranger_with_404(client, report):
    sign_in(client, UserFactory(roles=["pi"]))
    assert client.get(url("report", report)).status_code == 404
    assert post_paper(client, report).status_code == 404
    assert Paper.objects.count() == 0


def test_it_sends_an_anonymous_visitor_to_sign_in(client, report):
    response = client.get(url("report", report))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_lets_a_named_member_edit_a_draft_but_not_submit(client, report, member):
    sign_in(client, member)
    assert post_paper(client, report).status_code == 302
    assert Paper.objects.count() == 1
    response = client.post(url("submit", report), {"version": report.version + 1, "confirmed": "1"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_it_lets_the_committee_read_a_handed_in_report_but_not_edit(client, report):
    sign_in(client, UserFactory(roles=["committee"]))
    assert client.get(url("report", report)).status_code == 404  # a draft: not theirs to see
    report.status = ReportStatus.SUBMITTED
    report.save()
    assert client.get(url("report", report)).status_code == 200
    assert post_paper(client, report).status_code == 403
    assert Paper.objects.count() == 0


def test_it_lets_staff_read_and_review_but_not_edit(client, report):
    sign_in(client, UserFactory(roles=["staff"]))
    assert client.get(url("report", report)).status_code == 200
    assert post_paper(client, report).status_code == 403


def test_it_makes_a_submitted_report_read_only_for_the_pi(client, report, pi):
    complete_report(report)
    sign_in(client, pi)
    client.post(url("submit", report), {"version": report.version, "confirmed": "1"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert post_paper(client, report).status_code == 403
    assert "Submit the report" not in client.get(url("report", report)).text


# --- Workflow -----------------------------------------------------------------------------


def test_it_runs_the_whole_workflow_and_keeps_who_did_what(client, report, pi):
    complete_report(report)
    staff = UserFactory(roles=["staff"])
    sign_in(client, pi)
    post_paper(client, report)
    client.post(url("submit", report), {"version": report.version + 1, "confirmed": "1"})
    sign_in(client, staff)
    client.post(url("return", report), {"comment": "Add the DOI of the second paper."})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert report.staff_comment == "Add the DOI of the second paper."
    sign_in(client, pi)
    assert "Add the DOI of the second paper." in client.get(url("report", report)).text
    client.post(url("submit", report), {"version": report.version, "confirmed": "1"})
    sign_in(client, staff)
    client.post(url("accept", report))
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    moves = report.history.order_by("history_date").values_list("status", "history_user")
    statuses = [(status, user) for status, user in moves]
    assert ("submitted", pi.pk) in statuses
    assert ("returned", staff.pk) in statuses
    assert statuses[-1] == ("accepted", staff.pk)


def test_it_refuses_to_return_without_a_comment(client, report):
    report.status = ReportStatus.SUBMITTED
    report.save()
    sign_in(client, UserFactory(roles=["staff"]))
    response = client.post(url("return", report), {"comment": "  "})
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_it_accepts_an_explicit_nothing_to_report(client, report, pi):
    sign_in(client, pi)
    client.post(
        url("submit", report),
        {"version": report.version, "nothing_to_report": "1", "confirmed": "1"},
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.nothing_to_report is True


def test_it_refuses_nothing_to_report_when_outputs_are_listed(client, report, pi):
    PaperFactory(report=report)
    sign_in(client, pi)
    response = client.post(
        url("submit", report),
        {"version": report.version, "nothing_to_report": "1", "confirmed": "1"},
        follow=True,
    )
    assert "remove them before reporting nothing" in response.text
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_it_refuses_to_accept_a_draft(report):
    with pytest.raises(reporting.ValidationError):
        reporting.accept(report)


# --- Two people, one report ----------------------------------------------------------------


def edit_paper(client, report, paper, version, **fields):
    data = {**PAPER, "title": paper.title, **fields, "version": version}
    return client.post(url("edit", report, "papers", paper.pk), data)


def test_it_never_makes_two_people_adding_rows_wait_for_each_other(client, report, pi):
    client.force_login(pi)
    assert post_paper(client, report, title="First").status_code == 302
    assert post_paper(client, report, doi="10.1000/xyz", title="Second").status_code == 302
    assert sorted(Paper.objects.values_list("title", flat=True)) == ["First", "Second"]


def test_it_keeps_both_edits_of_different_fields_of_one_row(client, report, pi):
    paper = PaperFactory(report=report, title="Old", journal="Cell")
    client.force_login(pi)
    opened = paper.version  # both open the row at this version
    assert edit_paper(client, report, paper, opened, title="New", journal="Cell").status_code == 302
    # The other form still shows the old title; they change only the journal.
    assert (
        edit_paper(client, report, paper, opened, title="Old", journal="Nature").status_code == 302
    )
    paper.refresh_from_db()
    assert (paper.title, paper.journal, paper.version) == ("New", "Nature", 3)


def test_it_shows_both_values_when_two_people_change_one_field(client, report, pi):
    paper = PaperFactory(report=report, title="Old", journal="Cell")
    client.force_login(pi)
    opened = paper.version
    assert edit_paper(client, report, paper, opened, title="Theirs").status_code == 302
    response = edit_paper(client, report, paper, opened, title="Mine", journal="Nature")
    assert response.status_code == 409
    page = response.text
    assert "<td>Old</td><td>Theirs</td><td><strong>Mine</strong></td>" in page
    assert 'value="Mine"' in page and 'value="Nature"' in page  # what they typed is kept
    paper.refresh_from_db()
    assert (paper.title, paper.journal) == ("Theirs", "Cell")  # nothing saved
    # Saving again, on the version the page now carries, is the explicit choice.
    again = edit_paper(client, report, paper, paper.version, title="Mine", journal="Nature")
    assert again.status_code == 302
    paper.refresh_from_db()
    assert (paper.title, paper.journal) == ("Mine", "Nature")


def test_it_never_writes_back_a_field_the_conflicted_form_did_not_change(client, report, pi):
    paper = PaperFactory(report=report, title="Old", journal="Cell", doi="10.1000/a")
    client.force_login(pi)
    opened = paper.version
    edit_paper(client, report, paper, opened, title="Theirs", journal="Lancet", doi="10.1000/a")
    response = edit_paper(client, report, paper, opened, title="Mine", doi="10.1000/a")
    assert response.status_code == 409
    # The kept form holds their journal (the field this person did not touch), not "Cell".
    assert 'value="Lancet"' in response.text and 'value="Cell"' not in response.text


def test_it_refuses_a_stale_details_save_of_the_same_field(client, report, pi):
    client.force_login(pi)
    opened = report.version
    data = {"version": opened, "buyout_used": "true", "travel_trips": "3"}
    assert client.post(url("details", report), prefixed("details", data)).status_code == 302
    data = {"version": opened, "buyout_used": "true", "travel_trips": "5"}
    assert client.post(url("details", report), prefixed("details", data)).status_code == 409
    report.refresh_from_db()
    assert report.travel_trips == 3


# --- Bad input ------------------------------------------------------------------------------

GARBAGE = {
    "papers": {**PAPER, "title": "x" * 1001, "published_on": "2025-02-30"},
    "presentations": {"title": "<script>alert(1)</script>", "presented_on": "yesterday"},
    "events": {"kind": "party", "title": "", "held_on": "2024-13-01", "participants": "-3"},
    "exchanges": {
        "direction": "dispatch",
        "person": "A",
        "career_stage": "student",
        "country": "XX",
        "start_date": "2024-06-10",
        "end_date": "2024-06-01",
        "funded_by_program": "on",
    },
    "hubs": {"name": "x" * 301, "country": "JP", "established_on": "2024-02-30"},
    "lab_statistics": {"events_held": "-1", "researchers_invited": "two"},
    "surveys": {"person": "A", "timing": "before", "networking": "6", "communication": "0"},
}


@pytest.mark.parametrize("section", GARBAGE)
def test_it_refuses_garbage_in_every_section_and_writes_nothing(client, report, pi, section):
    sign_in(client, pi)
    data = {**GARBAGE[section], "version": report.version}
    response = client.post(url("add", report, section), prefixed(section, data))
    assert response.status_code == 400
    assert 'class="errorlist' in response.text
    assert "<script>alert(1)</script>" not in response.text  # escaped, never run
    assert "&lt;script&gt;" in response.text or section != "presentations"
    for model in reporting.OUTPUT_MODELS:
        assert model.objects.count() == 0


def test_it_refuses_garbage_in_the_details(client, report, pi):
    sign_in(client, pi)
    data = {"version": report.version, "travel_trips": "-1", "travel_cost_yen": "lots"}
    assert client.post(url("details", report), prefixed("details", data)).status_code == 400
    report.refresh_from_db()
    assert report.travel_trips is None


def test_it_asks_why_the_buyout_was_not_used(client, report, pi):
    sign_in(client, pi)
    response = client.post(
        url("details", report),
        prefixed("details", {"version": report.version, "buyout_used": "false"}),
    )
    assert response.status_code == 400
    assert "Say why the buy-out was not used." in response.text


def test_it_refuses_a_doi_already_reported_for_the_project(client, report, pi):
    PaperFactory(report=report, doi="10.1000/ABC")
    sign_in(client, pi)
    response = post_paper(client, report, doi="10.1000/abc", title="Again")
    assert response.status_code == 400
    assert "already reported for this project" in response.text
    assert Paper.objects.count() == 1


def test_it_asks_the_purpose_of_a_short_stay(client, report, pi):
    sign_in(client, pi)
    data = {**GARBAGE["exchanges"], "country": "US", "end_date": "2024-06-14"}
    data["version"] = report.version
    response = client.post(url("add", report, "exchanges"), prefixed("exchanges", data))
    assert response.status_code == 400
    assert "Say what a stay of 7 days or less was for." in response.text
    data["purpose"] = "Joint experiment"
    response = client.post(url("add", report, "exchanges"), prefixed("exchanges", data))
    assert response.status_code == 302
    assert Exchange.objects.get().purpose == "Joint experiment"


def test_it_keeps_but_marks_an_output_from_before_the_project(client, report, pi):
    sign_in(client, pi)
    post_paper(client, report, published_on="2023-12-01")
    assert Paper.objects.count() == 1
    assert "not counted: before the project started" in client.get(url("report", report)).text


def test_it_edits_and_removes_rows_in_place(client, report, pi):
    paper = PaperFactory(report=report, title="Old")
    sign_in(client, pi)
    edit = url("edit", report, "papers", paper.pk)
    assert client.get(edit).status_code == 200
    data = {**PAPER, "title": "New", "version": report.version}
    assert client.post(edit, data).status_code == 302
    paper.refresh_from_db()
    assert paper.title == "New"
    paper.refresh_from_db()
    delete = url("delete", report, "papers", paper.pk)
    assert client.post(delete, {"version": paper.version - 1}).status_code == 302
    assert Paper.objects.count() == 1  # changed since the page showed it: not removed
    assert client.post(delete, {"version": paper.version}).status_code == 302
    assert Paper.objects.count() == 0


def test_it_offers_one_lab_statistics_row_per_year(client, report, pi):
    sign_in(client, pi)
    data = {"events_held": 2, "researchers_invited": 3, "researchers_dispatched": 1}
    data["version"] = report.version
    client.post(url("add", report, "lab_statistics"), prefixed("lab_statistics", data))
    assert LabStatistic.objects.get().events_held == 2
    assert (
        f'action="/reports/{report.pk}/lab_statistics/add/"'
        not in client.get(url("report", report)).text
    )


# --- Less typing -------------------------------------------------------------------------


def test_it_copies_last_years_continuing_stays(client, report, pi):
    last_year = ReportFactory(project=report.project, fiscal_year=2023)
    ExchangeFactory(
        report=last_year, person="Ongoing", start_date=datetime.date(2024, 2, 1), end_date=None
    )
    ExchangeFactory(
        report=last_year,
        person="Finished",
        start_date=datetime.date(2024, 1, 10),
        end_date=datetime.date(2024, 2, 1),
    )
    sign_in(client, pi)
    client.post(url("copy", report), {"version": report.version, "confirmed": "1"})
    copied = Exchange.objects.get(report=report)
    assert copied.person == "Ongoing"
    assert copied.start_date == datetime.date(2024, 4, 1)
    report.refresh_from_db()
    client.post(url("copy", report), {"version": report.version, "confirmed": "1"})
    assert Exchange.objects.filter(report=report).count() == 1  # twice copies once


# --- Lists and queries -------------------------------------------------------------------


@pytest.mark.parametrize("outputs", [5, 100])
def test_it_renders_the_report_in_a_fixed_number_of_queries(
    client, report, pi, django_assert_num_queries, outputs
):
    PaperFactory.create_batch(outputs, report=report)
    ExchangeFactory.create_batch(outputs, report=report)
    HubFactory.create_batch(outputs, project=report.project)
    SurveyFactory.create_batch(outputs, project=report.project, report=report)
    sign_in(client, pi)
    # session, user, report (+project, proposal, call, program), projects visible (subquery),
    # membership checks of the rules (change, submit, review: group lookups), reporting
    # period, seven sections, the handed-in reports holding hubs and survey answers (one
    # each), the participants offered, the history (projects/history.py: one query per
    # kind of row: the report, papers, presentations, events, exchanges, lab statistics);
    # the summary (projects.reporting.summary): the reporting period, papers,
    # presentations, events, exchanges, hubs, lab statistics, survey answers, papers of
    # other years (same titles), drafts waiting; then the drafts listed, the PI's linked
    # researcher IDs, the notices and the reminders of the report.
    with django_assert_num_queries(QUERIES_REPORT_PAGE):
        assert client.get(url("report", report)).status_code == 200


QUERIES_REPORT_PAGE = 37


@pytest.mark.parametrize("projects", [2, 20])
def test_it_lists_my_projects_in_a_fixed_number_of_queries(
    client, django_assert_num_queries, projects
):
    user = UserFactory(roles=["pi"])
    for member in MemberFactory.create_batch(projects, user=user):
        ReportFactory(project=member.project, status=ReportStatus.DRAFT)
    sign_in(client, user)
    # session, user, projects with program, their reports (prefetch), reporting periods,
    # the decisions on their proposals (notices with their proposals), and the groups:
    # whether a second factor is needed (accounts/middleware.py)
    with django_assert_num_queries(7):
        response = client.get(reverse("projects:mine"))
    assert response.text.count("FY2024") == projects


@pytest.mark.parametrize("reports", [2, 20])
def test_it_queues_submitted_reports_for_staff(client, django_assert_num_queries, reports):
    ReportFactory.create_batch(reports, status=ReportStatus.SUBMITTED)
    ReportFactory(status=ReportStatus.DRAFT)
    sign_in(client, UserFactory(roles=["staff"]))
    # session, user, staff check (groups), submitted reports with projects, progress,
    # reports due and overdue with their PIs, and the device that verified the session's
    # second factor (django-otp)
    with django_assert_num_queries(7):
        response = client.get(reverse("projects:queue"))
    assert response.status_code == 200


def test_it_counts_progress_per_program_and_year(report):
    ReportFactory(project=report.project, fiscal_year=2023, status=ReportStatus.ACCEPTED)
    rows = reporting.progress(datetime.date(2025, 6, 1))
    by_year = {row["fiscal_year"]: row for row in rows}
    assert by_year[2023]["accepted_share"] == 100.0
    assert by_year[2024]["submitted"] == 0


def test_it_keeps_the_queue_from_pis(client, pi):
    sign_in(client, pi)
    assert client.get(reverse("projects:queue")).status_code == 403


# --- Members and opening reports ----------------------------------------------------------


def test_it_lets_the_pi_name_a_member_who_may_then_edit(client, report, pi):
    colleague = UserFactory(email="colleague@example.org", roles=[])
    sign_in(client, pi)
    members = reverse("projects:members", args=[report.project.pk])
    assert client.post(members, {"email": "COLLEAGUE@example.org"}).status_code == 302
    sign_in(client, colleague)
    assert post_paper(client, report).status_code == 302


def test_it_refuses_an_unknown_or_repeated_member(client, report, pi):
    sign_in(client, pi)
    members = reverse("projects:members", args=[report.project.pk])
    response = client.post(members, {"email": "nobody@example.org"})
    assert response.status_code == 400
    assert "No one signs in with this e-mail" in response.text
    response = client.post(members, {"email": pi.email})
    assert "already a member" in response.text
    assert report.project.memberships.count() == 1


def test_it_keeps_members_from_naming_members(client, report, member):
    sign_in(client, member)
    members = reverse("projects:members", args=[report.project.pk])
    assert client.get(members).status_code == 403


def test_it_opens_draft_reports_when_the_period_opens(report):
    program = report.project.proposal.call.program
    ReportingPeriod.objects.create(
        program=program,
        fiscal_year=2025,
        opens_on=datetime.date(2026, 3, 1),
        due_on=datetime.date(2026, 5, 31),
    )
    assert reporting.open_reports(datetime.date(2026, 2, 28)) == 0
    assert reporting.open_reports(datetime.date(2026, 3, 1)) == 1
    assert reporting.open_reports(datetime.date(2026, 3, 2)) == 0  # once
    opened = AnnualReport.objects.get(fiscal_year=2025)
    assert opened.status == ReportStatus.DRAFT


# --- Signing in ------------------------------------------------------------------------------


def test_it_signs_in_by_email_and_lands_on_my_projects(client, pi):
    response = client.post(reverse("login"), {"username": pi.email, "password": "secret-password"})
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).request["PATH_INFO"] == "/my/"


def test_it_throttles_repeated_failed_sign_ins(client, pi, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": pi.email, "password": "wrong"})
    response = client.post(reverse("login"), {"username": pi.email, "password": "secret-password"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_sends_a_password_reset_link(client, pi, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": pi.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def test_it_forbids_inline_script_on_every_page(client, pi, report):
    sign_in(client, pi)
    response = client.get(url("report", report))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.text


# --- Filling a section from a file ---------------------------------------------------------


def upload(rows: list[list[str]]) -> io.BytesIO:
    from exchange.services import write_xlsx

    header = ["project", "fiscal_year", "doi", "title", "journal", "published_on"]
    header += ["international_coauthored"]
    content = io.BytesIO(write_xlsx([header, *rows]))
    content.name = "papers.xlsx"
    return content


def test_it_fills_a_section_from_an_xlsx_file(client, report, pi):
    code = report.project.code
    rows = [
        [code, "2024", "10.1/a", "First", "Cell", "2024-06-01", "yes"],
        [code, "2024", "", "Second", "", "2024-07-01", "no"],
    ]
    sign_in(client, pi)
    response = client.post(
        url("report_upload", report, "papers"), {"file": upload(rows)}, follow=True
    )
    assert "papers.xlsx: 2 added, 0 updated, 0 unchanged." in response.text
    assert sorted(Paper.objects.filter(report=report).values_list("title", flat=True)) == [
        "First",
        "Second",
    ]
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT  # it joined the draft, which stays a draft


def test_it_refuses_a_file_with_rows_of_another_project_or_year(client, report, pi):
    rows = [
        [report.project.code, "2023", "", "Last year", "", "2023-06-01", "yes"],
        ["SOMEONE-ELSE", "2024", "", "Theirs", "", "2024-06-01", "yes"],
    ]
    sign_in(client, pi)
    response = client.post(
        url("report_upload", report, "papers"), {"file": upload(rows)}, follow=True
    )
    assert "row 2, column fiscal_year: this report is of fiscal year 2024." in response.text
    assert "row 3, column project: this file may only hold rows of project" in response.text
    assert Paper.objects.count() == 0


def test_it_keeps_strangers_from_uploading(client, report):
    sign_in(client, UserFactory(roles=["pi"]))
    rows = [[report.project.code, "2024", "", "Sneaky", "", "2024-06-01", "yes"]]
    response = client.post(url("report_upload", report, "papers"), {"file": upload(rows)})
    assert response.status_code == 404
    assert Paper.objects.count() == 0


def test_it_refuses_garbage_in_the_members_form(client, report, pi):
    sign_in(client, pi)
    target = reverse("projects:members", args=[report.project.pk])
    response = client.post(target, {"email": "not an e-mail <script>"})
    assert response.status_code == 400
    assert 'class="errorlist' in response.text
    assert report.project.memberships.count() == 1


def test_it_refuses_a_return_comment_that_is_too_long(client, report):
    report.status = ReportStatus.SUBMITTED
    report.save()
    sign_in(client, UserFactory(roles=["staff"]))
    response = client.post(url("return", report), {"comment": "x" * 5001})
    assert response.status_code == 400
    report.refresh_from_db()
    assert (report.status, report.staff_comment) == (ReportStatus.SUBMITTED, "")
