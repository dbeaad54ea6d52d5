"""Data exchange as shared/design/data-exchange.md: every kind, both formats, both doors."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from calls.models import Call, Proposal, Review
from evaluations.models import Target
from exchange.kinds import KINDS
from exchange.services import (
    ImportFailed,
    export_table,
    import_table,
    read_table,
    write_csv,
    write_xlsx,
)
from programs.models import FundingAgency
from projects.models import AnnualReport, Paper, Project, ReportStatus
from tests.factories import (
    AgencyFactory,
    CallFactory,
    EventFactory,
    ExchangeFactory,
    HubFactory,
    LabStatisticFactory,
    PaperFactory,
    PresentationFactory,
    ProgramFactory,
    ProjectFactory,
    ProposalFactory,
    ReportFactory,
    ReviewFactory,
    SupportTypeFactory,
    SurveyFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A little of every kind, in two programs."""
    for _ in range(2):
        call = CallFactory(program=ProgramFactory())
        call.partner_agencies.add(AgencyFactory(country="GB"), AgencyFactory(country="US"))
        proposal = ProposalFactory(call=call, panel_score=Decimal("7.50"))
        ReviewFactory(proposal=proposal, score=Decimal(8), comment="Strong, joint aims")
        project = ProjectFactory(proposal__call=call)
        report = ReportFactory(project=project)
        PaperFactory(report=report)
        PaperFactory(report=report, doi="", title="A paper without a DOI")
        PaperFactory(report=report, doi="", title=" Spaced  out, as typed ")
        PresentationFactory(report=report)
        EventFactory(report=report)
        ExchangeFactory(report=report)
        ExchangeFactory(report=report, end_date=None, purpose="")
        LabStatisticFactory(report=report)
        HubFactory(project=project)
        SurveyFactory(project=project)
        SurveyFactory(project=project, person="Young A", timing="after", networking=5)
        TargetFactory(program=call.program)


def csv_table(text: str) -> list[list[str]]:
    return read_table(text.encode(), "data.csv")


def counts() -> dict:
    return {name: kind.model.objects.count() for name, kind in KINDS.items()}


# --- Round trips --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_it_imports_its_own_export_unchanged(world, kind):
    first = write_csv(export_table(kind))
    result = import_table(kind, read_table(first, "export.csv"))
    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == len(export_table(kind)) - 1 > 0
    assert write_csv(export_table(kind)) == first


LEAVES = ["reviews", "targets", "publications", "presentations", "events", "exchanges"]
LEAVES += ["hubs", "lab_statistics", "surveys"]


@pytest.mark.parametrize("kind", LEAVES)
def test_it_recreates_deleted_records_from_an_export(world, kind):
    first = write_csv(export_table(kind))
    KINDS[kind].model.objects.all().delete()
    result = import_table(kind, read_table(first, "export.csv"))
    assert result.created == len(export_table(kind)) - 1
    assert write_csv(export_table(kind)) == first


@pytest.mark.parametrize("kind", ["agencies", "proposals", "publications", "exchanges"])
def test_it_round_trips_xlsx(world, kind):
    table = export_table(kind)
    result = import_table(kind, read_table(write_xlsx(table), "export.xlsx"))
    assert result.unchanged == len(table) - 1
    assert export_table(kind) == table


def test_it_exports_one_program_only(world):
    program = Call.objects.first().program
    rows = export_table("calls", program)[1:]
    assert [row[0] for row in rows] == [program.code]


# --- All or nothing, with row and column -------------------------------------------------

AGENCIES = "code,name,name_ja,country\nNIH,National Institutes of Health,,US\n"


def test_it_writes_nothing_when_one_row_is_bad(world):
    before = counts()
    text = AGENCIES + "MRC,Medical Research Council,,UK\nDFG,German Research Foundation,,DE\n"
    with pytest.raises(ImportFailed) as failure:
        import_table("agencies", csv_table(text))
    assert failure.value.result.errors == [
        "row 3, column country: 'UK' is not an ISO 3166-1 alpha-2 country code."
    ]
    assert counts() == before


def test_it_reports_every_problem_of_the_file(world):
    text = "code,name,name_ja,country\n,Nameless,,US\nX,,,ZZ\n"
    with pytest.raises(ImportFailed) as failure:
        import_table("agencies", csv_table(text))
    assert failure.value.result.errors == [
        "row 2, column code: a value is required.",
        "row 3, column name: a value is required.",
        "row 3, column country: 'ZZ' is not an ISO 3166-1 alpha-2 country code.",
    ]


def test_it_refuses_an_unknown_column(world):
    with pytest.raises(ImportFailed) as failure:
        import_table("agencies", csv_table("code,name,contry\nNIH,NIH,US\n"))
    errors = failure.value.result.errors
    assert "row 1, column contry: unknown column (a typo would lose data)." in errors
    assert "row 1, column country: this required column is missing." in errors


def test_it_refuses_an_unknown_reference(world):
    text = "program,code,name,name_ja,managing_agency\n"
    text = "code,name,name_ja,managing_agency\nNEW,New program,,NOPE\n"
    with pytest.raises(ImportFailed) as failure:
        import_table("programs", csv_table(text))
    assert failure.value.result.errors == ["row 2, column managing_agency: unknown agency 'NOPE'."]


def test_it_accepts_a_reference_made_earlier_in_the_same_file(world):
    proposal = Proposal.objects.first()
    text = (
        "call,ref,title,status,jp_pi_name,jp_pi_institution,jp_pi_hindex,partner_pi_name,"
        "partner_pi_institution,partner_pi_country,partner_pi_hindex,panel_score\n"
        f"{proposal.call.code},NEW-1,First,submitted,Sato Hana,Osaka University,12,,,,,\n"
        f"{proposal.call.code},NEW-2,Second,submitted,Sato Hana,Osaka University,12,,,,,\n"
    )
    result = import_table("proposals", csv_table(text))
    assert result.created == 2
    first, second = Proposal.objects.filter(ref__startswith="NEW").order_by("ref")
    assert first.jp_pi == second.jp_pi  # the PI the first row made is the one the second names


def test_it_refuses_a_proposal_outside_its_support_type(world):
    support = SupportTypeFactory(max_annual_budget_yen=30_000_000, max_years=3)
    call = CallFactory(program=support.program, support_type=support)
    proposal = ProposalFactory(call=call, requested_annual_budget_yen=50_000_000)
    row = KINDS["proposals"].to_row(proposal)
    header = [column.name for column in KINDS["proposals"].columns]
    table = [header, [str(row[name] or "") for name in header]]
    table[1][header.index("title")] = "Changed title"
    with pytest.raises(ImportFailed) as failure:
        import_table("proposals", table)
    (error,) = failure.value.result.errors
    assert error.startswith("row 2, column call: ")
    assert Proposal.objects.get(pk=proposal.pk).title != "Changed title"


def test_it_refuses_a_score_outside_one_to_ten(world):
    review = Review.objects.first()
    text = f"proposal,reviewer,score,comment\n{review.proposal.ref},{review.reviewer.email},11,\n"
    with pytest.raises(ImportFailed) as failure:
        import_table("reviews", csv_table(text))
    assert failure.value.result.errors[0].startswith("row 2, column score: ")
    assert Review.objects.get(pk=review.pk).score == Decimal(8)


def test_it_refuses_an_end_before_the_start(world):
    project = Project.objects.first()
    text = (
        "project,fiscal_year,person,career_stage,direction,country,institution,start_date,"
        "end_date,funded_by_program,purpose\n"
        f"{project.code},2024,Ito Ken,student,dispatch,US,,2024-09-10,2024-09-01,yes,Visit\n"
    )
    with pytest.raises(ImportFailed) as failure:
        import_table("exchanges", csv_table(text))
    assert failure.value.result.errors == [
        "row 2, column end_date: The end cannot be before the start."
    ]


def test_it_refuses_a_conflicted_reviewer(world):
    from tests.factories import ConflictFactory

    conflict = ConflictFactory()
    text = (
        f"proposal,reviewer,score,comment\n{conflict.proposal.ref},{conflict.reviewer.email},7,\n"
    )
    with pytest.raises(ImportFailed) as failure:
        import_table("reviews", csv_table(text))
    assert "declared a conflict of interest" in failure.value.result.errors[0]


# --- Idempotence, updates, the contract's details -----------------------------------------


def test_it_changes_nothing_the_second_time(world):
    text = AGENCIES + "DFG,German Research Foundation,,DE\n"
    first = import_table("agencies", csv_table(text))
    history = FundingAgency.objects.count()
    second = import_table("agencies", csv_table(text))
    assert (first.created, second.created, second.updated, second.unchanged) == (2, 0, 0, 2)
    assert FundingAgency.objects.count() == history


def test_it_updates_the_record_a_changed_row_names(world):
    import_table("agencies", csv_table(AGENCIES))
    result = import_table("agencies", csv_table(AGENCIES.replace("National", "US National")))
    assert (result.created, result.updated) == (0, 1)
    assert FundingAgency.objects.get(code="NIH").name == "US National Institutes of Health"


def test_it_treats_the_same_doi_in_another_case_as_the_same_paper(world):
    paper = Paper.objects.exclude(doi="").first()
    row = KINDS["publications"].to_row(paper) | {"doi": paper.doi.upper(), "journal": "Cell"}
    header = [column.name for column in KINDS["publications"].columns]
    from exchange.cells import formatted

    result = import_table("publications", [header, [formatted(row[name]) for name in header]])
    assert (result.created, result.updated) == (0, 1)
    assert Paper.objects.get(pk=paper.pk).journal == "Cell"


def test_it_reads_a_bom_and_every_boolean_spelling(world):
    project = Project.objects.first()
    header = "project,fiscal_year,doi,title,journal,published_on,international_coauthored\n"
    rows = "".join(
        f"{project.code},2025,,Paper {spelling},,2025-06-01,{spelling}\n"
        for spelling in ["TRUE", "no", "Yes", "0", "1", "False"]
    )
    result = import_table("publications", read_table(("\ufeff" + header + rows).encode(), "x.csv"))
    assert result.created == 6
    flags = dict(
        Paper.objects.filter(report__fiscal_year=2025).values_list(
            "title", "international_coauthored"
        )
    )
    assert flags == {
        "Paper TRUE": True,
        "Paper no": False,
        "Paper Yes": True,
        "Paper 0": False,
        "Paper 1": True,
        "Paper False": False,
    }


def test_it_files_outputs_into_an_accepted_report_or_the_open_one(world):
    project = Project.objects.first()
    draft = ReportFactory(project=project, fiscal_year=2025, status=ReportStatus.DRAFT)
    header = "project,fiscal_year,doi,title,journal,published_on,international_coauthored\n"
    text = header + f"{project.code},2025,,Into the draft,,2025-06-01,true\n"
    text += f"{project.code},2026,,Into a new report,,2026-06-01,true\n"
    import_table("publications", csv_table(text))
    assert Paper.objects.get(title="Into the draft").report == draft
    created = AnnualReport.objects.get(project=project, fiscal_year=2026)
    assert created.status == ReportStatus.ACCEPTED


def test_it_adopts_the_proposal_of_an_imported_project(world):
    proposal = ProposalFactory(call=Call.objects.first())
    text = (
        f"proposal,code,title,start_date,end_date\n{proposal.ref},PJ-NEW,,2025-04-01,2028-03-31\n"
    )
    import_table("projects", csv_table(text))
    proposal.refresh_from_db()
    assert proposal.status == "adopted"
    assert Project.objects.get(code="PJ-NEW").proposal == proposal


def test_it_refuses_an_unknown_indicator(world):
    program = Target.objects.first().program
    text = f"program,indicator,fiscal_year,value\n{program.code},g9.nothing,2027,3\n"
    with pytest.raises(ImportFailed) as failure:
        import_table("targets", csv_table(text))
    assert failure.value.result.errors[0].startswith("row 2, column indicator: 'g9.nothing'")


# --- The commands ---------------------------------------------------------------------------


def test_it_imports_and_exports_through_the_commands(world, tmp_path: Path):
    path = tmp_path / "agencies.csv"
    path.write_text(AGENCIES)
    out = io.StringIO()
    call_command("import_data", "agencies", str(path), stdout=out)
    assert out.getvalue().strip() == "agencies: 1 created, 0 updated, 0 unchanged."
    exported = io.StringIO()
    call_command("export_data", "agencies", stdout=exported)
    assert "NIH,National Institutes of Health,,US" in exported.getvalue()
    xlsx = tmp_path / "agencies.xlsx"
    call_command("export_data", "agencies", "--output", str(xlsx), stderr=io.StringIO())
    assert read_table(xlsx.read_bytes(), "agencies.xlsx")[0] == [
        "code",
        "name",
        "name_ja",
        "country",
    ]


def test_it_exits_non_zero_naming_row_and_column(world, tmp_path: Path):
    path = tmp_path / "agencies.csv"
    path.write_text(AGENCIES + "MRC,Medical Research Council,,UK\n")
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_data", "agencies", str(path), stderr=err)
    assert failure.value.returncode == 1
    assert "row 3, column country:" in err.getvalue()
    assert not FundingAgency.objects.filter(code="NIH").exists()


def test_it_refuses_an_unknown_program_to_export(world):
    with pytest.raises(CommandError) as failure:
        call_command("export_data", "calls", "--program", "NOPE")
    assert failure.value.returncode == 2


@pytest.mark.parametrize("rows", [5, 50])
def test_it_exports_in_a_fixed_number_of_queries(django_assert_num_queries, rows):
    call = CallFactory()
    ProposalFactory.create_batch(rows, call=call)
    # proposals with their calls and both PIs, in one query
    with django_assert_num_queries(1):
        export_table("proposals")


# --- The admin ---------------------------------------------------------------------------


def test_it_previews_an_upload_without_writing_then_imports_on_confirm(admin_client):
    url = reverse("exchange:import", args=["agencies"])
    upload = io.BytesIO(AGENCIES.encode())
    upload.name = "agencies.csv"
    preview = admin_client.post(url, {"file": upload})
    assert preview.status_code == 200
    assert "1 to create, 0 to update, 0 unchanged" in preview.text
    assert not FundingAgency.objects.filter(code="NIH").exists()
    confirmed = admin_client.post(url, {"confirm": "1"}, follow=True)
    assert "1 created" in confirmed.text
    assert FundingAgency.objects.filter(code="NIH").exists()


def test_it_shows_row_errors_in_the_admin_and_offers_no_confirm(admin_client):
    url = reverse("exchange:import", args=["agencies"])
    upload = io.BytesIO((AGENCIES + "MRC,Medical Research Council,,UK\n").encode())
    upload.name = "agencies.csv"
    response = admin_client.post(url, {"file": upload})
    assert response.status_code == 400
    assert "row 3, column country:" in response.text
    assert 'name="confirm"' not in response.text


def test_it_exports_from_the_admin(admin_client):
    AgencyFactory(code="NIH", name="NIH", country="US")
    response = admin_client.get(reverse("exchange:export", args=["agencies"]))
    assert response["Content-Disposition"] == 'attachment; filename="agencies.csv"'
    assert b"NIH,NIH,,US" in response.content
    xlsx = admin_client.get(reverse("exchange:export", args=["agencies"]) + "?format=xlsx")
    assert xlsx.content[:2] == b"PK"


def test_it_puts_import_and_export_on_the_changelists(admin_client):
    page = admin_client.get(reverse("admin:calls_proposal_changelist")).text
    assert reverse("exchange:import", args=["proposals"]) in page
    assert reverse("exchange:export", args=["proposals"]) in page


def test_it_keeps_the_import_from_people_without_the_permission(client):
    from tests.factories import UserFactory

    committee = UserFactory(roles=["committee"], is_staff=True)
    client.force_login(committee)
    response = client.get(reverse("exchange:import", args=["agencies"]))
    assert response.status_code == 403
