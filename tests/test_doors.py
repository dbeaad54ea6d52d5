"""One rule, every door (issue 11): each business rule tried through every door that can
reach it — the PI pages, the PI's upload, the staff admin, the staff import, the API, the
jobs and the ORM itself — with the same answer and, where a door shows one, the same
message.

Rules and their doors:

- a handed-in report is frozen: PI add, edit, delete and upload; admin change, inline and
  delete; the import; the DOI job; the ORM
- a row belongs to one report: PI add and upload; the admin; the import; the DOI paste
- one DOI, one paper: PI add and upload; the import; the admin; the DOI paste
- names are one identity: the proposals import; the admin; survey pairing (page, import)
- a withdrawn proposal is never adopted: admin action; admin project form; projects import
- a finalised evaluation is frozen: committee pages; admin change and delete; the ORM;
  reopened only with a reason
- frozen data is never deleted: admin (one and bulk); the PI page; the ORM
- who sees drafts and figures: report page, admin list, admin export, API; dashboard and
  the indicators endpoint
- no lost update: PI rows (tests/test_reports.py), committee texts
  (tests/test_evaluation_pages.py), the admin (tests/test_admin.py), the API (here) and
  the import (tests/test_exchange.py)
"""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from api.services import create_client
from calls.models import Proposal, Researcher
from evaluations import indicators, services
from evaluations.models import CommitteeMember, Evaluation, GoalAssessment, Opinion
from exchange.services import export_table, import_table, read_table
from programs.models import FundingAgency
from projects import reporting, sources
from projects.models import AnnualReport, Hub, Paper, Project, ReportStatus
from tests.conftest import sign_in
from tests.factories import (
    AgencyFactory,
    HubFactory,
    MemberFactory,
    PaperFactory,
    ProgramFactory,
    ProjectFactory,
    ProposalFactory,
    ReportFactory,
    SurveyFactory,
    UserFactory,
    complete_report,
)
from tests.test_admin import form_data
from tests.test_admin import url as admin_url

# Imports and uploads are jobs: here they run in the request, as in the demo.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jobs_in_process")]

PAPERS = "project,fiscal_year,doi,title,journal,published_on,international_coauthored\n"


def rows(text: str) -> list[dict]:
    return read_table(text.encode(), "file.csv")


def upload(client, report, section: str, text: str):
    file = io.BytesIO(text.encode())
    file.name = "rows.csv"
    path = reverse("report_upload", args=[report.pk, section])
    return client.post(path, {"file": file}, follow=True)


def page(name: str, report, *args) -> str:
    return reverse(f"projects:{name}", args=[report.pk, *args])


@pytest.fixture
def project():
    return ProjectFactory(start_date=datetime.date(2023, 4, 1))


@pytest.fixture
def accepted(project):
    """Last year's report, handed in and accepted: frozen."""
    return ReportFactory(project=project, fiscal_year=2023, status=ReportStatus.ACCEPTED)


@pytest.fixture
def draft(project):
    return ReportFactory(project=project, fiscal_year=2024, status=ReportStatus.DRAFT)


@pytest.fixture
def pi(project):
    return MemberFactory(project=project).user


@pytest.fixture
def staff():
    return UserFactory(roles=["staff"], is_staff=True)


# --- A handed-in report is frozen ---------------------------------------------------------


def frozen_text(report) -> str:
    return reporting.frozen_message(report)


def test_it_refuses_every_change_of_a_handed_in_report_row_through_the_pi_pages(
    client, accepted, pi
):
    paper = PaperFactory(report=accepted, title="Kept")
    client.force_login(pi)
    data = {"title": "Changed", "published_on": "2023-06-01", "version": paper.version}
    assert client.post(page("edit", accepted, "papers", paper.pk), data).status_code == 403
    delete = page("delete", accepted, "papers", paper.pk)
    assert client.post(delete, {"version": paper.version}).status_code == 403
    add = {"papers-title": "New", "papers-published_on": "2023-06-01"}
    assert client.post(page("add", accepted, "papers"), add).status_code == 403
    assert upload(client, accepted, "papers", PAPERS).status_code == 403
    paper.refresh_from_db()
    assert (paper.title, Paper.objects.count()) == ("Kept", 1)


def test_it_refuses_every_change_of_a_handed_in_report_row_in_the_admin(client, accepted, staff):
    paper = PaperFactory(report=accepted, title="Kept")
    sign_in(client, staff)
    change = admin_url(Paper, "change", paper.pk)
    page_text = client.get(change).text
    assert 'name="title"' not in page_text  # shown read-only
    assert client.post(change, {"title": "Changed"}).status_code == 403
    report_page = client.get(admin_url(AnnualReport, "change", accepted.pk)).text
    assert 'name="papers-0-title"' not in report_page  # the inline too
    response = client.post(admin_url(Paper, "delete", paper.pk), {"post": "yes"})
    assert response.status_code == 403
    paper.refresh_from_db()
    assert paper.title == "Kept"


def test_it_refuses_a_changed_row_of_a_handed_in_report_in_the_import(accepted):
    paper = PaperFactory(report=accepted, title="Kept")
    header, lines = export_table("publications")
    row = dict(zip(header, lines[0], strict=True)) | {"journal": "Changed"}
    result = import_table("publications", [row])
    column = "doi"
    assert result.errors == [f"row 2, column {column}: {frozen_text(accepted)}"]
    paper.refresh_from_db()
    assert paper.journal == "Nature"


def test_it_refuses_a_handed_in_report_row_at_the_orm_too(accepted):
    paper = PaperFactory(report=accepted)
    paper.title = "Changed in the shell"
    with pytest.raises(ValidationError, match="handed in"), transaction.atomic():
        paper.save()
    with pytest.raises(ValidationError, match="handed in"), transaction.atomic():
        paper.delete()
    assert Paper.objects.get().title != "Changed in the shell"


def test_it_lets_no_draft_add_a_row_to_a_report_handed_in_meanwhile(crossref_replay, draft):
    found, _down = sources.from_dois("10.1038/s41591-024-03001-x")
    sources.make_drafts(draft, found, "doi")
    AnnualReport.objects.filter(pk=draft.pk).update(status=ReportStatus.SUBMITTED)
    assert sources.confirm(draft, [d.pk for d in draft.drafts.all()]) == (0, 1)
    refused = draft.drafts.get()
    assert (refused.problem, refused.detail) == (
        sources.REFUSED,
        "A submitted or accepted report cannot be edited.",
    )
    assert not Paper.objects.exists()


def test_it_changes_a_handed_in_report_only_by_a_transition(accepted):
    accepted.travel_cost_yen = 1
    with pytest.raises(ValidationError, match="handed in"):
        accepted.save()
    accepted.refresh_from_db()
    accepted.status = ReportStatus.DRAFT  # a reopen without its reason
    with pytest.raises(ValidationError, match="reason"):
        accepted.save()


def test_it_guards_a_locked_report_with_the_row_its_lock_read(draft):
    """The guard of a save in the transaction that locked the report compares with what
    the lock read (no second read): handed in meanwhile, the locked row still refuses."""
    with transaction.atomic():
        locked = reporting.lock(AnnualReport.objects.get(pk=draft.pk))
        locked.status = ReportStatus.SUBMITTED
        locked.save()  # draft → submitted, as the lock read it: allowed
        locked.travel_cost_yen = 1
        with pytest.raises(ValidationError, match="handed in"), transaction.atomic():
            locked.save()  # the copy was used once: this guard reads the stored row


@pytest.mark.django_db(transaction=True)
def test_it_reads_the_stored_report_again_once_the_lock_is_released(project):
    """A report locked in a transaction now over may have been handed in since: its next
    save is guarded by the stored row, not by the copy its lock read."""
    draft = ReportFactory(project=project, fiscal_year=2024, status=ReportStatus.DRAFT)
    with transaction.atomic():
        locked = reporting.lock(draft)
    AnnualReport.objects.filter(pk=draft.pk).update(status=ReportStatus.SUBMITTED)
    locked.travel_cost_yen = 1
    with pytest.raises(ValidationError, match="handed in"):
        locked.save()
    with transaction.atomic():
        rolled_back = reporting.lock(draft)
        transaction.set_rollback(True)
    rolled_back.travel_cost_yen = 2
    with pytest.raises(ValidationError, match="handed in"):
        rolled_back.save()


def test_it_reopens_a_report_with_who_when_and_why(client, accepted, staff):
    sign_in(client, staff)
    action = {"action": "reopen", "_selected_action": [accepted.pk]}
    asked = client.post(admin_url(AnnualReport), action)
    assert "Reason" in asked.text  # asks first, changes nothing yet
    accepted.refresh_from_db()
    assert accepted.status == ReportStatus.ACCEPTED
    client.post(admin_url(AnnualReport), action | {"apply": "1", "reason": "Wrong DOI"})
    accepted.refresh_from_db()
    entry = accepted.history.first()
    assert (accepted.status, entry.history_change_reason) == (ReportStatus.DRAFT, "Wrong DOI")
    assert entry.history_user == staff


# --- A row belongs to one report -------------------------------------------------------------


def elsewhere(report) -> str:
    return f"This is already reported in {reporting.describe(report)}."


def test_it_refuses_a_row_another_report_holds_on_the_pi_page(client, accepted, draft, pi):
    PaperFactory(report=accepted, doi="10.1000/reported")
    client.force_login(pi)
    add = {
        "papers-doi": "https://doi.org/10.1000/REPORTED",
        "papers-title": "Again",
        "papers-published_on": "2024-06-01",
        "papers-international_coauthored": "on",
    }
    response = client.post(page("add", draft, "papers"), add)
    assert response.status_code == 400
    assert elsewhere(accepted) in response.text
    assert Paper.objects.count() == 1


def test_it_never_moves_a_row_of_another_report_in_the_pi_upload(client, accepted, draft, pi):
    paper = PaperFactory(report=accepted, doi="10.1000/reported", title="Original")
    client.force_login(pi)
    text = PAPERS + f"{draft.project.code},2024,doi:10.1000/reported,Overwritten,,2024-06-01,no\n"
    response = upload(client, draft, "papers", text)
    assert "a row is never moved" in response.text
    assert reporting.describe(accepted) in response.text
    paper.refresh_from_db()
    assert (paper.report, paper.title, paper.international_coauthored) == (
        accepted,
        "Original",
        True,
    )


def test_it_never_moves_a_row_in_the_staff_import_or_the_admin(client, accepted, draft, staff):
    paper = PaperFactory(report=draft, doi="10.1000/mine")
    header, lines = export_table("publications")
    row = dict(zip(header, lines[0], strict=True)) | {"fiscal_year": "2023"}
    result = import_table("publications", [row])
    assert "a row is never moved" in result.errors[0]
    sign_in(client, staff)
    change = admin_url(Paper, "change", paper.pk)
    data = form_data(client.get(change)) | {"report": accepted.pk}
    response = client.post(change, data)
    assert "a row is never moved" in response.text
    paper.refresh_from_db()
    assert paper.report == draft


def test_it_flags_a_pasted_doi_another_report_holds_instead_of_copying_it(
    crossref_replay, accepted, draft
):
    PaperFactory(report=accepted, doi="10.1000/reported")
    found, _down = sources.from_dois("DOI: 10.1000/REPORTED")
    sources.make_drafts(draft, found, "doi")
    flagged = draft.drafts.get()
    assert (flagged.doi, flagged.duplicate, flagged.detail) == (
        "10.1000/reported",
        True,
        str(accepted.pk),
    )
    assert sources.confirm(draft, [flagged.pk]) == (0, 1)
    assert Paper.objects.count() == 1


# --- One DOI, one paper ------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    ["https://doi.org/10.1000/ABC", "doi:10.1000/abc", "DOI: 10.1000/Abc", "１０.１０００/ａｂｃ"],
)
def test_it_stores_every_spelling_of_a_doi_as_one(spelling, draft):
    header = PAPERS + f"{draft.project.code},2024,10.1000/abc,T,,2024-06-01,yes\n"
    import_table("publications", rows(header))
    again = PAPERS + f"{draft.project.code},2024,{spelling},T,Cell,2024-06-01,yes\n"
    result = import_table("publications", rows(again))
    assert (result.created, result.updated, result.errors) == (0, 1, [])
    assert list(Paper.objects.values_list("doi", "journal")) == [("10.1000/abc", "Cell")]


def test_it_counts_a_re_entered_paper_once_across_years(client, accepted, draft, pi):
    """The issue's case: two re-entered papers raised g2.intl_coauthored_papers."""
    PaperFactory(report=accepted, doi="10.1000/one", published_on=datetime.date(2023, 6, 1))
    before = indicators.compute(draft.project.proposal.call.program, datetime.date(2025, 3, 31))
    client.force_login(pi)
    for doi in ["https://doi.org/10.1000/ONE", "doi:10.1000/one"]:
        data = {
            "papers-doi": doi,
            "papers-title": "Re-entered",
            "papers-published_on": "2024-06-01",
            "papers-international_coauthored": "on",
        }
        assert client.post(page("add", draft, "papers"), data).status_code == 400
    reporting.submit(complete_report(draft), confirmed=True)
    after = indicators.compute(draft.project.proposal.call.program, datetime.date(2025, 3, 31))
    code = "g2.intl_coauthored_papers"
    assert after["indicators"][code]["value"] == before["indicators"][code]["value"] == 1


def test_it_refuses_text_that_is_no_doi(client, draft, pi):
    client.force_login(pi)
    data = {"papers-doi": "not a doi", "papers-title": "T", "papers-published_on": "2024-06-01"}
    response = client.post(page("add", draft, "papers"), data)
    assert response.status_code == 400
    assert "is not a DOI" in response.text


# --- Names are one identity -------------------------------------------------------------------

PROPOSALS = "call,ref,title,status,jp_pi_name,jp_pi_institution\n"


def test_it_makes_one_researcher_of_every_spacing(project):
    call = project.proposal.call.code
    text = PROPOSALS + f"{call},R1,One,submitted,伊藤 拓也 ,慶應義塾大学　\n"
    text += f"{call},R2,Two,submitted,伊藤　拓也,慶應義塾大学\n"
    assert import_table("proposals", rows(text)).errors == []
    assert Researcher.objects.filter(name="伊藤 拓也").count() == 1
    researcher = Researcher.objects.get(name="伊藤 拓也")
    assert researcher.institution == "慶應義塾大学"
    assert set(Proposal.objects.filter(ref__in=["R1", "R2"]).values_list("jp_pi", flat=True)) == {
        researcher.pk
    }


def test_it_finds_a_researcher_in_the_admin_whatever_the_spacing(client, staff):
    Researcher.objects.create(name="伊藤 拓也", institution="慶應義塾大学")
    sign_in(client, staff)
    data = {"name": " 伊藤 拓也", "institution": "慶應義塾大学　", "country": "JP"}
    response = client.post(admin_url(Researcher, "add"), data)
    assert response.status_code == 200  # the form again, with the clash named
    assert Researcher.objects.count() == 1


def test_it_pairs_survey_answers_whatever_the_spacing_of_the_name(client, draft, pi):
    client.force_login(pi)
    before = {"surveys-person": "福田悠人", "surveys-timing": "before"}
    after = {"surveys-person": "福田 悠人", "surveys-timing": "after"}
    scores = {
        f"surveys-{item}": "3"
        for item in ["networking", "communication", "expertise", "language", "leadership"]
    }
    assert client.post(page("add", draft, "surveys"), before | scores).status_code == 302
    assert client.post(page("add", draft, "surveys"), after | scores).status_code == 302
    text = "project,person,timing,networking,communication,expertise,language,leadership\n"
    text += f"{draft.project.code},福田　悠人,after,4,4,4,4,4\n"
    assert import_table("surveys", rows(text)).updated == 1
    assert draft.project.participants.count() == 1
    reporting.submit(complete_report(draft), confirmed=True)
    figures = indicators.compute(draft.project.proposal.call.program, datetime.date(2025, 3, 31))
    assert figures["indicators"]["g4.survey_pairs"]["value"] == 1


# --- A withdrawn proposal is never adopted -------------------------------------------------


def withdrawn_message(proposal) -> str:
    return f"{proposal.ref} was withdrawn and cannot be adopted."


def test_it_never_adopts_a_withdrawn_proposal_at_any_door(client, staff):
    proposal = ProposalFactory(status="withdrawn")
    sign_in(client, staff)
    action = {"action": "adopt", "_selected_action": [proposal.pk]}
    response = client.post(admin_url(Proposal), action, follow=True)
    assert withdrawn_message(proposal) in response.text
    data = {
        "proposal": proposal.pk,
        "code": "HAND",
        "start_date": "2025-04-01",
        "end_date": "2026-03-31",
        "budgets-TOTAL_FORMS": 0,
        "budgets-INITIAL_FORMS": 0,
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
        "hubs-TOTAL_FORMS": 0,
        "hubs-INITIAL_FORMS": 0,
    }
    assert withdrawn_message(proposal) in client.post(admin_url(Project, "add"), data).text
    text = "proposal,code,start_date,end_date\n" + f"{proposal.ref},IMP,2025-04-01,2026-03-31\n"
    result = import_table("projects", rows(text))
    assert result.errors == [f"row 2, column proposal: {withdrawn_message(proposal)}"]
    proposal.refresh_from_db()
    assert (proposal.status, Project.objects.count()) == ("withdrawn", 0)


# --- A finalised evaluation is frozen ------------------------------------------------------


@pytest.fixture
def finalised():
    evaluation = Evaluation.objects.create(
        program=ProgramFactory(), kind="mid_term", as_of=datetime.date(2025, 3, 31)
    )
    services.ensure_goal_assessments(evaluation)
    evaluation.overall_grade = "S"
    evaluation.save()
    return services.finalise(evaluation)


def test_it_freezes_grades_texts_opinions_and_members_at_every_door(client, finalised, staff):
    chair = UserFactory(roles=["committee"])
    seat = CommitteeMember.objects.create(evaluation=finalised, name="Chair", user=chair)
    sign_in(client, chair)
    path = reverse("evaluations:opinion", args=[finalised.pk, 1])
    assert client.post(path, {"opinion1-goal": 1, "opinion1-text": "Late"}).status_code == 403
    sign_in(client, staff)
    change = admin_url(Evaluation, "change", finalised.pk)
    assert 'name="overall_grade"' not in client.get(change).text
    assert client.post(change, {"overall_grade": "A"}).status_code == 403
    assessment = GoalAssessment.objects.get(evaluation=finalised, goal=1)
    assessment.grade = "C"
    with pytest.raises(ValidationError, match="finalised"):
        assessment.save()
    with pytest.raises(ValidationError, match="finalised"), transaction.atomic():
        seat.delete()
    with pytest.raises(ValidationError, match="finalised"):
        Opinion(member=seat, goal=1, text="x").full_clean()
    finalised.as_of = datetime.date(2026, 3, 31)
    with pytest.raises(ValidationError, match="finalised"):
        finalised.save()
    finalised.refresh_from_db()
    assert (finalised.overall_grade, finalised.as_of) == ("S", datetime.date(2025, 3, 31))


def test_it_reopens_an_evaluation_only_with_a_reason(finalised):
    with pytest.raises(ValidationError):
        services.reopen(finalised, " ")
    reopened = services.reopen(finalised, "Figures corrected")
    assert (reopened.finalised_at, reopened.snapshot) == (None, None)
    assert reopened.history.first().history_change_reason == "Figures corrected"


def test_it_marks_a_draft_document_and_dates_a_final_one_in_jst(finalised):
    from evaluations import report

    final = report.context(finalised)["finalised_on"]
    assert final.endswith(" JST")
    draft = services.reopen(finalised, "Back to work")
    assert report.context(draft)["finalised_on"] is None
    html = report.render_to_string("evaluations/report_document.html", report.context(draft))
    assert "DRAFT" in html


# --- Frozen data is never deleted ---------------------------------------------------------


def test_it_refuses_to_delete_a_project_holding_handed_in_reports(client, accepted, staff):
    PaperFactory(report=accepted)
    project = accepted.project
    sign_in(client, staff)
    response = client.post(admin_url(Project, "delete", project.pk), {"post": "yes"})
    assert "holds handed-in reports" in response.text
    bulk = {"action": "delete_selected", "_selected_action": [project.pk], "post": "yes"}
    response = client.post(admin_url(Project), bulk, follow=True)
    assert Project.objects.filter(pk=project.pk).exists()
    # The ORM refuses too; which of the frozen rows it names first is the collector's order.
    with pytest.raises(ValidationError, match="handed-in|handed in"), transaction.atomic():
        project.delete()
    assert Paper.objects.count() == 1


def test_it_refuses_to_delete_a_hub_an_accepted_year_shows(client, accepted, draft, pi):
    hub = HubFactory(project=accepted.project, established_on=datetime.date(2023, 6, 1))
    client.force_login(pi)
    response = client.post(page("delete", draft, "hubs", hub.pk), {"version": hub.version})
    assert response.status_code == 302
    assert Hub.objects.filter(pk=hub.pk).exists()
    with pytest.raises(ValidationError, match="Record the date it closed"), transaction.atomic():
        hub.delete()


# --- Project-level items stand per year ---------------------------------------------------


def test_it_shows_a_hub_only_in_the_years_it_was_open(client, accepted, draft, pi):
    HubFactory(project=accepted.project, name="Opened later", established_on="2024-06-01")
    client.force_login(pi)
    assert "Opened later" not in client.get(page("report", accepted)).text
    assert "Opened later" in client.get(page("report", draft)).text


def test_it_refuses_a_hub_change_that_would_rewrite_an_accepted_year(accepted, draft):
    hub = HubFactory(project=accepted.project, established_on=datetime.date(2023, 6, 1))
    hub.closed_on = datetime.date(2024, 9, 30)  # closing in this year is fine
    hub.save()
    hub.name = "Renamed"
    with pytest.raises(ValidationError, match="would change"):
        hub.full_clean()
    hub.refresh_from_db()
    hub.closed_on = datetime.date(2023, 12, 31)  # inside the accepted year
    with pytest.raises(ValidationError, match="would change"):
        hub.save()


def test_it_freezes_a_survey_answer_with_the_report_it_was_recorded_in(accepted):
    answer = SurveyFactory(project=accepted.project, report=accepted)
    answer.networking = 5
    with pytest.raises(ValidationError, match="handed in"):
        answer.save()


# --- Who sees drafts and figures ----------------------------------------------------------


def test_it_keeps_drafts_from_the_committee_at_every_door(client, draft):
    PaperFactory(report=draft, title="Draft paper")
    submitted = ReportFactory(project=draft.project, fiscal_year=2025, status="submitted")
    PaperFactory(report=submitted, title="Handed-in paper")
    committee = UserFactory(roles=["committee"], is_staff=True)
    sign_in(client, committee)
    assert client.get(page("report", draft)).status_code == 404
    assert client.get(page("report", submitted)).status_code == 200
    listed = client.get(admin_url(Paper)).text
    assert "Handed-in paper" in listed and "Draft paper" not in listed
    export = client.get(reverse("exchange:export", args=["publications"]), {"format": "csv"})
    assert b"Handed-in paper" in export.content and b"Draft paper" not in export.content
    api = client.get("/api/v1/papers/").json()["results"]
    assert [paper["title"] for paper in api] == ["Handed-in paper"]


@pytest.mark.parametrize("role", ["pi", "reviewer"])
def test_it_shows_the_figures_to_no_pi_or_reviewer_at_any_door(client, role):
    program = ProgramFactory(code="ASPIRE")
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("evaluations:dashboard", args=[program.code])).status_code == 403
    assert client.get(f"/api/v1/programs/{program.code}/indicators/").status_code == 403


def test_it_shows_the_figures_to_staff_the_committee_and_keys(client):
    program = ProgramFactory(code="ASPIRE")
    _client, key = create_client("ministry")
    path = f"/api/v1/programs/{program.code}/indicators/"
    assert client.get(path, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    sign_in(client, UserFactory(roles=["committee"]))
    assert client.get(path).status_code == 200


# --- No lost update through the API --------------------------------------------------------


@pytest.fixture
def writer():
    from rest_framework.test import APIClient

    _client, key = create_client("loader", can_write=True)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_it_keeps_both_api_patches_of_different_fields(writer):
    AgencyFactory(code="NWO", name="NWO", name_ja="", country="NL")
    assert (
        writer.patch("/api/v1/agencies/NWO/", {"name": "Dutch Research Council"}).status_code == 200
    )
    assert (
        writer.patch("/api/v1/agencies/NWO/", {"name_ja": "オランダ研究評議会"}).status_code == 200
    )
    agency = FundingAgency.objects.get(code="NWO")
    assert (agency.name, agency.name_ja, agency.version) == (
        "Dutch Research Council",
        "オランダ研究評議会",
        3,
    )


def test_it_refuses_a_write_on_a_stale_etag_with_412(writer):
    AgencyFactory(code="NWO", name="NWO", country="NL")
    etag = writer.get("/api/v1/agencies/NWO/")["ETag"]
    writer.patch("/api/v1/agencies/NWO/", {"name": "First"}, HTTP_IF_MATCH=etag)
    response = writer.patch("/api/v1/agencies/NWO/", {"name": "Second"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
    assert FundingAgency.objects.get(code="NWO").name == "First"


def test_it_names_the_reviewer_of_a_user_account_once(client):
    """Accounts are found by the address however it is typed (a case of normalised identity)."""
    User.objects.create_user("member@example.org", "pw")
    assert User.objects.get_by_natural_key(" MEMBER@example.org").email == "member@example.org"
