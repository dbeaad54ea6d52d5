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
"""

import csv
import datetime
import decimal
import io
import json
import tempfile
from collections.abc import Iterator

from django.http import FileResponse, StreamingHttpResponse
from django_countries.fields import Country
from openpyxl import Workbook

from aspire.spreadsheets import csv_row, xlsx_row
from exchange.cells import formatted
from exchange.services import _cell, export_records

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
