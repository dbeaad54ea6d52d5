"""Issue 17: a program's archive, every kind in one ZIP, each file as `export_data` writes it
for what the caller may read."""

import io
import json
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient as Client

from api.archive import VIEWSETS
from exchange.kinds import KINDS
from tests.conftest import keyed_client, sign_in
from tests.factories import (
    EventFactory,
    ExchangeFactory,
    HubFactory,
    LabStatisticFactory,
    MemberFactory,
    PaperFactory,
    PresentationFactory,
    ProgramFactory,
    ProjectFactory,
    ReportFactory,
    ReviewFactory,
    SurveyFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db

# Reviewers are accounts, which the API never lists.
ARCHIVED = [kind for kind in KINDS if kind != "reviewers"]


def opened(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.content
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def text(book: zipfile.ZipFile, name: str) -> str:
    return book.read(name).decode()


def test_it_archives_every_kind_as_export_data_writes_it(staff, demo):
    response = staff.get("/api/v1/programs/ASPIRE/archive/")
    assert response["Content-Type"] == "application/zip"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="ASPIRE-{today}.zip"'
    book = opened(response)
    assert book.testzip() is None
    files = [f"{kind}.csv" for kind in ARCHIVED]
    assert book.namelist() == [*files, "manifest.json", "README.txt"]
    manifest = json.loads(book.read("manifest.json"))
    assert [file["kind"] for file in manifest["files"]] == ARCHIVED
    assert manifest["program"] == "ASPIRE" and manifest["left_out"] == []
    for file in manifest["files"]:
        out = io.StringIO()
        call_command("export_data", file["kind"], "--program", "ASPIRE", stdout=out)
        assert text(book, file["file"]).splitlines() == out.getvalue().splitlines(), file["kind"]
        assert file["rows"] == len(out.getvalue().splitlines()) - 1 > 0  # the demo has them all
        assert file["columns"] == out.getvalue().splitlines()[0].split(",")
    readme = text(book, "README.txt")
    assert "ASPIRE" in readme and f"publications.csv: {manifest['files'][8]['rows']}" in readme


def test_it_gives_a_key_what_its_lists_give(keyed):
    program = ProgramFactory(code="P")
    accepted = ReportFactory(project__proposal__call__program=program, status="accepted")
    draft = ReportFactory(project__proposal__call__program=program, status="draft")
    ExchangeFactory(report=accepted, person="Hanako Sato")
    ExchangeFactory(report=draft, person="Draft Person")
    PaperFactory(report=accepted, title="Handed in")
    PaperFactory(report=draft, title="Still a draft")
    ReviewFactory(proposal=accepted.project.proposal, score=6)
    SurveyFactory(project=accepted.project)
    book = opened(keyed.get("/api/v1/programs/P/archive/"))
    manifest = json.loads(book.read("manifest.json"))
    assert manifest["left_out"] == ["reviews", "surveys"]  # staff only, as their lists
    assert "reviews.csv" not in book.namelist() and "surveys.csv" not in book.namelist()
    exchanges = text(book, "exchanges.csv").splitlines()
    assert len(exchanges) == 2 and "person" not in exchanges[0]  # travellers named to staff
    papers = text(book, "publications.csv")
    assert "Handed in" in papers and "Still a draft" not in papers
    # every file is what the key's own download of that list gives
    lists = {"exchanges": "exchanges", "publications": "papers", "projects": "projects"}
    for kind, endpoint in lists.items():
        download = b"".join(keyed.get(f"/api/v1/{endpoint}/?format=csv").streaming_content)
        assert text(book, f"{kind}.csv") == download.decode()
    assert "Left out" in text(book, "README.txt")


def test_it_gives_a_pi_their_own_projects_drafts_and_nothing_of_others():
    program = ProgramFactory(code="P")
    own = ReportFactory(project__proposal__call__program=program, status="draft")
    other = ReportFactory(project__proposal__call__program=program, status="accepted")
    PaperFactory(report=own, title="My draft paper")
    PaperFactory(report=other, title="Their paper")
    pi = MemberFactory(project=own.project).user
    api = Client()
    sign_in(api, pi)
    book = opened(api.get("/api/v1/programs/P/archive/"))
    papers = text(book, "publications.csv")
    assert "My draft paper" in papers and "Their paper" not in papers
    projects = text(book, "projects.csv")
    assert own.project.code in projects and other.project.code not in projects


def test_it_holds_a_program_only_its_own_rows(staff):
    ours, theirs = ProgramFactory(code="OURS"), ProgramFactory(code="THEIRS")
    PaperFactory(report__project__proposal__call__program=ours, title="Ours")
    PaperFactory(report__project__proposal__call__program=theirs, title="Theirs")
    book = opened(staff.get("/api/v1/programs/OURS/archive/"))
    assert "Ours" in text(book, "publications.csv")
    assert "Theirs" not in "".join(text(book, name) for name in book.namelist())


def test_it_answers_404_to_a_key_of_other_programs():
    ours, theirs = ProgramFactory(code="OURS"), ProgramFactory(code="THEIRS")
    api = keyed_client("scoped", programs=[theirs])
    response = api.get("/api/v1/programs/OURS/archive/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
    assert api.get("/api/v1/programs/THEIRS/archive/").status_code == 200
    assert ours.code == "OURS"


def test_it_answers_an_unknown_program_with_404_in_json(keyed):
    response = keyed.get("/api/v1/programs/NOPE/archive/?format=xlsx")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_it_refuses_what_it_does_not_know_naming_it(keyed):
    ProgramFactory(code="P")
    for query, parameter in [("format=jsonl", "format"), ("since=2024", "since")]:
        response = keyed.get(f"/api/v1/programs/P/archive/?{query}")
        assert response.status_code == 400 and set(response.json()) == {parameter}


def test_it_refuses_callers_without_a_key_or_session(client):
    ProgramFactory(code="P")
    assert client.get("/api/v1/programs/P/archive/").status_code == 401


def test_it_answers_406_to_an_accept_it_cannot_give(keyed):
    ProgramFactory(code="P")
    refused = keyed.get("/api/v1/programs/P/archive/", HTTP_ACCEPT="text/csv")
    assert refused.status_code == 406
    accepted = keyed.get("/api/v1/programs/P/archive/?format=xlsx", HTTP_ACCEPT="application/zip")
    assert accepted.status_code == 200


def test_it_puts_xlsx_files_inside_when_asked(keyed):
    program = ProgramFactory(code="P")
    TargetFactory(program=program, indicator="g1.proposals", fiscal_year=2025, value=12)
    book = opened(keyed.get("/api/v1/programs/P/archive/?format=xlsx"))
    assert "targets.xlsx" in book.namelist() and "targets.csv" not in book.namelist()
    sheet = openpyxl.load_workbook(io.BytesIO(book.read("targets.xlsx"))).active
    assert [cell.value for cell in sheet[2]] == ["P", "g1.proposals", 2025, 12]
    assert json.loads(book.read("manifest.json"))["format"] == "xlsx"


def test_it_archives_an_empty_program_with_headers_only(keyed):
    ProgramFactory(code="P")
    book = opened(keyed.get("/api/v1/programs/P/archive/"))
    assert text(book, "hubs.csv") == "project,name,country,established_on,closed_on\n"


def test_it_archives_every_kind_the_api_lists_in_the_contracts_order():
    assert [viewset.kind for viewset in VIEWSETS] == ARCHIVED


def _build(program, rows: int) -> None:
    """`rows` records of every kind of the archive, all of one program."""
    for n in range(rows):
        project = ProjectFactory(proposal__call__program=program)
        report = ReportFactory(project=project, status="accepted")
        project.budgets.create(fiscal_year=2024, amount_yen=1000 + n)
        ReviewFactory(proposal=project.proposal, score=6)
        TargetFactory(program=program, fiscal_year=2024 + n)
        PaperFactory(report=report)
        PresentationFactory(report=report)
        EventFactory(report=report)
        ExchangeFactory(report=report)
        LabStatisticFactory(report=report)
        HubFactory(project=project)
        SurveyFactory(project=project)
        project.proposal.call.partner_agencies.add(program.managing_agency)


def _queries(api, program, rows: int) -> tuple[int, dict]:
    _build(program, rows)
    with CaptureQueriesContext(connection) as captured:
        book = opened(api.get(f"/api/v1/programs/{program.code}/archive/"))
    files = json.loads(book.read("manifest.json"))["files"]
    counts = {file["kind"]: file["rows"] for file in files}
    return len(captured), counts


def test_it_reads_an_archive_in_a_fixed_number_of_queries(staff):
    staff.get("/api/v1/agencies/")  # the session's first use is recorded once
    small, small_counts = _queries(staff, ProgramFactory(code="SMALL"), 2)
    large, large_counts = _queries(staff, ProgramFactory(code="LARGE"), 12)
    assert small_counts["publications"] == 2 and large_counts["publications"] == 12
    assert large_counts["surveys"] == large_counts["reviews"] == 12
    assert small == large


def test_it_documents_the_archive_as_a_zip_file(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/programs/{code}/archive/"]["get"]
    ok = operation["responses"]["200"]["content"]
    assert ok == {"application/zip": {"schema": {"type": "string", "format": "binary"}}}
    assert {"400", "401", "403", "404", "406", "429"} <= set(operation["responses"])
    formats = [p for p in operation["parameters"] if p["name"] == "format"]
    assert formats[0]["schema"]["enum"] == ["csv", "xlsx"]


@pytest.mark.django_db(transaction=True)
def test_it_reads_every_file_in_one_read_only_snapshot(keyed):
    """Outside a test's transaction the archive opens its own, repeatable read, so that
    its files agree with each other whatever is written meanwhile."""
    PaperFactory(report__project__proposal__call__program=ProgramFactory(code="P"))
    with CaptureQueriesContext(connection) as captured:
        book = opened(keyed.get("/api/v1/programs/P/archive/"))
    assert any("REPEATABLE READ" in query["sql"] for query in captured.captured_queries)
    assert len(text(book, "publications.csv").splitlines()) == 2
