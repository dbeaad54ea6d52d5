"""Import and export of every kind: one implementation behind the admin and the commands.

An import is all or nothing: every row is read and checked inside one transaction, and
if any row has a problem the transaction is rolled back and every problem is reported as
`row N, column C: …` (the header is row 1). A dry run (the admin's preview) rolls back
even when all rows are fine. A row equal to its record is left untouched, so importing a
file twice changes nothing and writes no history.
"""

import csv
import dataclasses
import datetime
import io

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from exchange.cells import CellError, formatted
from exchange.kinds import KINDS, Kind, References, RowError
from programs.models import Program
from projects import reporting


class ImportFailed(Exception):
    """The file was not imported; `result.errors` says why."""

    def __init__(self, result: "ImportResult"):
        super().__init__("\n".join(result.errors))
        self.result = result


class _Rollback(Exception):
    pass


@dataclasses.dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = dataclasses.field(default_factory=list)

    def add_error(self, row: int, column: str, message: str) -> None:
        self.errors.append(
            _("row %(row)d, column %(column)s: %(message)s")
            % {
                "row": row,
                "column": column,
                "message": message,
            }
        )


# --- Reading files ----------------------------------------------------------------------


def read_table(content: bytes, filename: str) -> list[list[str]]:
    """The rows of a CSV (UTF-8, with or without BOM) or XLSX file (its first sheet)."""
    if filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed(_failure(_("the file is not UTF-8 text, nor an .xlsx file."))) from None
    return list(csv.reader(io.StringIO(text)))


def _read_xlsx(content: bytes) -> list[list[str]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportFailed(_failure(_("the file is not a readable .xlsx workbook."))) from None
    sheet = book.worksheets[0]
    return [[_xlsx_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]


def _xlsx_cell(value) -> str:
    """Cells as a person typed them: dates as YYYY-MM-DD, 3.0 as 3."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return formatted(value)


def _failure(message: str) -> ImportResult:
    result = ImportResult()
    result.add_error(1, "-", message)
    return result


# --- Importing ---------------------------------------------------------------------------


def import_table(kind_name: str, table: list[list[str]], dry_run: bool = False) -> ImportResult:
    """Import the rows of one kind; raises ImportFailed (and writes nothing) on any problem."""
    kind = KINDS[kind_name]
    result = ImportResult()
    header = [cell.strip() for cell in table[0]] if table else []
    _check_header(kind, header, result)
    if result.errors:
        raise ImportFailed(result)
    try:
        with transaction.atomic():
            refs = References()
            for number, cells in enumerate(table[1:], start=2):
                if any(cell.strip() for cell in cells):
                    _import_row(kind, dict(zip(header, cells, strict=False)), number, refs, result)
            if result.errors or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    if result.errors:
        raise ImportFailed(result)
    return result


def _check_header(kind: Kind, header: list[str], result: ImportResult) -> None:
    known = {column.name for column in kind.columns}
    for name in header:
        if name not in known:
            result.add_error(1, name or "?", _("unknown column (a typo would lose data)."))
    for column in kind.columns:
        if column.required and column.name not in header:
            result.add_error(1, column.name, _("this required column is missing."))


def _import_row(kind: Kind, cells: dict, number: int, refs: References, result) -> None:
    values = _parse(kind, cells, number, result)
    if values is None:
        return
    try:
        with transaction.atomic():  # a savepoint: a failed row leaves the others intact
            outcome = _upsert(kind, values, refs)
    except RowError as error:
        result.add_error(number, error.column, str(error))
        return
    except ValidationError as error:
        for field, messages in _messages(error).items():
            column = kind.column_of(field) if field != NON_FIELD_ERRORS else kind.columns[0].name
            for message in messages:
                result.add_error(number, column, message)
        return
    except IntegrityError:
        result.add_error(number, kind.columns[0].name, _("this row clashes with another record."))
        return
    setattr(result, outcome, getattr(result, outcome) + 1)


def _parse(kind: Kind, cells: dict, number: int, result: ImportResult) -> dict | None:
    values, ok = {}, True
    for column in kind.columns:
        cell = cells.get(column.name) or ""
        if column.required and not cell.strip():
            result.add_error(number, column.name, _("a value is required."))
            ok = False
            continue
        try:
            values[column.name] = column.parse(cell)
        except CellError as error:
            result.add_error(number, column.name, str(error))
            ok = False
    return values if ok else None


def _upsert(kind: Kind, values: dict, refs: References) -> str:
    """Create, update or leave the record a row names; returns which."""
    obj = kind.find(values, refs)
    is_new = obj is None
    obj = obj or kind.model()
    before = _state(obj)
    kind.assign(obj, values, refs)
    changed = is_new or _state(obj) != before
    if changed:
        obj.full_clean()
        obj.save()
    extra = kind.after_save(obj, values, refs)
    return "created" if is_new else "updated" if changed or extra else "unchanged"


def _state(obj: models.Model) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def _messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for e in errors for m in e.messages]
            for field, errors in error.error_dict.items()
        }
    return {NON_FIELD_ERRORS: error.messages}


# --- Exporting ---------------------------------------------------------------------------


def export_table(kind_name: str, program: Program | None = None) -> list[list[str]]:
    """The header and rows of one kind, in the order and format an import reads back."""
    kind = KINDS[kind_name]
    header = [column.name for column in kind.columns]
    rows = [
        [formatted(kind.to_row(obj)[name]) for name in header] for obj in kind.queryset(program)
    ]
    return [header, *rows]


def write_csv(table: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    return out.getvalue().encode()


def write_xlsx(table: list[list[str]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in table:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- A PI's upload into one report ------------------------------------------------------


def import_for_report(report, kind_name: str, table: list[list[str]]) -> ImportResult:
    """Fill a section of one annual report from a file: every row must be of that report."""
    header = [cell.strip() for cell in table[0]] if table else []
    result = ImportResult()
    for number, row in enumerate(table[1:], start=2):
        cells = dict(zip(header, row, strict=False))
        if cells.get("project", "").strip() != report.project.code:
            message = _("this file may only hold rows of project %(code)s.")
            result.add_error(number, "project", message % {"code": report.project.code})
        year = cells.get("fiscal_year", str(report.fiscal_year)).strip()
        if year != str(report.fiscal_year):
            message = _("this report is of fiscal year %(year)s.")
            result.add_error(number, "fiscal_year", message % {"year": report.fiscal_year})
    if result.errors:
        raise ImportFailed(result)
    with transaction.atomic():
        imported = import_table(kind_name, table)
        reporting.bump(reporting.lock(report, None))
    return imported
