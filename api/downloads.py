"""Complete downloads: `?format=csv`, `xlsx` or `jsonl` on a list of one of the kinds of
shared/design/data-exchange.md gives every row the list's filters select — not a page —
streamed as it is read, in the contract's columns, natural keys and order, written by
exchange.services.export_records (the one implementation `export_data` uses too).

- CSV is byte for byte what `export_data KIND` writes for the same rows (text cells guarded
  against formulas, aspire/spreadsheets.py), so it imports back.
- JSON Lines: one object a line, numbers as numbers, booleans as booleans, dates ISO,
  empty cells null, a list of codes as a list.
- XLSX: numbers and dates typed; written to a temporary file as rows are read, then sent.

Who sees what is the list's: the rows come from the view's own filtered queryset (the
caller's visibility, the key's programs, the filters); `ordering` does not apply.

A program's archive (`archive`, GET /api/v1/programs/CODE/archive/) is a ZIP of every kind
the caller may read, one such file a kind, written into the response as it is read.
"""

import csv
import dataclasses
import datetime
import decimal
import io
import json
import tempfile
import zipfile
from collections.abc import Iterator

from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries.fields import Country
from openpyxl import Workbook

from aspire.spreadsheets import csv_row, xlsx_row
from exchange.cells import formatted
from exchange.services import _cell, export_records
from programs.models import Program

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/jsonl; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download(kind: str, queryset, fmt: str, drop: tuple[str, ...] = ()):
    """The response streaming every row of `queryset` as `kind`'s table in `fmt`; `drop`
    names columns this caller may not read (personal ones)."""
    header, records = export_records(kind, only=queryset)
    header = [name for name in header if name not in drop]
    name = f"{kind}.{fmt}"
    if fmt == "xlsx":
        response = FileResponse(_xlsx(kind, header, records), as_attachment=True, filename=name)
        response["Content-Type"] = FORMATS["xlsx"]
        response.export_format = fmt  # for the audit log (api/middleware.py)
        return response
    lines = _csv(header, records) if fmt == "csv" else _jsonl(header, records)
    response = StreamingHttpResponse(lines, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.export_format = fmt
    return response


def _csv(header: list[str], records: Iterator[dict]) -> Iterator[bytes]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")

    def line(values) -> bytes:
        writer.writerow(csv_row(values))
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text.encode()

    yield line(header)
    for values in records:
        yield line(_cell(values[name], typed=False) for name in header)


def _json_value(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    if isinstance(value, Country):
        return value.code or None
    if isinstance(value, datetime.date):
        return value.isoformat()
    return formatted(value)


def _jsonl(header: list[str], records: Iterator[dict]) -> Iterator[bytes]:
    for values in records:
        row = {name: _json_value(values[name]) for name in header}
        yield (json.dumps(row, ensure_ascii=False) + "\n").encode()


def _xlsx(kind: str, header: list[str], records: Iterator[dict]):
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=kind[:31])
    sheet.freeze_panes = "A2"
    sheet.append(xlsx_row(sheet, header))
    for values in records:
        sheet.append(xlsx_row(sheet, [_cell(values[name], typed=True) for name in header]))
    file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    book.save(file)
    file.seek(0)
    return file


# --- A program's archive: every kind in one ZIP ------------------------------------------


@dataclasses.dataclass
class Part:
    """One kind of an archive: the rows the caller's list of it would give (`only`, a
    queryset of the kind's model) and the columns they may not read (`drop`)."""

    kind: str
    only: QuerySet
    drop: tuple[str, ...] = ()


ARCHIVE_FORMATS = ("csv", "xlsx")
ZIP = "application/zip"
_FLUSH = 64 * 1024  # bytes gathered before a chunk of the ZIP is sent


def archive(program: Program, parts: list[Part], fmt: str, left_out: list[str]):
    """The response streaming a ZIP of `program`'s rows of every kind in `parts`, one
    `<kind>.<fmt>` each, as `download` writes them (so a CSV is what `export_data KIND
    --program CODE` writes for what the caller may read), and a manifest: README.txt for
    people, manifest.json for machines (kinds, columns, row counts, the time of the data).
    `left_out` names the kinds the caller may not read at all."""
    as_of = timezone.localtime()
    # The README is in the request's language, which may be another by the time it is sent.
    language = translation.get_language()
    chunks = _zip(program, parts, fmt, left_out, as_of, language)
    response = StreamingHttpResponse(chunks, content_type=ZIP)
    name = f"{program.code}-{as_of.date().isoformat()}.zip"
    response["Content-Disposition"] = content_disposition_header(True, name)
    response.export_format = fmt  # for the audit log (api/middleware.py)
    return response


class _Sink(io.RawIOBase):
    """What zipfile writes into, emptied as the response is sent: it cannot seek, so
    zipfile writes each entry's sizes after its data and keeps nothing behind."""

    def __init__(self):
        self.chunks: list[bytes] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        self.size += len(data)
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks, self.size = [], 0
        return data


def _zip(
    program, parts: list[Part], fmt: str, left_out: list[str], as_of, language: str
) -> Iterator[bytes]:
    sink = _Sink()
    files = []
    # One snapshot for every file (where the request is not inside a transaction already,
    # as tests are): the files agree with each other and with `as_of`.
    connection = transaction.get_connection()
    fresh = not connection.in_atomic_block
    with transaction.atomic(), zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as book:
        if fresh:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for part in parts:
            header, records = export_records(part.kind, program, only=part.only)
            header = [name for name in header if name not in part.drop]
            counted = _Counted(records)
            entry = _entry(f"{part.kind}.{fmt}", as_of)
            with book.open(entry, "w") as out:
                if fmt == "xlsx":
                    with _xlsx(part.kind, header, counted) as sheet:
                        while chunk := sheet.read(_FLUSH):
                            out.write(chunk)
                            if sink.size:
                                yield sink.take()
                else:
                    for line in _csv(header, counted):
                        out.write(line)
                        if sink.size >= _FLUSH:
                            yield sink.take()
            file = {"kind": part.kind, "file": entry.filename, "columns": header}
            files.append(file | {"rows": counted.count})
        manifest = {
            "program": program.code,
            "as_of": as_of.isoformat(),
            "format": fmt,
            "files": files,
            "left_out": left_out,
        }
        book.writestr(_entry("manifest.json", as_of), json.dumps(manifest, indent=2) + "\n")
        with translation.override(language):
            readme = _readme(program, files, left_out, as_of)
        book.writestr(_entry("README.txt", as_of), readme)
    yield sink.take()


def _entry(name: str, as_of) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, as_of.timetuple()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


class _Counted:
    """The records of a kind, counted as they are read: the manifest's row counts cost no
    query of their own."""

    def __init__(self, records: Iterator[dict]):
        self.records, self.count = records, 0

    def __iter__(self) -> Iterator[dict]:
        for record in self.records:
            self.count += 1
            yield record


def _readme(program, files: list[dict], left_out: list[str], as_of) -> str:
    lines = [
        _("Aspire: every kind of program %(code)s, as the data stood at %(as_of)s.")
        % {"code": program.code, "as_of": as_of.strftime("%Y-%m-%d %H:%M %Z")},
        _(
            "One file a kind, in the columns of the data-exchange contract; importing them in "
            "this order (import_data) fills an empty database."
        ),
        "",
    ]
    lines += [
        ngettext("%(file)s: %(count)d row", "%(file)s: %(count)d rows", file["rows"])
        % {"file": file["file"], "count": file["rows"]}
        for file in files
    ]
    if left_out:
        message = _("Left out, as the API does not show them to you: %(kinds)s.")
        lines += ["", message % {"kinds": ", ".join(left_out)}]
    return "\n".join(lines) + "\n"
