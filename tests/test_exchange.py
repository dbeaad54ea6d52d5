"""Data exchange as shared/design/data-exchange.md: every kind, both formats, both doors
(the commands and the staff admin), all or nothing, idempotent, round trips."""

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from calls.models import Call, Proposal, Researcher, Review
from evaluations.models import Target
from exchange.kinds import KINDS
from exchange.services import (
    UnreadableFile,
    export_table,
    import_file,
    import_table,
    read_table,
    write_csv,
    write_xlsx,
)
from programs.models import FundingAgency, Program
from projects.models import (
    AnnualReport,
    Exchange,
    Hub,
    Paper,
    Project,
    ProjectBudget,
    ReportStatus,
    SurveyAnswer,
)
from tests.conftest import sign_in
from tests.factories import (
    AgencyFactory,
    CallFactory,
    ConflictFactory,
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
    UserFactory,
)

# Imports and uploads are jobs: here they run in the request, as in the demo.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jobs_in_process")]

DATA = Path(__file__).parent / "data" / "exchange"


def build_world(programs: int) -> None:
    """A little of every kind in each program, with the odd cases the formats must carry:
    missing partner PI, no DOI, spaces as typed, open-ended stays, a closed hub."""
    reviewer = UserFactory(roles=["reviewer"], reviewer_code=None)
    coded = UserFactory(roles=["reviewer"])
    coded.reviewer_code = f"R-{coded.pk}"
    coded.save()
    for _ in range(programs):
        call = CallFactory(program=ProgramFactory())
        call.partner_agencies.add(AgencyFactory(country="GB"), AgencyFactory(country="US"))
        CallFactory(program=call.program, open_date=None, close_date=None)  # no partners
        proposal = ProposalFactory(call=call, panel_score=Decimal("7.50"))
        ProposalFactory(call=call, partner_pi=None, status="rejected")
        ReviewFactory(proposal=proposal, reviewer=reviewer, score=Decimal(8), comment="Strong")
        ReviewFactory(proposal=proposal, reviewer=coded, score=Decimal("6.5"), comment="")
        ReviewFactory(proposal=proposal, score=None)  # pending: no result to exchange
        project = ProjectFactory(proposal__call=call)
        # A record of past years made by an import, and this year's report still open.
        report = ReportFactory(project=project, imported=True)
        later = ReportFactory(project=project, fiscal_year=2025, status=ReportStatus.DRAFT)
        PaperFactory(report=report)
        PaperFactory(report=report, doi="", title="A paper without a DOI")
        PaperFactory(report=later, doi="", title=" Spaced  out, as typed ", journal="")
        PresentationFactory(report=report)
        PresentationFactory(report=later, country="")
        EventFactory(report=report)
        EventFactory(report=later, participants=None, kind="lecture_tour")
        ExchangeFactory(report=report)
        ExchangeFactory(report=later, end_date=None, purpose="", direction="receive")
        LabStatisticFactory(report=report)
        LabStatisticFactory(report=later, events_held=0)
        HubFactory(project=project)
        HubFactory(project=project, closed_on=datetime.date(2025, 3, 31))
        SurveyFactory(project=project)
        SurveyFactory(project=project, person="Young A", timing="after", networking=5)
        ProjectBudget.objects.create(project=project, fiscal_year=2024, amount_yen=30_000_000)
        TargetFactory(program=call.program)
        TargetFactory(program=call.program, indicator="g1.partner_agencies", value=Decimal("3.5"))


@pytest.fixture
def world():
    build_world(programs=2)


def rows_of(text: str, name: str = "data.csv") -> list[dict]:
    return read_table(text.encode(), name)


def export_csv(kind: str, program=None) -> bytes:
    header, rows = export_table(kind, program)
    return write_csv([header, *rows])


def counts() -> dict:
    """Rows of every table an import may write, history included."""
    models = [kind.model for kind in KINDS.values()] + [Researcher, AnnualReport]
    found = {model.__name__: model.objects.count() for model in models}
    for model in models:
        if hasattr(model, "history"):
            found[f"{model.__name__} history"] = model.history.count()
    return found


def upload(content: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


# --- Round trips --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_it_imports_its_own_export_unchanged(world, kind):
    first = export_csv(kind)
    before = counts()
    result = import_table(kind, read_table(first, "export.csv"))
    assert (result.created, result.updated, result.errors) == (0, 0, [])
    assert result.unchanged == first.count(b"\n") - 1 > 0
    assert export_csv(kind) == first
    assert counts() == before  # not a row, not a history entry


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_it_imports_its_labelled_export_unchanged(world, kind, language):
    """Headers and choices as the pages show them (受付番号, 不採択) read back as the
    contract's names and codes do, in whichever language the importer uses."""
    from django.utils import translation

    with translation.override(language):
        header, rows = export_table(kind, computed=True, labelled=True)
    before = counts()
    result = import_table(kind, read_table(write_csv([header, *rows]), "labelled.csv"))
    assert (result.created, result.updated, result.errors) == (0, 0, [])
    assert result.unchanged == len(rows) > 0
    assert counts() == before


@pytest.mark.parametrize("kind", KINDS)
def test_it_heads_every_column_of_a_japanese_export_in_japanese(world, kind):
    # The contract's names (jp_pi_name, person) are for machines; officers read labels.
    from django.utils import translation

    with translation.override("ja"):
        header, _rows = export_table(kind, computed=True, labelled=True)
    assert [name for name in header if re.fullmatch(r"[a-z_]+", name)] == []


def reopen_all() -> None:
    """Every report back to draft, behind the ORM's back: what the tests of a cleared
    database need, and what no door of Aspire can do (handed-in reports are frozen)."""
    AnnualReport.objects.update(status=ReportStatus.DRAFT)


def clear_database() -> None:
    """Everything the kinds hold (and the researchers and reports made on the way)."""
    reopen_all()
    AnnualReport.objects.all().delete()
    for model in [Hub, SurveyAnswer, Project, Review, Proposal, Researcher, Call, Target]:
        model.objects.all().delete()
    KINDS["reviewers"].queryset(None).delete()
    Program.objects.all().delete()
    FundingAgency.objects.all().delete()


def test_it_rebuilds_a_cleared_database_from_its_exports(world):
    exports = {kind: export_csv(kind) for kind in KINDS}
    clear_database()
    assert sum(kind.queryset(None).count() for kind in KINDS.values()) == 0
    for kind, content in exports.items():  # KINDS lists references first
        result = import_table(kind, read_table(content, f"{kind}.csv"))
        assert result.errors == []
        assert result.created == content.count(b"\n") - 1, kind
    for kind, content in exports.items():
        assert export_csv(kind) == content, kind
    assert set(AnnualReport.objects.values_list("status", flat=True)) == {ReportStatus.ACCEPTED}


@pytest.mark.parametrize("kind", ["agencies", "calls", "proposals", "publications", "exchanges"])
def test_it_round_trips_xlsx(world, kind):
    header, rows = export_table(kind)
    workbook = write_xlsx([header, *rows])
    result = import_table(kind, read_table(workbook, "export.xlsx"))
    assert (result.unchanged, result.errors) == (len(rows), [])
    assert export_table(kind) == (header, rows)


@pytest.mark.parametrize("kind", ["publications", "exchanges", "hubs", "surveys"])
def test_it_recreates_records_from_an_xlsx_export(world, kind):
    header, rows = export_table(kind)
    workbook = write_xlsx([header, *rows])
    reopen_all()
    KINDS[kind].model.objects.all().delete()
    result = import_table(kind, read_table(workbook, "export.xlsx"))
    assert result.created == len(rows)
    assert export_table(kind) == (header, rows)


def test_it_reads_the_numbers_and_dates_a_spreadsheet_typed(world):
    """People type into spreadsheets: cells are numbers and dates, not text."""
    project = Project.objects.first()
    header = ["project", "fiscal_year", "doi", "title", "journal", "published_on"]
    header += ["international_coauthored"]
    row = [project.code, 2025, "", "Typed", "", datetime.datetime(2025, 6, 1), True]
    result = import_table("publications", read_table(write_xlsx([header, row]), "typed.xlsx"))
    assert result.created == 1
    paper = Paper.objects.get(title="Typed")
    assert (paper.report.fiscal_year, paper.published_on) == (2025, datetime.date(2025, 6, 1))


def test_it_exports_one_program_only(world):
    program = Call.objects.order_by("code").first().program
    header, rows = export_table("calls", program)
    assert {row[header.index("program")] for row in rows} == {program.code}
    agencies = {row[0] for row in export_table("agencies", program)[1]}
    partners = FundingAgency.objects.filter(calls__program=program)
    assert agencies == {program.managing_agency.code, *partners.values_list("code", flat=True)}
    for kind in ["proposals", "reviews", "projects", "publications", "hubs", "surveys"]:
        everything = export_table(kind)[1]
        assert 0 < len(export_table(kind, program)[1]) < len(everything), kind


def test_it_leaves_pending_reviews_out_of_the_export(world):
    header, rows = export_table("reviews")
    assert len(rows) == Review.objects.filter(score__isnull=False).count() == 4
    assert "" not in [row[header.index("score")] for row in rows]


# --- All or nothing, with row and column -------------------------------------------------

AGENCIES = "code,name,name_ja,country\nNIH,National Institutes of Health,,US\n"


def test_it_writes_nothing_when_one_row_is_bad(world):
    before = counts()
    text = AGENCIES + "MRC,Medical Research Council,,UK\nDFG,German Research Foundation,,DE\n"
    result = import_table("agencies", rows_of(text))
    assert result.errors == [
        "row 3, column country: 'UK' is not a country: an ISO code such as DE, or its name."
    ]
    assert not result.written
    assert counts() == before


def test_it_rolls_back_the_reports_earlier_rows_made(world):
    project = Project.objects.first()
    header = "project,fiscal_year,doi,title,journal,published_on,international_coauthored\n"
    text = header + f"{project.code},2030,,New year,,2030-06-01,yes\n"
    text += f"{project.code},2030,,Bad flag,,2030-06-01,perhaps\n"
    before = counts()
    result = import_table("publications", rows_of(text))
    assert result.errors == [
        "row 3, column international_coauthored: 'perhaps' is not one of true/false, yes/no, 1/0."
    ]
    assert counts() == before
    assert not AnnualReport.objects.filter(fiscal_year=2030).exists()


def test_it_reports_only_the_failed_row_when_it_made_a_report(world):
    """The report a failed row made is rolled back with it; the next row makes its own."""
    project = Project.objects.first()
    header = "project,fiscal_year,doi,title,journal,published_on,international_coauthored\n"
    text = header + f"{project.code},2032,,Long,{'J' * 301},2032-06-01,yes\n"
    text += f"{project.code},2032,,Fine,,2032-06-01,yes\n"
    result = import_table("publications", rows_of(text))
    assert result.errors == [
        "row 2, column journal: Ensure this value has at most 300 characters (it has 301)."
    ]
    assert result.created == 1


def test_it_reports_every_problem_of_the_file(world):
    text = "code,name,name_ja,country\n,Nameless,,US\nX,,,ZZ\n"
    result = import_table("agencies", rows_of(text))
    assert result.errors == [
        "row 2, column code: a value is required.",
        "row 3, column name: a value is required.",
        "row 3, column country: 'ZZ' is not a country: an ISO code such as DE, or its name.",
    ]


def test_it_counts_blank_lines_in_the_row_numbers(world):
    text = "code,name,name_ja,country\n\nNIH,NIH,,US\n,,,\nMRC,MRC,,UK\n"
    result = import_table("agencies", rows_of(text))
    assert result.errors == [
        "row 5, column country: 'UK' is not a country: an ISO code such as DE, or its name."
    ]


def test_it_refuses_an_unknown_column(world):
    result = import_table("agencies", rows_of("code,name,contry\nNIH,NIH,US\n"))
    assert result.errors == [
        "row 1, column contry: unknown column (a typo would lose data). Did you mean country?",
        "row 1, column country: this required column is missing.",
    ]


def test_it_refuses_a_cell_under_no_column(world):
    with pytest.raises(UnreadableFile) as failure:
        rows_of(AGENCIES + "MRC,Medical Research Council,,GB,extra\n")
    assert failure.value.errors == ["row 3, column 5: a value under no column heading."]


@pytest.mark.parametrize(
    ("content", "name", "error"),
    [
        (b"", "empty.csv", "row 1, column -: the file has no header row."),
        ("code,name\nCafé,Zürich\n".encode("latin-1"), "l1.csv", "neither UTF-8 nor Shift_JIS"),
        (b"not a workbook", "data.xlsx", "the file is not a readable .xlsx workbook."),
        (b"code,name,code\n", "twice.csv", "row 1, column code: this column is named twice."),
    ],
)
def test_it_refuses_a_file_that_is_no_table(content, name, error):
    result = import_file("agencies", content, name)
    assert len(result.errors) == 1
    assert error in result.errors[0]


def test_it_refuses_an_unknown_reference(world):
    text = "code,name,name_ja,managing_agency\nNEW,New program,,NOPE\n"
    result = import_table("programs", rows_of(text))
    assert result.errors == ["row 2, column managing_agency: unknown agency 'NOPE'."]
    text = "proposal,reviewer,score,comment\nP-NONE,nobody@example.org,7,\n"
    assert import_table("reviews", rows_of(text)).errors == [
        "row 2, column proposal: unknown proposal 'P-NONE'."
    ]
    proposal = Proposal.objects.first()
    text = f"proposal,reviewer,score,comment\n{proposal.ref},nobody@example.org,7,\n"
    assert import_table("reviews", rows_of(text)).errors == [
        "row 2, column reviewer: unknown reviewer 'nobody@example.org'."
    ]


PROPOSALS = (
    "call,ref,title,status,jp_pi_name,jp_pi_institution,jp_pi_hindex,partner_pi_name,"
    "partner_pi_institution,partner_pi_country,partner_pi_hindex,panel_score\n"
)


def test_it_accepts_what_an_earlier_row_of_the_same_file_made(world):
    """No kind refers to its own kind: what earlier rows make are researchers and reports."""
    call = Call.objects.first()
    text = PROPOSALS + (
        f"{call.code},NEW-1,First,submitted,Sato Hana,Osaka University,12,Ann Lee,MIT,US,40,\n"
        f"{call.code},NEW-2,Second,submitted,Sato Hana,Osaka University,,Ann Lee,MIT,,,\n"
    )
    result = import_table("proposals", rows_of(text))
    assert (result.created, result.errors) == (2, [])
    first, second = Proposal.objects.filter(ref__startswith="NEW").order_by("ref")
    assert first.jp_pi == second.jp_pi
    assert (first.jp_pi.country, first.jp_pi.h_index) == ("JP", 12)
    assert (second.partner_pi.country, second.partner_pi.h_index) == ("US", 40)
    project = Project.objects.first()
    header = "project,fiscal_year,doi,title,journal,published_on,international_coauthored\n"
    text = (
        header
        + f"{project.code},2031,,One,,2031-06-01,yes\n{project.code},2031,,Two,,2031-07-01,no\n"
    )
    assert import_table("publications", rows_of(text)).created == 2
    assert AnnualReport.objects.get(project=project, fiscal_year=2031).papers.count() == 2


def test_it_refuses_two_rows_disagreeing_about_one_researcher(world):
    call = Call.objects.first()
    text = PROPOSALS + (
        f"{call.code},NEW-1,First,submitted,Sato Hana,Osaka University,12,,,,,\n"
        f"{call.code},NEW-2,Second,submitted,Sato Hana,Osaka University,13,,,,,\n"
    )
    result = import_table("proposals", rows_of(text))
    assert result.errors == [
        "row 3, column jp_pi_hindex: row 2 gives the same researcher another value."
    ]


def test_it_updates_a_pi_and_counts_the_proposal_updated(world):
    proposal = Proposal.objects.exclude(partner_pi=None).first()
    header, rows = export_table("proposals")
    row = dict(zip(header, next(r for r in rows if r[1] == proposal.ref), strict=True))
    result = import_table("proposals", [row | {"jp_pi_hindex": "99"}])
    assert (result.updated, result.unchanged) == (1, 0)
    proposal.jp_pi.refresh_from_db()
    assert proposal.jp_pi.h_index == 99
    # An empty fact keeps what is known; other cells of a nameless PI are a mistake.
    assert import_table("proposals", [row | {"jp_pi_hindex": ""}]).unchanged == 1
    nameless = row | {"partner_pi_name": ""}
    assert import_table("proposals", [nameless]).errors == [
        "row 2, column partner_pi_name: a value is required: other cells of this researcher "
        "are filled."
    ]
    alone = nameless | {"partner_pi_institution": "", "partner_pi_country": ""}
    assert import_table("proposals", [alone | {"partner_pi_hindex": ""}]).updated == 1
    assert Proposal.objects.get(pk=proposal.pk).partner_pi is None


def test_it_refuses_two_rows_naming_the_same_record(world):
    text = AGENCIES + "NIH,National Institutes of Health (US),,US\n"
    result = import_table("agencies", rows_of(text))
    assert result.errors == ["row 3, column code: this row names the same record as row 2."]
    paper = PaperFactory(report=Paper.objects.filter(report__status="draft").first().report)
    header = "project,fiscal_year,doi,title,journal,published_on,international_coauthored\n"
    line = f"{paper.project.code},2025,{{doi}},Title,,2024-06-01,yes\n"
    text = header + line.format(doi=paper.doi) + line.format(doi=paper.doi.upper())
    result = import_table("publications", rows_of(text))
    assert result.errors == ["row 3, column doi: this row names the same record as row 2."]


def test_it_refuses_a_proposal_outside_its_support_type(world):
    support = SupportTypeFactory(max_annual_budget_yen=30_000_000, max_years=3)
    small = CallFactory(program=support.program, support_type=support)
    proposal = ProposalFactory(requested_annual_budget_yen=50_000_000)  # its call has no type
    header, rows = export_table("proposals")
    row = next(row for row in rows if row[header.index("ref")] == proposal.ref)
    row[header.index("call")] = small.code  # moved to a call that allows less
    result = import_table("proposals", [dict(zip(header, row, strict=True))])
    (error,) = result.errors
    assert error.startswith("row 2, column call: The support type")
    assert "allows 0 to 30000000 yen a year" in error
    assert Proposal.objects.get(pk=proposal.pk).call != small


def test_it_refuses_moving_a_call_away_from_the_program_of_its_support_type(world):
    call = CallFactory(support_type=SupportTypeFactory())
    other = Program.objects.exclude(pk=call.program_id).first()
    header, rows = export_table("calls")
    row = dict(zip(header, next(r for r in rows if r[1] == call.code), strict=True))
    assert import_table("calls", [row | {"program": other.code}]).errors == [
        f"row 2, column support_type: unknown support type of {other.code} "
        f"'{call.support_type.code}'."
    ]
    # A file without the column keeps the call's support type: the model refuses the move.
    del row["support_type"]
    assert import_table("calls", [row | {"program": other.code}]).errors == [
        "row 2, column program: This support type belongs to another program."
    ]


@pytest.mark.parametrize("score", ["11", "0", "10.5"])
def test_it_refuses_a_score_outside_one_to_ten(world, score):
    review = Review.objects.filter(score=8).first()
    text = (
        f"proposal,reviewer,score,comment\n{review.proposal.ref},{review.reviewer.email},{score},\n"
    )
    result = import_table("reviews", rows_of(text))
    assert result.errors[0].startswith("row 2, column score: Ensure this value is")
    assert Review.objects.get(pk=review.pk).score == Decimal(8)


def test_it_finds_a_reviewer_by_code_or_by_e_mail_in_any_case(world):
    review = Review.objects.filter(reviewer__reviewer_code__isnull=False).first()
    for name in [review.reviewer.reviewer_code, review.reviewer.email.upper()]:
        text = f"proposal,reviewer,score,comment\n{review.proposal.ref},{name},9,\n"
        assert import_table("reviews", rows_of(text)).updated == 1
        review.refresh_from_db()
        assert review.score == 9
        review.score = Decimal("6.5")
        review.save()


def test_it_refuses_a_conflicted_reviewer(world):
    conflict = ConflictFactory()
    text = (
        f"proposal,reviewer,score,comment\n{conflict.proposal.ref},{conflict.reviewer.email},7,\n"
    )
    result = import_table("reviews", rows_of(text))
    message = f"{conflict.reviewer} declared a conflict of interest with this proposal."
    assert result.errors == [f"row 2, column reviewer: {message}"]


EXCHANGES = (
    "project,fiscal_year,person,career_stage,direction,country,institution,start_date,"
    "end_date,funded_by_program,purpose\n"
)


def test_it_refuses_an_end_before_the_start(world):
    project = Project.objects.first()
    text = (
        EXCHANGES
        + f"{project.code},2024,Ito Ken,student,dispatch,US,,2024-09-10,2024-09-01,yes,Visit\n"
    )
    assert import_table("exchanges", rows_of(text)).errors == [
        "row 2, column end_date: The end cannot be before the start."
    ]
    text = "proposal,code,title,start_date,end_date\n"
    text += f"{project.proposal.ref},{project.code},,2025-04-01,2024-03-31\n"
    assert import_table("projects", rows_of(text)).errors == [
        "row 2, column end_date: The end cannot be before the start."
    ]
    text = "project,name,country,established_on,closed_on\n"
    text += f"{project.code},Lab,US,2025-04-01,2025-01-01\n"
    assert import_table("hubs", rows_of(text)).errors == [
        "row 2, column closed_on: The end cannot be before the start."
    ]


def test_it_keeps_the_proposal_of_a_project_adopted(world):
    project = Project.objects.first()
    header, rows = export_table("proposals")
    row = dict(zip(header, next(r for r in rows if r[1] == project.proposal.ref), strict=True))
    result = import_table("proposals", [row | {"status": "rejected"}])
    assert result.errors == [
        f"row 2, column status: the proposal has the project {project.code}, so it stays adopted."
    ]


def test_it_refuses_an_unknown_indicator_and_a_survey_answer_outside_one_to_five(world):
    program = Target.objects.first().program
    text = f"program,indicator,fiscal_year,value\n{program.code},g9.nothing,2027,3\n"
    assert (
        import_table("targets", rows_of(text))
        .errors[0]
        .startswith("row 2, column indicator: 'g9.nothing' is not one of")
    )
    project = Project.objects.first()
    text = "project,person,timing,networking,communication,expertise,language,leadership\n"
    text += f"{project.code},Young B,after,6,3,3,3,3\n"
    assert import_table("surveys", rows_of(text)).errors == [
        "row 2, column networking: Ensure this value is less than or equal to 5."
    ]


# --- Idempotence, updates, the contract's details -----------------------------------------


def test_it_changes_nothing_the_second_time(world):
    text = AGENCIES + "DFG,German Research Foundation,,DE\n"
    first = import_table("agencies", rows_of(text))
    before = counts()
    second = import_table("agencies", rows_of(text))
    assert (first.created, second.created, second.updated, second.unchanged) == (2, 0, 0, 2)
    assert counts() == before


def test_it_updates_the_record_a_changed_row_names(world):
    import_table("agencies", rows_of(AGENCIES))
    before = FundingAgency.objects.count()
    result = import_table("agencies", rows_of(AGENCIES.replace("National", "US National")))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert FundingAgency.objects.count() == before
    assert FundingAgency.objects.get(code="NIH").name == "US National Institutes of Health"


def test_it_treats_the_same_doi_in_another_case_as_the_same_paper(world):
    later = Paper.objects.filter(title="Spaced out, as typed").first().report  # a draft
    paper = PaperFactory(report=later)
    header, rows = export_table("publications")
    row = dict(zip(header, next(r for r in rows if r[2] == paper.doi), strict=True))
    result = import_table("publications", [row | {"doi": paper.doi.upper(), "journal": "Cell"}])
    assert (result.created, result.updated) == (0, 1)
    doi = paper.doi
    paper.refresh_from_db()
    assert (paper.journal, paper.doi) == ("Cell", doi)  # the DOI is kept in its one form


def test_it_treats_a_title_in_other_case_and_spacing_as_the_same_paper(world):
    # Stored as "Spaced out, as typed" (aspire/normalise.py): the same title however typed.
    paper = Paper.objects.get(title=" Spaced  out, as typed ", project=Project.objects.first())
    header, rows = export_table("publications")
    row = dict(zip(header, next(r for r in rows if r[3] == paper.title), strict=True))
    result = import_table(
        "publications", [row | {"title": "SPACED OUT, as  typed", "journal": "Cell"}]
    )
    assert (result.created, result.updated) == (0, 1)
    assert Paper.objects.get(pk=paper.pk).journal == "Cell"


def test_it_keeps_the_fields_of_a_column_the_file_leaves_out(world):
    """A file of a few columns updates those; an empty cell of a present column empties."""
    header, rows = export_table("proposals")
    keep = ["call", "ref", "title", "status", "jp_pi_name", "jp_pi_institution"]
    short = [{name: row[header.index(name)] for name in keep} for row in rows]
    assert import_table("proposals", short).unchanged == len(rows)
    assert Proposal.objects.filter(panel_score=Decimal("7.50")).count() == 2
    with_blank = [row | {"panel_score": ""} for row in short]
    assert import_table("proposals", with_blank).updated == 2
    assert not Proposal.objects.filter(panel_score__isnull=False).exists()


def test_it_reads_a_bom_and_every_boolean_spelling(world):
    project = Project.objects.first()
    header = "project,fiscal_year,doi,title,journal,published_on,international_coauthored\n"
    rows = "".join(
        f"{project.code},2025,,Paper {n} {spelling},,2025-06-01,{spelling}\n"
        for n, spelling in enumerate(["TRUE", "no", "Yes", "0", "1", "False", "yEs", "NO"])
    )
    content = "\ufeff" + header + rows
    assert content.encode()[:3] == b"\xef\xbb\xbf"
    result = import_table("publications", read_table(content.encode(), "x.csv"))
    assert result.created == 8
    flags = dict(
        Paper.objects.filter(title__regex=r"^Paper \d ").values_list(
            "title", "international_coauthored"
        )
    )
    assert flags == {
        "Paper 0 TRUE": True,
        "Paper 1 no": False,
        "Paper 2 Yes": True,
        "Paper 3 0": False,
        "Paper 4 1": True,
        "Paper 5 False": False,
        "Paper 6 yEs": True,
        "Paper 7 NO": False,
    }


def test_it_reads_the_bom_csv_file_excel_saves(world):
    content = (DATA / "agencies-excel.csv").read_bytes()
    assert content.startswith(b"\xef\xbb\xbf") and b"\r\n" in content
    result = import_file("agencies", content, "agencies-excel.csv")
    assert (result.created, result.errors) == (2, [])
    assert FundingAgency.objects.get(code="DFG").name_ja == "ドイツ研究振興協会"


def test_it_files_outputs_into_an_accepted_report_or_the_open_one(world):
    project = Project.objects.first()
    draft = ReportFactory(project=project, fiscal_year=2026, status=ReportStatus.DRAFT)
    header = "project,fiscal_year,doi,title,journal,published_on,international_coauthored\n"
    text = header + f"{project.code},2026,,Into the draft,,2026-06-01,true\n"
    text += f"{project.code},2027,,Into a new report,,2027-06-01,true\n"
    assert import_table("publications", rows_of(text)).created == 2
    assert Paper.objects.get(title="Into the draft").report == draft
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT
    created = AnnualReport.objects.get(project=project, fiscal_year=2027)
    assert (created.status, created.imported) == (ReportStatus.ACCEPTED, True)


def test_it_adds_a_later_file_of_the_year_to_the_report_an_import_made(world):
    """Past years come kind by kind: papers first, then the talks of the same year."""
    project = Project.objects.first()
    header = "project,fiscal_year,doi,title,journal,published_on,international_coauthored\n"
    import_table("publications", rows_of(header + f"{project.code},2027,,P,,2027-06-01,true\n"))
    header = "project,fiscal_year,title,conference,country,presented_on,international\n"
    text = header + f"{project.code},2027,Talk,ISMB,US,2027-07-01,true\n"
    assert import_table("presentations", rows_of(text)).created == 1


def test_it_adds_nothing_to_a_report_a_pi_handed_in(world):
    project = Project.objects.first()
    ReportFactory(project=project, fiscal_year=2026, status=ReportStatus.SUBMITTED)
    header = "project,fiscal_year,doi,title,journal,published_on,international_coauthored\n"
    text = header + f"{project.code},2026,,Late paper,,2026-06-01,true\n"
    result = import_table("publications", rows_of(text))
    assert result.errors == [
        f"row 2, column title: This is part of the submitted FY2026 (令和8年度) report of "
        f"{project.code}, which is handed in: it cannot be changed now. Staff can reopen the "
        "report."
    ]
    assert not Paper.objects.filter(title="Late paper").exists()


def test_it_never_moves_an_output_to_another_year(world):
    """A row belongs to one report: naming it under another year is refused, not a move."""
    stay = Exchange.objects.filter(end_date__isnull=False).first()
    header, rows = export_table("exchanges")
    row = dict(zip(header, next(r for r in rows if r[2] == stay.person), strict=True))
    result = import_table("exchanges", [row | {"fiscal_year": "2025"}])
    assert result.errors == [
        f"row 2, column start_date: This row belongs to the accepted FY2024 (令和6年度) report "
        f"of {stay.project.code}: a row is never moved to another report."
    ]
    stay.refresh_from_db()
    assert stay.report.fiscal_year == 2024


def test_it_adopts_the_proposal_of_an_imported_project(world):
    proposal = ProposalFactory(call=Call.objects.first())
    text = (
        f"proposal,code,title,start_date,end_date\n{proposal.ref},PJ-NEW,,2025-04-01,2028-03-31\n"
    )
    assert import_table("projects", rows_of(text)).created == 1
    proposal.refresh_from_db()
    assert proposal.status == "adopted"
    assert Project.objects.get(code="PJ-NEW").proposal == proposal


def test_it_gives_a_call_the_default_adoptable_score_and_its_partners(world):
    program = Program.objects.first()
    text = "program,code,kind,title,open_date,close_date,partner_agencies,adoptable_score\n"
    text += f"{program.code},NEW-CALL,alignment,New,2026-05-01,2026-07-31, FA1 ; FA2 ,\n"
    AgencyFactory(code="FA1"), AgencyFactory(code="FA2")
    assert import_table("calls", rows_of(text)).created == 1
    call = Call.objects.get(code="NEW-CALL")
    assert call.adoptable_score == Decimal(6)
    assert sorted(call.partner_agencies.values_list("code", flat=True)) == ["FA1", "FA2"]
    result = import_table("calls", rows_of(text.replace(" FA1 ; FA2 ", "FA1")))
    assert result.updated == 1
    assert list(call.partner_agencies.values_list("code", flat=True)) == ["FA1"]


def test_a_dry_run_counts_everything_and_writes_nothing(world):
    before = counts()
    result = import_table("agencies", rows_of(AGENCIES), dry_run=True)
    assert (result.created, result.ok, result.written) == (1, True, False)
    assert counts() == before


# --- The commands ---------------------------------------------------------------------------


def test_it_imports_and_exports_through_the_commands(world, tmp_path: Path):
    path = tmp_path / "agencies.csv"
    path.write_text(AGENCIES)
    out = io.StringIO()
    call_command("import_data", "agencies", str(path), stdout=out)
    assert out.getvalue().strip() == "agencies: 1 created, 0 updated, 0 unchanged."
    call_command("import_data", "agencies", str(path), stdout=out)
    assert out.getvalue().strip().endswith("agencies: 0 created, 0 updated, 1 unchanged.")
    exported = io.StringIO()
    call_command("export_data", "agencies", stdout=exported)
    assert exported.getvalue().encode() == export_csv("agencies")
    assert "NIH,National Institutes of Health,,US\n" in exported.getvalue()
    xlsx = tmp_path / "agencies.xlsx"
    call_command("export_data", "agencies", "--output", str(xlsx), stderr=io.StringIO())
    assert list(read_table(xlsx.read_bytes(), "agencies.xlsx")[0]) == [
        "code",
        "name",
        "name_ja",
        "country",
    ]
    program = Program.objects.first()
    csv_file = tmp_path / "calls.csv"
    call_command(
        "export_data",
        "calls",
        "--program",
        program.code,
        "--output",
        str(csv_file),
        stderr=io.StringIO(),
    )
    assert csv_file.read_bytes() == export_csv("calls", program)


def test_it_exits_non_zero_naming_row_and_column(world, tmp_path: Path):
    path = tmp_path / "agencies.csv"
    path.write_text(AGENCIES + "MRC,Medical Research Council,,UK\nDFG,DFG,,Germania\n")
    before = counts()
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_data", "agencies", str(path), stderr=err)
    assert failure.value.returncode == 1
    assert err.getvalue().splitlines() == [
        "row 3, column country: 'UK' is not a country: an ISO code such as DE, or its name.",
        "row 4, column country: 'Germania' is not a country: an ISO code such as DE, or its name.",
    ]
    assert str(failure.value) == "Nothing was imported: 2 problems."
    assert counts() == before


def test_it_exits_with_two_for_a_missing_file_or_program(tmp_path: Path):
    with pytest.raises(CommandError) as failure:
        call_command("import_data", "agencies", str(tmp_path / "nothing.csv"))
    assert failure.value.returncode == 2
    with pytest.raises(CommandError) as failure:
        call_command("export_data", "calls", "--program", "NOPE")
    assert failure.value.returncode == 2


# Queries of each export, whatever the number of rows: one select with its references
# joined (select_related); calls add one for their partner agencies (prefetch_related).
EXPORT_QUERIES = dict.fromkeys(KINDS, 1) | {"calls": 2}


@pytest.mark.parametrize("kind", KINDS)
def test_it_exports_in_a_fixed_number_of_queries(django_assert_num_queries, kind):
    for programs in (1, 3):
        build_world(programs)
        with django_assert_num_queries(EXPORT_QUERIES[kind]):
            export_table(kind)


# --- The admin ---------------------------------------------------------------------------


def test_it_previews_an_upload_without_writing_then_imports_on_confirm(admin_client):
    url = reverse("exchange:import", args=["agencies"])
    before = counts()
    preview = admin_client.post(url, {"file": upload(AGENCIES.encode(), "agencies.csv")})
    assert preview.status_code == 200
    assert "agencies.csv is ready: 1 to create, 0 to update, 0 unchanged." in preview.text
    assert counts() == before
    token = preview.context["token"]
    confirmed = admin_client.post(url, {"token": token}, follow=True)
    assert confirmed.redirect_chain[-1][0] == reverse("admin:programs_fundingagency_changelist")
    # The admin capitalises messages.
    assert "Agencies.csv imported: 1 created, 0 updated, 0 unchanged." in confirmed.text
    assert FundingAgency.objects.filter(code="NIH").exists()
    again = admin_client.post(url, {"token": token}, follow=True)  # a second click
    assert "the preview has expired" in again.text
    assert FundingAgency.objects.filter(code="NIH").count() == 1


def test_it_previews_an_xlsx_upload(admin_client):
    content = write_xlsx([["code", "name", "name_ja", "country"], ["NIH", "NIH", "", "US"]])
    url = reverse("exchange:import", args=["agencies"])
    preview = admin_client.post(url, {"file": upload(content, "agencies.xlsx")})
    assert "1 to create" in preview.text


def test_it_lists_row_by_row_what_the_preview_would_add(admin_client):
    text = AGENCIES + "DFG,Deutsche Forschungsgemeinschaft,,DE\n"
    url = reverse("exchange:import", args=["agencies"])
    preview = admin_client.post(url, {"file": upload(text.encode(), "agencies.csv")})
    added = preview.context["result"].added
    assert [row for row, _ in added] == [2, 3]
    assert "What the file adds" in preview.text
    assert "<td>3</td><td>DFG" in preview.text
    assert not FundingAgency.objects.filter(code="DFG").exists()


def test_it_shows_row_errors_in_the_admin_and_offers_no_confirm(admin_client):
    url = reverse("exchange:import", args=["agencies"])
    content = (AGENCIES + "MRC,Medical Research Council,,UK\n").encode()
    response = admin_client.post(url, {"file": upload(content, "agencies.csv")})
    assert response.status_code == 400
    assert "row 3, column country: &#x27;UK&#x27; is not a country" in response.text
    assert 'name="token"' not in response.text
    assert not FundingAgency.objects.filter(code="NIH").exists()


def test_it_checks_the_file_again_on_confirm(admin_client):
    url = reverse("exchange:import", args=["programs"])
    AgencyFactory(code="NEWFA", country="JP")
    content = b"code,name,name_ja,managing_agency\nNEWPRG,New,,NEWFA\n"
    token = admin_client.post(url, {"file": upload(content, "programs.csv")}).context["token"]
    FundingAgency.objects.filter(code="NEWFA").delete()  # meanwhile, someone removes it
    response = admin_client.post(url, {"token": token})
    assert response.status_code == 400
    assert "row 2, column managing_agency: unknown agency" in response.text
    assert not Program.objects.filter(code="NEWPRG").exists()


def test_it_confirms_only_the_uploaders_own_preview(admin_client, client):
    url = reverse("exchange:import", args=["agencies"])
    token = admin_client.post(url, {"file": upload(AGENCIES.encode(), "a.csv")}).context["token"]
    other = UserFactory(is_staff=True, is_superuser=True)
    sign_in(client, other)
    client.post(url, {"token": token})
    assert not FundingAgency.objects.filter(code="NIH").exists()


def test_it_exports_from_the_admin(admin_client, world):
    url = reverse("exchange:export", args=["agencies"])
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="format"' in page.text
    response = admin_client.get(url, {"format": "csv"})
    today = datetime.date.today().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="agencies-{today}.csv"'
    assert response.content == b"\xef\xbb\xbf" + export_csv("agencies")  # Excel needs the BOM
    program = Program.objects.first()
    xlsx = admin_client.get(url, {"format": "xlsx", "program": program.code})
    assert xlsx["Content-Disposition"].endswith(f'filename="agencies-{program.code}-{today}.xlsx"')
    table = read_table(xlsx.content, "x.xlsx")
    assert [list(row.values()) for row in table] == export_table("agencies", program)[1]
    assert admin_client.get(url, {"format": "csv", "program": "NOPE"}).status_code == 400


def test_it_puts_import_and_export_on_the_changelists_and_keeps_add(admin_client):
    for kind in KINDS.values():
        opts = kind.model._meta
        page = admin_client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        ).text
        assert reverse("exchange:import", args=[kind.name]) in page, kind.name
        assert reverse("exchange:export", args=[kind.name]) in page, kind.name
    page = admin_client.get(reverse("admin:calls_proposal_changelist")).text
    assert reverse("admin:calls_proposal_add") in page


def test_it_shows_a_viewer_only_the_export(client):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_fundingagency"))
    sign_in(client, viewer)
    page = client.get(reverse("admin:programs_fundingagency_changelist")).text
    assert reverse("exchange:export", args=["agencies"]) in page
    assert reverse("exchange:import", args=["agencies"]) not in page
    assert client.get(reverse("exchange:import", args=["agencies"])).status_code == 403
    assert (
        client.get(reverse("exchange:export", args=["agencies"]), {"format": "csv"}).status_code
        == 200
    )
    assert client.get(reverse("exchange:export", args=["calls"])).status_code == 403


def test_it_keeps_the_pages_from_people_who_are_not_staff(client):
    response = client.get(reverse("exchange:import", args=["agencies"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(UserFactory(roles=["pi"]))
    assert client.get(reverse("exchange:export", args=["agencies"])).status_code == 302


def test_it_answers_404_for_an_unknown_kind(admin_client):
    assert admin_client.get(reverse("exchange:import", args=["researchers"])).status_code == 404
