"""Limits of what a file may hold, checked before it is parsed (issue 12, exchange/limits.py):
a zip bomb is refused from the zip's directory, a file of too many rows, cells or bytes
with one message naming the limit; nothing is written, at every door."""

import io
import os
import time
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from exchange.services import import_file, read_table, write_xlsx
from programs.models import FundingAgency
from projects.models import Paper, ReportStatus
from tests.factories import MemberFactory, ReportFactory

# Imports and uploads are jobs: here they run in the request, as in the demo.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jobs_in_process")]

AGENCIES = "code,name,name_ja,country\n"
SHEET = "xl/worksheets/sheet1.xml"
ROW = b'<row><c t="inlineStr"><is><t>=HYPERLINK("http://evil.example")</t></is></c></row>'


def upload(content: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def zip_bomb(unpacked_mb: int = 500, size_mb: float = 4) -> bytes:
    """A workbook of ours whose sheet is `unpacked_mb` MB of XML, padded with a picture of
    noise to `size_mb` MB: what the review uploaded (4 MB holding 930 MB of XML)."""
    ours = zipfile.ZipFile(io.BytesIO(write_xlsx([["code", "name", "name_ja", "country"]])))
    out = io.BytesIO()
    chunk = ROW * (1024 * 1024 // len(ROW))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in ours.infolist():
            if member.filename != SHEET:
                bomb.writestr(member, ours.read(member))
        with bomb.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/')
            sheet.write(b'2006/main"><sheetData>')
            for _ in range(unpacked_mb):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
        padding = int(size_mb * 1024 * 1024) - out.tell()
        bomb.writestr("xl/media/image1.png", os.urandom(max(padding, 0)), zipfile.ZIP_STORED)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb()


def test_it_refuses_a_zip_bomb_from_its_directory_without_unpacking_it(bomb):
    assert 3.5 * 2**20 < len(bomb) < 4.5 * 2**20
    unpacked = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(bomb)).infolist())
    assert unpacked > 500 * 2**20  # hundreds of MB of XML
    started = time.perf_counter()
    result = import_file("agencies", bomb, "agencies.xlsx")
    seconds = time.perf_counter() - started
    # Unpacking and parsing it took 30 s; its directory is read in milliseconds.
    assert seconds < 1, seconds
    assert len(result.errors) == 1
    assert result.errors[0].startswith("The workbook unpacks to 502.3\xa0MB; at most 300.0\xa0MB")
    assert not FundingAgency.objects.exists()


def test_it_refuses_a_member_that_unpacks_absurdly_even_within_the_total(settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 10**9
    result = import_file("agencies", zip_bomb(unpacked_mb=50, size_mb=0.5), "agencies.xlsx")
    [error] = result.errors
    assert error.startswith("The workbook's part xl/worksheets/sheet1.xml unpacks 29")
    assert error.endswith(
        "times larger than it is stored, which no spreadsheet does (at most 100 times): "
        "it is refused as a zip bomb."
    )


def test_it_reads_a_workbook_within_the_limits():
    header = ["code", "name", "name_ja", "country"]
    rows = [header, *([f"A{n}", "Agency", "", "US"] for n in range(3))]
    assert len(read_table(write_xlsx(rows), "agencies.xlsx")) == 3


def test_it_shows_the_zip_bomb_refused_in_the_admin_preview(admin_client, bomb):
    url = reverse("exchange:import", args=["agencies"])
    response = admin_client.post(url, {"file": upload(bomb, "agencies.xlsx")}, follow=True)
    assert response.status_code == 400
    assert "The workbook unpacks to 502.3\xa0MB; at most 300.0\xa0MB" in response.text
    assert 'name="token"' not in response.text
    assert not FundingAgency.objects.exists()


def test_it_shows_the_zip_bomb_refused_to_a_pi(client, bomb):
    report = ReportFactory(status=ReportStatus.DRAFT)
    client.force_login(MemberFactory(project=report.project).user)
    response = client.post(
        reverse("report_upload", args=[report.pk, "papers"]),
        {"file": upload(bomb, "papers.xlsx")},
        follow=True,
    )
    assert "The workbook unpacks to 502.3\xa0MB; at most 300.0\xa0MB" in response.text
    assert not Paper.objects.exists()


def test_it_counts_rows_and_stops_reading_at_the_first_one_over(settings):
    settings.IMPORT_MAX_ROWS = 10
    rows = "".join(f"A{n},Agency,,US\n" for n in range(10))
    assert import_file("agencies", (AGENCIES + rows).encode(), "a.csv").created == 10
    result = import_file("agencies", (AGENCIES + rows + "B,Agency,,US\n").encode(), "a.csv")
    assert result.errors == ["The file has more than 10 rows; split it into smaller files."]
    assert FundingAgency.objects.count() == 10  # the first file's, and nothing of the second


def test_it_refuses_a_million_empty_lines_without_reading_them_all():
    started = time.perf_counter()
    result = import_file("agencies", (AGENCIES + "\n" * 1_000_000).encode(), "a.csv")
    assert result.errors == ["The file has more than 200,000 rows; split it into smaller files."]
    assert time.perf_counter() - started < 5


def test_it_counts_the_cells_of_a_workbook_as_read(settings):
    settings.IMPORT_MAX_CELLS = 40
    header = ["code", "name", "name_ja", "country"]
    fine = write_xlsx([header, *([f"A{n}", "Agency", "", "US"] for n in range(9))])
    assert len(read_table(fine, "a.xlsx")) == 9
    wide = write_xlsx([header, *([f"A{n}", "Agency", "", "US"] for n in range(10))])
    assert import_file("agencies", wide, "a.xlsx").errors == [
        "The file has more than 40 cells; split it into smaller files "
        "(or remove the blank columns at its right)."
    ]


def test_it_refuses_a_csv_line_longer_than_any_row():
    line = "," * 3_000_000
    result = import_file("agencies", (AGENCIES + line + "\n").encode(), "a.csv")
    assert result.errors == ["Line 2 of the file is longer than 2,000,000 characters."]


def test_it_refuses_a_file_over_the_size_limit_at_every_door(settings, tmp_path, admin_client):
    settings.IMPORT_MAX_BYTES = 1024
    content = (AGENCIES + "".join(f"A{n},Agency,,US\n" for n in range(200))).encode()
    message = "The file is 3.0\xa0KB; at most 1.0\xa0KB may be imported at once."
    assert import_file("agencies", content, "a.csv").errors == [message]
    path = tmp_path / "agencies.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError) as failure:
        call_command("import_data", "agencies", str(path))
    assert str(failure.value) == message
    url = reverse("exchange:import", args=["agencies"])
    response = admin_client.post(url, {"file": upload(content, "agencies.csv")})
    assert response.status_code == 400 and "at most 1.0\xa0KB" in response.text
    assert not FundingAgency.objects.exists()


def test_it_reads_rows_as_wide_as_their_cells_whatever_the_sheet_claims():
    """A sheet may state its dimension as A1:XFD1048576: every row would be 16,384 cells."""
    content = write_xlsx([["code", "name", "name_ja", "country"], ["NIH", "NIH", "", "US"]])
    ours = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as lying:
        for member in ours.infolist():
            data = ours.read(member)
            if member.filename == SHEET:
                data = data.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>')
                assert b"XFD1048576" in data
            lying.writestr(member, data)
    result = import_file("agencies", out.getvalue(), "agencies.xlsx")
    assert (result.errors, result.created) == ([], 1)
