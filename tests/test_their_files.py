"""Files as officers and PIs have them (issue 13, item 4; issue 15's upload): Japanese
Excel's Shift_JIS CSV, the pages' Japanese labels as headers, dates as Japanese offices
write them, full-width digits and choices by their Japanese label, through every door that
reads a file: the staff import, the command and the PI's upload."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from calls.models import ProposalStatus, Review
from exchange import cells
from exchange.services import import_file
from projects.models import Paper, Presentation, ReportStatus
from tests.conftest import sign_in
from tests.factories import (
    MemberFactory,
    ProjectFactory,
    ProposalFactory,
    ReportFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "cell",
    [
        "2024-04-01",
        "2024/4/1",
        "2024/04/01",
        "2024.4.1",
        "2024年4月1日",
        "20240401",
        "45383",  # Excel's serial day number of 2024-04-01
        "R6.4.1",
        "r6/4/1",
        "令和6年4月1日",
        "２０２４／４／１",  # full-width, as an IME types it
        " 2024-04-01 ",
    ],
)
def test_it_reads_every_spelling_of_a_date(cell):
    assert cells.date(cell) == datetime.date(2024, 4, 1)


def test_it_reads_the_first_year_of_an_era_and_refuses_a_date_before_it():
    assert cells.date("令和元年5月1日") == datetime.date(2019, 5, 1)
    assert cells.date("H31.4.30") == datetime.date(2019, 4, 30)
    with pytest.raises(cells.CellError, match="R6.4.1"):
        cells.date("令和1年4月1日")  # still 平成 then: no such date
    with pytest.raises(cells.CellError):
        cells.date("2024/13/1")


@pytest.mark.parametrize(
    "cell", ["2024", "２０２４", "FY2024", "FY2024 (令和6年度)", "令和6年度", "R6"]
)
def test_it_reads_a_fiscal_year_as_the_pages_and_offices_write_it(cell):
    assert cells.year(cell) == 2024


def test_it_reads_numbers_with_full_width_digits_and_thousands():
    assert cells.integer("１２") == 12
    assert cells.integer("30,000,000") == 30_000_000
    assert cells.decimal("７．５") == Decimal("7.5")
    with pytest.raises(cells.CellError):
        cells.integer("1,00")  # no grouping of thousands: a typo, not a number


def test_it_reads_japanese_yes_and_no_and_country_names():
    assert [cells.boolean(cell) for cell in ["はい", "いいえ", "有", "無", "○", "×"]] == [
        True,
        False,
        True,
        False,
        True,
        False,
    ]
    assert [cells.country(cell) for cell in ["ドイツ", "Germany", "de", "ＤＥ"]] == ["DE"] * 4
    with pytest.raises(cells.CellError, match="ISO code"):
        cells.country("ゲルマニア")


def test_it_reads_a_choice_by_its_label_in_either_language():
    parse = cells.choice_of(ProposalStatus)
    assert [parse(cell) for cell in ["不採択", "rejected", "Rejected", "審査中"]] == [
        "rejected",
        "rejected",
        "rejected",
        "under_review",
    ]
    with pytest.raises(cells.CellError, match="is not one of"):
        parse("保留")


def sjis(text: str) -> bytes:
    """A CSV as Japanese Excel saves it: cp932, CRLF, no BOM."""
    return text.replace("\n", "\r\n").encode("cp932")


def test_it_imports_a_shift_jis_file_headed_with_the_pages_labels():
    """The reviews file of the issue: 受付番号, 査読者, 評点 as the review pages label them."""
    proposal = ProposalFactory()
    reviewer = UserFactory(roles=["reviewer"], email="takahashi@example.jp")
    row = f"{proposal.ref},{reviewer.email},７,髙い独創性①\n"
    content = sjis("受付番号,査読者,評点,コメント\n" + row)
    result = import_file("reviews", content, "査読結果.csv")
    assert (result.created, result.errors) == (1, [])
    review = Review.objects.get()
    assert (review.proposal, review.reviewer, review.score) == (proposal, reviewer, 7)
    assert review.comment == "髙い独創性①"  # cp932's own characters, which Shift_JIS lacks


def test_it_imports_papers_headed_as_pis_head_them():
    project = ProjectFactory()
    header = "課題番号,年度,DOI,論文名,雑誌名,発行日,国際共著\n"
    row = f"{project.code},令和6年度,10.1/x,Cells in space,Nature,R6.6.1,はい\n"
    result = import_file("publications", sjis(header + row), "業績.csv")
    assert (result.created, result.errors) == (1, [])
    paper = Paper.objects.get()
    assert (paper.report.fiscal_year, paper.published_on) == (2024, datetime.date(2024, 6, 1))
    assert (paper.journal, paper.international_coauthored) == ("Nature", True)


def test_it_refuses_two_headers_naming_one_column_and_writes_nothing():
    project = ProjectFactory()
    header = "project,fiscal_year,title,論文名,published_on,international_coauthored\n"
    row = f"{project.code},2024,A,B,2024-06-01,yes\n"
    result = import_file("publications", (header + row).encode(), "papers.csv")
    assert result.errors == ["row 1, column 論文名: this column and title both name title."]
    assert Paper.objects.count() == 0


def test_it_still_names_an_unknown_column():
    project = ProjectFactory()
    header = "課題番号,年度,論文名,発行日,国際共著,査読有無\n"
    row = f"{project.code},2024,A,2024-06-01,yes,有\n"
    result = import_file("publications", (header + row).encode(), "papers.csv")
    assert result.errors == ["row 1, column 査読有無: unknown column (a typo would lose data)."]


def test_it_reads_a_shift_jis_file_through_the_import_command(tmp_path):
    project = ProjectFactory()
    path = tmp_path / "talks.csv"
    header = "課題番号,年度,演題,学会名,国,発表日,国際学会\n"
    path.write_bytes(sjis(header + f"{project.code},2024,招待講演,JSCB,ドイツ,2024/9/1,有\n"))
    call_command("import_data", "presentations", str(path), stdout=io.StringIO())
    talk = Presentation.objects.get()
    assert (talk.country.code, talk.presented_on) == ("DE", datetime.date(2024, 9, 1))


def test_it_takes_a_pis_shift_jis_file_without_project_columns(client):
    """The PI's upload: the file is of this report, so project and year may be left out."""
    report = ReportFactory(status=ReportStatus.DRAFT)
    pi = MemberFactory(project=report.project).user
    content = io.BytesIO(sjis("論文名,雑誌名,発行日,国際共著\n第一報,Cell,2024/6/1,はい\n\n"))
    content.name = "論文.csv"
    sign_in(client, pi)
    url = reverse("report_upload", args=[report.pk, "papers"])
    response = client.post(url, {"file": content}, follow=True)
    assert "論文.csv: 1 added, 0 updated, 0 unchanged." in response.text
    paper = Paper.objects.get()
    assert (paper.report, paper.title, paper.journal) == (report, "第一報", "Cell")


def test_it_refuses_a_pis_file_of_another_year_written_in_japanese(client):
    report = ReportFactory(status=ReportStatus.DRAFT)
    pi = MemberFactory(project=report.project).user
    content = io.BytesIO(sjis("年度,論文名,発行日,国際共著\n令和5年度,第一報,2023/6/1,はい\n"))
    content.name = "論文.csv"
    sign_in(client, pi)
    url = reverse("report_upload", args=[report.pk, "papers"])
    response = client.post(url, {"file": content}, follow=True)
    assert "this report is of fiscal year 2024." in response.text
    assert Paper.objects.count() == 0
