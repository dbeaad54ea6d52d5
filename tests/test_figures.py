"""Issue 18: the figures the indicators read are kept on write (projects/figures.py) and
`verify_figures` finds them equal to their recomputation from the raw rows after every
kind of write: factories (the ORM), the report page and its workflow, the admin, a PI's
upload, a staff import, the API, the outputs a job brings in; and it names a difference."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from api.services import create_client
from calls.models import Call, CallFigure, PIFigure, Proposal
from evaluations import synthetic
from evaluations.figures import differences
from evaluations.indicators import compute
from exchange.services import import_table, read_table, write_xlsx
from programs.models import Program
from projects import reporting, sources
from projects.models import (
    Event,
    Exchange,
    OutputFigure,
    Paper,
    PaperFigure,
    Project,
    ReportStatus,
)
from projects.services import Plan, adopt, reject
from tests.conftest import sign_in
from tests.factories import (
    CallFactory,
    EventFactory,
    ExchangeFactory,
    MemberFactory,
    PaperFactory,
    PresentationFactory,
    ProjectFactory,
    ProposalFactory,
    ReportFactory,
    ResearcherFactory,
    ReviewFactory,
    complete_report,
)
from tests.test_admin import form_data, url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jobs_in_process")]


@pytest.fixture
def draft():
    """A draft of FY2024 of a project that started 1 January 2024."""
    return ReportFactory(status=ReportStatus.DRAFT)


def program_of(report):
    return report.project.proposal.call.program


def agree(report) -> None:
    """verify_figures finds nothing, and the stored rows are there to be found."""
    assert differences(program_of(report)) == []
    call_command("verify_figures", program_of(report).code, stdout=io.StringIO())


def one_of_each(report) -> None:
    PaperFactory(report=report)
    PaperFactory(report=report, published_on=datetime.date(2023, 6, 1))  # before the start
    PresentationFactory(report=report)
    EventFactory(report=report, kind="seminar")
    ExchangeFactory(report=report)
    ExchangeFactory(report=report, direction="receive", career_stage="senior", end_date=None)


def test_it_keeps_the_figures_of_rows_the_orm_writes_and_of_each_transition(draft):
    one_of_each(draft)
    agree(draft)
    assert OutputFigure.objects.filter(report=draft, status=ReportStatus.DRAFT).count() == 4
    assert not PaperFigure.objects.exists()  # a draft's papers never count
    complete_report(draft)
    reporting.submit(draft, confirmed=True, today=datetime.date(2025, 4, 1))
    agree(draft)
    assert PaperFigure.objects.count() == 2
    reporting.return_report(draft, "Fix the title.")
    agree(draft)
    assert not PaperFigure.objects.exists()
    reporting.submit(draft, confirmed=True, today=datetime.date(2025, 4, 1))
    reporting.accept(draft)
    agree(draft)
    reporting.reopen(draft, "A typo")
    agree(draft)


def test_it_keeps_the_papers_of_a_project_whose_start_moves():
    report = ReportFactory()
    PaperFactory(report=report, published_on=datetime.date(2024, 2, 1))
    project = report.project
    project.start_date = datetime.date(2024, 3, 1)  # the paper is now before the start
    project.save()
    agree(report)
    assert PaperFigure.objects.get().before_from == datetime.date(2024, 3, 1)


def test_it_counts_a_paper_two_projects_report_once_and_keeps_it_when_one_goes():
    first = ReportFactory()
    second = ReportFactory(project=ProjectFactory(proposal__call=first.project.proposal.call))
    PaperFactory(report=first, doi="10.1234/shared")
    shared = PaperFactory(report=second, doi="10.1234/SHARED")
    agree(first)
    assert PaperFigure.objects.count() == 1
    reporting.reopen(second, "Remove the shared paper")
    shared.delete()
    agree(first)
    assert PaperFigure.objects.count() == 1


def test_it_keeps_the_earlier_dates_of_a_shared_paper_when_a_report_is_handed_in():
    """A hand-in only adds counted rows: the stored dates of its papers become the
    earlier of theirs and the new rows' (one statement), whichever project reported first."""
    call = ProjectFactory().proposal.call
    start = datetime.date(2024, 1, 1)
    late = ReportFactory(project=ProjectFactory(proposal__call=call, start_date=start))
    PaperFactory(report=late, doi="10.1234/shared", published_on=datetime.date(2024, 9, 1))
    PaperFactory(report=late, doi="10.1234/late-only", published_on=datetime.date(2024, 5, 1))
    early = ReportFactory(
        project=ProjectFactory(proposal__call=call, start_date=start),
        status=ReportStatus.DRAFT,
    )
    PaperFactory(report=early, doi="10.1234/SHARED", published_on=datetime.date(2024, 3, 1))
    PaperFactory(report=early, doi="10.1234/new", published_on=datetime.date(2023, 6, 1))
    PaperFactory(report=early, doi="10.1234/not-international", international_coauthored=False)
    agree(late)
    complete_report(early)
    reporting.submit(early, confirmed=True, today=datetime.date(2025, 4, 1))
    agree(early)
    dates = dict(PaperFigure.objects.values_list("dedupe_key", "counted_from"))
    assert dates == {
        "doi:10.1234/shared": datetime.date(2024, 3, 1),  # the earlier, from the hand-in
        "doi:10.1234/late-only": datetime.date(2024, 5, 1),  # untouched
        "doi:10.1234/new": None,  # before the start: counted from no date, kept as such
    }


def test_it_keeps_the_figures_of_the_report_page(client, draft):
    sign_in(client, MemberFactory(project=draft.project).user)
    page = reverse("projects:add", args=[draft.pk, "events"])
    data = {"kind": "workshop", "title": "Kick-off", "held_on": "2024-05-10", "country": "JP"}
    data = {f"events-{key}": value for key, value in (data | {"version": draft.version}).items()}
    assert client.post(page, data).status_code in (200, 302)
    assert Event.objects.filter(report=draft).exists()
    agree(draft)
    event = Event.objects.get()
    page = reverse("projects:delete", args=[draft.pk, "events", event.pk])
    client.post(page, {"version": event.version})
    assert not Event.objects.exists()
    agree(draft)
    assert not OutputFigure.objects.exists()


def test_it_keeps_the_figures_of_the_admins_add_change_and_delete(admin_client, draft):
    data = {
        "report": draft.pk,
        "person": "Sato Hanako",
        "career_stage": "student",
        "direction": "dispatch",
        "country": "US",
        "start_date": "2024-08-01",
        "end_date": "2024-08-05",
        "funded_by_program": "on",
    }
    assert admin_client.post(url(Exchange, "add"), data).status_code == 302
    stay = Exchange.objects.get()
    agree(draft)
    change = url(Exchange, "change", stay.pk)
    data = form_data(admin_client.get(change)) | {"end_date": "2024-09-30"}
    assert admin_client.post(change, data).status_code == 302
    assert OutputFigure.objects.get().end_day == datetime.date(2024, 9, 30)
    agree(draft)
    assert admin_client.post(url(Exchange, "delete", stay.pk), {"post": "yes"}).status_code == 302
    agree(draft)
    assert not OutputFigure.objects.exists()


def test_it_keeps_the_figures_of_a_pis_upload(client, draft):
    sign_in(client, MemberFactory(project=draft.project).user)
    header = ["project", "fiscal_year", "doi", "title", "journal", "published_on"]
    header += ["international_coauthored"]
    rows = [
        [draft.project.code, "2024", "", f"Joint work {n}", "", f"2024-06-0{n}", "yes"]
        for n in range(1, 4)
    ]
    file = io.BytesIO(write_xlsx([header, *rows]))
    file.name = "papers.xlsx"
    client.post(reverse("report_upload", args=[draft.pk, "papers"]), {"file": file})
    assert Paper.objects.filter(report=draft).count() == 3
    agree(draft)


def test_it_keeps_the_figures_of_a_staff_import_in_one_refresh():
    project = ProjectFactory()
    header = "project,fiscal_year,title,conference,country,presented_on,international\n"
    lines = [f"{project.code},2024,Talk {n},ISMB,US,2024-07-{n:02d},true\n" for n in range(1, 9)]
    rows = read_table((header + "".join(lines)).encode(), "talks.csv")
    with CaptureQueriesContext(connection) as queries:
        assert import_table("presentations", rows).created == 8
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "projects_outputfigure"')]
    assert len(inserts) == 1  # the eight rows' keys refreshed once, at the end
    report = project.reports.get()
    assert report.status == ReportStatus.ACCEPTED  # an import's year is accepted
    agree(report)
    assert sum(OutputFigure.objects.values_list("n", flat=True)) == 8


def test_it_keeps_the_figures_of_the_apis_writes(draft):
    _client, key = create_client("ris", can_write=True, programs=[program_of(draft)])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    body = {
        "project": draft.project.code,
        "fiscal_year": draft.fiscal_year,
        "title": "A pushed talk",
        "conference": "ISMB",
        "country": "US",
        "presented_on": "2024-07-01",
        "international": True,
    }
    created = api.post("/api/v1/presentations/", body, format="json")
    assert created.status_code == 201, created.json()
    agree(draft)
    changed = api.patch(created["Location"], {"presented_on": "2024-07-02"}, format="json")
    assert changed.status_code == 200, changed.json()
    assert OutputFigure.objects.get().day == datetime.date(2024, 7, 2)
    agree(draft)
    assert api.delete(created["Location"]).status_code == 204
    agree(draft)


def test_it_keeps_the_figures_of_outputs_researchmap_brings_in(draft, source_replay):
    sources.bring_in(draft, "tanaka-taro")
    confirmed, _refused = sources.confirm(draft, list(draft.drafts.values_list("pk", flat=True)))
    assert confirmed >= 2
    agree(draft)
    assert OutputFigure.objects.filter(report=draft, kind="presentation").exists()


def test_it_keeps_the_figures_of_rows_copied_in_by_generate_data():
    """COPY sends no signal: generate() refreshes every key of its program, set-based."""
    synthetic.generate("S")
    program = Program.objects.get(code=synthetic.PROGRAM)
    assert differences(program) == []
    assert OutputFigure.objects.exists() and PaperFigure.objects.exists()


def test_it_names_a_stored_figure_that_differs_and_fails():
    report = ReportFactory()
    one_of_each(report)
    agree(report)
    OutputFigure.objects.filter(kind="event").update(n=F("n") + 1)
    PaperFigure.objects.filter(before_from__isnull=True).delete()
    found = differences(program_of(report))
    assert len(found) == 2
    assert found[0].startswith("output figure (") and "stored 2, recomputed 1" in found[0]
    assert found[1].startswith("paper figure doi:10.1234/paper.")
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("verify_figures", program_of(report).code, stdout=out)
    assert refused.value.returncode == 1
    assert "2 stored figures differ from the raw rows." in str(refused.value)
    assert out.getvalue().splitlines() == found


def test_it_names_a_proposals_stored_score_that_differs():
    # The proposals' stored review figures are among verify_figures' checks (calls/scores.py).
    review = ReviewFactory(score=7)
    proposal = review.proposal
    type(proposal).objects.filter(pk=proposal.pk).update(score_count=5)
    with pytest.raises(CommandError):
        call_command("verify_figures", proposal.call.program.code, stdout=io.StringIO())
    assert any(proposal.ref in line for line in differences(proposal.call.program))


def test_it_reads_the_indicators_in_as_many_queries_at_two_sizes(django_assert_num_queries):
    report = ReportFactory()
    one_of_each(report)
    program, day = program_of(report), datetime.date(2025, 3, 31)
    with django_assert_num_queries(QUERIES):
        small = compute(program, day)
    for n in range(5):
        other = ReportFactory(project=ProjectFactory(proposal__call=report.project.proposal.call))
        one_of_each(other)
        PaperFactory(report=other, doi=f"10.1234/more.{n}")
    with django_assert_num_queries(QUERIES):
        large = compute(program, day)
    figure = "g2.intl_coauthored_papers"
    assert (small["indicators"][figure]["value"], large["indicators"][figure]["value"]) == (1, 11)


# compute()'s queries, whatever the number of projects and outputs: calls per kind and
# date; the partner agencies; the proposal groups; the PIs' h-indexes; the projects; the
# stored papers (PaperFigure); the stored presentations, events, exchanges and stays
# (OutputFigure, one each); hubs; lab statistics; survey pairs; the targets.
QUERIES = 14


# --- The call figures (calls/figures.py) -------------------------------------------------


def call_rows(call) -> list[tuple]:
    """The stored counts of a call: (status, adoptable, n), sorted."""
    rows = CallFigure.objects.filter(call=call).values_list("status", "adoptable", "n")
    return sorted(rows, key=str)


def pi_rows(call) -> list[tuple]:
    """The stored h-indexes of its adopted proposals: (jp, partner, n), sorted."""
    columns = ("jp_h_index", "partner_h_index", "n")
    return sorted(PIFigure.objects.filter(call=call).values_list(*columns), key=str)


def call_agrees(call) -> None:
    assert [line for line in differences(call.program) if "call figure" in line] == []


def test_it_keeps_the_call_figures_of_proposals_reviews_decisions_and_pis_the_orm_writes():
    call = CallFactory(adoptable_score=Decimal(6))
    proposal = ProposalFactory(call=call, jp_pi__h_index=12, partner_pi__h_index=40)
    other = ProposalFactory(call=call)
    assert call_rows(call) == [("submitted", False, 2)]
    ReviewFactory(proposal=proposal, score=Decimal(8))  # a review makes it adoptable
    assert call_rows(call) == [
        ("submitted", False, 1),
        ("submitted", True, 1),
    ]
    adopt(proposal, Plan(datetime.date(2025, 4, 1), 2, 10_000_000))
    assert ("adopted", True, 1) in call_rows(call) and pi_rows(call) == [(12, 40, 1)]
    proposal.jp_pi.h_index = 14  # a PI's h-index: the medians move with it
    proposal.jp_pi.save()
    assert pi_rows(call) == [(14, 40, 1)]
    call.adoptable_score = Decimal(9)  # the call's bar: no longer adoptable
    call.save()
    assert ("adopted", False, 1) in call_rows(call)
    moved = CallFactory(program=call.program)
    other.call = moved
    other.save()
    assert call_rows(moved) == [("submitted", False, 1)]
    assert call_rows(call) == [("adopted", False, 1)]
    assert pi_rows(call) == [(14, 40, 1)]
    other.delete()
    assert call_rows(moved) == []
    call_agrees(call)


def test_it_keeps_the_call_figures_of_the_admins_add_change_and_delete(admin_client):
    call = CallFactory()
    jp, partner = ResearcherFactory(), ResearcherFactory(country="US")
    data = {"call": call.pk, "ref": "P-ADMIN", "title": "Through the admin", "status": "submitted"}
    data |= {"jp_pi": jp.pk, "partner_pi": partner.pk}
    added = admin_client.post(url(Proposal, "add"), data)
    assert added.status_code == 302, added.context["adminform"].form.errors
    proposal = Proposal.objects.get(ref="P-ADMIN")
    assert call_rows(call) == [("submitted", False, 1)]
    change = url(Proposal, "change", proposal.pk)
    data = form_data(admin_client.get(change)) | {"panel_score": "7", "change_reason": "Panel"}
    changed = admin_client.post(change, data)
    assert changed.status_code == 302, changed.context["adminform"].form.errors
    assert call_rows(call) == [("submitted", True, 1)]
    change = url(Call, "change", call.pk)
    data = form_data(admin_client.get(change)) | {"adoptable_score": "8"}
    assert admin_client.post(change, data).status_code == 302
    assert call_rows(call) == [("submitted", False, 1)]
    deleted = admin_client.post(url(Proposal, "delete", proposal.pk), {"post": "yes"})
    assert deleted.status_code == 302
    assert call_rows(call) == []
    call_agrees(call)


def test_it_keeps_the_call_figures_of_an_import_in_one_refresh():
    call = CallFactory()
    adopted = ProposalFactory(call=call, status="adopted", jp_pi__h_index=5)
    ProjectFactory(proposal=adopted)
    row = {"call": call.code, "jp_pi_name": adopted.jp_pi.name}
    row |= {"jp_pi_institution": adopted.jp_pi.institution}
    rows = [row | {"ref": adopted.ref, "title": adopted.title, "status": "adopted"}]
    rows[0]["jp_pi_hindex"] = "9"  # the import changes the PI's h-index (a bulk update)
    rows += [
        row | {"ref": f"P-NEW-{n}", "title": f"New {n}", "status": "submitted"} for n in range(3)
    ]
    with CaptureQueriesContext(connection) as queries:
        result = import_table("proposals", rows)
    assert not result.errors, result.errors
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "calls_')]
    assert len(inserts) == 2  # the counts and the PIs, once each, at the end of the import
    assert call_rows(call) == [("adopted", False, 1), ("submitted", False, 3)]
    assert pi_rows(call) == [(9, 30, 1)]
    call_agrees(call)


def test_it_keeps_the_call_figures_of_a_rejection_in_bulk():
    call = CallFactory()
    ProposalFactory.create_batch(3, call=call, status="under_review")
    assert reject(Proposal.objects.filter(call=call)) == 3
    assert call_rows(call) == [("rejected", False, 3)]
    call_agrees(call)


def test_it_names_a_stored_call_figure_that_differs():
    proposal = ProposalFactory()
    CallFigure.objects.update(n=F("n") + 1)
    found = differences(proposal.call.program)
    assert len(found) == 1
    assert found[0].startswith("call figure (") and "stored 2, recomputed 1" in found[0]


def test_it_moves_a_project_with_its_proposal_to_another_call_and_program(draft):
    one_of_each(draft)
    proposal = draft.project.proposal
    elsewhere = CallFactory()  # another program
    proposal.call = elsewhere
    proposal.save()
    draft.project.refresh_from_db()
    assert draft.project.call == elsewhere  # the copy follows (Project.call)
    assert set(OutputFigure.objects.values_list("program", flat=True)) == {elsewhere.program_id}
    agree(draft)


def test_it_names_a_projects_copy_of_its_call_that_differs(draft):
    other = CallFactory(program=program_of(draft))
    Project.objects.filter(pk=draft.project.pk).update(call=other)  # no save(): stale
    project = draft.project
    assert differences(program_of(draft)) == [
        f"project {project.code}: call {other.code}, its proposal's {project.proposal.call.code}"
    ]


@pytest.mark.parametrize("model", [CallFigure, PIFigure, OutputFigure, PaperFigure])
def test_it_lists_the_stored_figures_in_the_admin_in_as_many_queries_at_two_sizes(
    admin_client, model
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as done:
            assert admin_client.get(url(model)).status_code == 200
        return len(done)

    one_of_each(ReportFactory(status=ReportStatus.SUBMITTED))
    small = queries()
    for _ in range(5):  # five more programs' calls, PIs, reports and papers
        one_of_each(ReportFactory(status=ReportStatus.SUBMITTED))
    assert model.objects.count() >= 6
    assert queries() == small


def test_it_moves_a_project_with_its_proposal_through_an_import(draft):
    one_of_each(draft)
    proposal = draft.project.proposal
    elsewhere = CallFactory()  # another program
    row = {"call": elsewhere.code, "ref": proposal.ref, "title": proposal.title}
    row |= {"status": "adopted", "jp_pi_name": proposal.jp_pi.name}
    row |= {"jp_pi_institution": proposal.jp_pi.institution}
    result = import_table("proposals", [row])  # a bulk update: no save() signal
    assert not result.errors, result.errors
    draft.project.refresh_from_db()
    assert draft.project.call == elsewhere
    assert set(OutputFigure.objects.values_list("program", flat=True)) == {elsewhere.program_id}
    agree(draft)
