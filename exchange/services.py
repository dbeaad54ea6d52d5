"""Import and export of every kind: the one implementation behind the commands and the admin.

A table is read into rows, one dict a row keyed by the header's column names. An import
is all or nothing: every row is read and checked inside one transaction, each in a
savepoint so that one bad row does not hide the problems of the next, and if any row
has a problem the whole transaction is rolled back and every problem is reported as
`row N, column C: …` (the header is row 1). A dry run (the admin's preview) rolls back
even when every row is fine. A row equal to its record is not saved, so importing a
file twice changes nothing and writes no history.

An export lists a kind in a fixed order with canonical cells (dates ISO, booleans
`true`/`false`, empty for None), so that it imports back unchanged and exports again to
the same bytes.
"""

import csv
import dataclasses
import datetime
import difflib
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO

import charset_normalizer
from django.core.exceptions import FieldError, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.utils import get_column_letter

from accounts.rules import visible_proposals, visible_reports, without_unfunded
from aspire.spreadsheets import csv_row, unguard, xlsx_row, xlsx_text
from calls.models import Proposal, Review
from exchange import cells, limits
from exchange.batches import BATCHED
from exchange.cells import formatted
from exchange.kinds import KINDS, Change, ImportContext, Kind, RowError, header_key
from programs.models import Program
from projects import figures, reporting

Row = dict[str, str]
# Told (rows done, rows in all) as an import works through its rows: the job's progress bar.
Progress = Callable[[int, int], None]
# Rows between two calls of a Progress.
PROGRESS_EVERY = 500


@dataclasses.dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = dataclasses.field(default_factory=list)
    dry_run: bool = False
    # Every update, field by field (the preview lists them), and those of records someone
    # changed after the file was exported: written only when the importer says so.
    changes: list[Change] = dataclasses.field(default_factory=list)
    added: list[tuple[int, str]] = dataclasses.field(default_factory=list)  # (row, record)
    stale: list[Change] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        """Whether the import is in the database now."""
        return self.ok and not self.dry_run

    @property
    def error_count(self) -> int:
        return len(self.errors)

    unlisted_errors = 0  # every problem is listed (a job's stored result lists the first)

    @property
    def added_count(self) -> int:
        return len(self.added)

    @property
    def change_count(self) -> int:
        return len(self.changes)

    @property
    def stale_count(self) -> int:
        return len(self.stale)

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def add_error(self, row: int, column: str, message: str) -> None:
        template = _("row %(row)d, column %(column)s: %(message)s")
        self.errors.append(template % {"row": row, "column": column, "message": message})


class UnreadableFile(ValueError):
    """A file that is no table of the contract; `errors` say why, as row errors do."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _unreadable(row: int, column: str, message: str) -> UnreadableFile:
    result = ImportResult()
    result.add_error(row, column, message)
    return UnreadableFile(result.errors)


# --- Reading files ----------------------------------------------------------------------


class Table(list):
    """The rows of a file, which also knows its header: a file holding a header alone
    still names its columns, and an unknown one is refused even then."""

    def __init__(self, header: list[str], rows: Iterable[Row] = (), exported_at=None):
        super().__init__(rows)
        self.header = [name for name in header if name]
        self.exported_at = exported_at  # when Aspire wrote the file, if it says so


def read_table(file: IO[bytes] | bytes, filename: str) -> Table:
    """The rows of a CSV (UTF-8, with or without BOM) or XLSX file (its first sheet).

    Each row maps the header's column names to the cells as text. Blank rows are kept
    (as blank cells) so that a row's position is its number in the file; a file over the
    limits of exchange/limits.py (checked before and while it is read), a header wider
    than IMPORT_MAX_COLUMNS, a cell beyond the named columns, a column named twice or a
    NUL character (which PostgreSQL cannot store) makes the file unreadable.
    """
    content = file if isinstance(file, bytes) else file.read()
    exported_at = None
    try:
        if filename.lower().endswith(".xlsx"):
            limits.check_archive(content)  # from the zip's directory, before unpacking
            grid, exported_at = _read_xlsx(content)
        else:
            limits.check_size(len(content))
            grid = _read_csv(content)
    except limits.TooLarge as error:
        raise UnreadableFile([str(error)]) from None
    if not grid or not any(cell.strip() for cell in grid[0]):
        raise _unreadable(1, "-", _("the file has no header row."))
    header = [cell.strip() for cell in grid[0]]
    while header and not header[-1]:  # spreadsheets often carry empty columns at the right
        header.pop()
    most = limits.limits().columns
    if len(header) > most:  # first: before anything is done per column
        message = _("the header has %(count)d columns; no kind has more than %(limit)d.")
        raise _unreadable(1, "-", message % {"count": len(header), "limit": most})
    _check_header_names(header)
    rows = (_row(header, cells, number) for number, cells in enumerate(grid[1:], start=2))
    return Table(header, rows, exported_at)


# What a CSV that is not UTF-8 may be: Japanese Excel saves "CSV" as cp932 (Shift_JIS
# with Microsoft's additions: ①, ㈱, 髙); older systems write EUC-JP. Left free to guess,
# charset-normalizer takes a short Japanese file for Chinese or Cyrillic.
LEGACY_ENCODINGS = ["cp932", "euc_jp"]


def _read_csv(content: bytes) -> list[list[str]]:
    text = _decoded(content)
    try:
        # The guard write_csv puts before formula-like text comes off: a round trip.
        return [
            [unguard(cell) for cell in cells]
            for cells in limits.bounded(csv.reader(limits.lines(io.StringIO(text, newline=""))))
        ]
    except csv.Error as error:
        raise _unreadable(1, "-", str(error)) from None


def _decoded(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(content, cp_isolation=LEGACY_ENCODINGS).best()
    if best is None:
        message = _("the file is neither UTF-8 nor Shift_JIS text, nor an .xlsx file.")
        raise _unreadable(1, "-", message)
    return str(best)


def _read_xlsx(content: bytes) -> tuple[list[list[str]], datetime.datetime | None]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise _unreadable(1, "-", _("the file is not a readable .xlsx workbook.")) from None
    try:
        sheet = book.worksheets[0]
        # Rows as wide as their cells, not as the sheet's stated dimension (which a file
        # may state as A1:XFD1048576 to make every row 16,384 cells): limits.bounded counts.
        sheet.reset_dimensions()
        rows = limits.bounded(sheet.iter_rows(values_only=True))
        grid = [[_xlsx_cell(value) for value in row] for row in rows]
        return grid, _exported_at(book)
    finally:
        book.close()


EXPORTED_AT = "aspire-exported-at"  # a custom property of the workbooks write_xlsx makes


def _exported_at(book) -> datetime.datetime | None:
    for prop in book.custom_doc_props.props:
        if prop.name == EXPORTED_AT:
            try:
                return datetime.datetime.fromisoformat(str(prop.value))
            except ValueError:
                return None
    return None


def _xlsx_cell(value) -> str:
    """Cells as a person typed them: dates as YYYY-MM-DD, 3.0 as 3."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return xlsx_text(value)  # _x0007_ as Excel and write_xlsx escape a control character
    return formatted(value)


def _check_header_names(header: list[str]) -> None:
    _check_nul(header, 1, header)
    for position, name in enumerate(header):
        if name and name in header[:position]:
            raise _unreadable(1, name, _("this column is named twice."))


def _check_nul(cells: list[str], number: int, header: list[str]) -> None:
    for position, cell in enumerate(cells):
        if "\x00" in cell:
            named = number > 1 and position < len(header) and header[position]
            column = header[position] if named else str(position + 1)
            raise _unreadable(number, column, _("a NUL character, which no text may hold."))


def _row(header: list[str], cells: list[str], number: int) -> Row:
    if "\x00" in "".join(cells):  # one search a row rather than one a cell
        _check_nul(cells, number, header)
    if len(cells) == len(header) and all(header):  # the usual row: every cell named
        return dict(zip(header, cells, strict=True))
    for position, cell in enumerate(cells):
        unnamed = position >= len(header) or not header[position]
        if unnamed and cell.strip():  # data under no column would be silently dropped
            raise _unreadable(number, str(position + 1), _("a value under no column heading."))
    row = dict.fromkeys((name for name in header if name), "")
    row.update((name, cell) for name, cell in zip(header, cells, strict=False) if name)
    return row


# --- Importing ---------------------------------------------------------------------------


def import_table(
    kind: str,
    rows: list[Row],
    dry_run: bool = False,
    report=None,
    since: datetime.datetime | None = None,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import the rows of one kind, all or nothing; the result holds counts and errors.

    With `dry_run`, everything is checked and counted as for real, then rolled back.
    `report` is the annual report a PI's upload fills (import_for_report). `since` is
    when the file was exported (or previewed): a row that would change a record someone
    changed after that is listed in `stale` and, unless `overwrite`, refused — an older
    file must never silently undo a newer edit. `progress` is told how far it got.
    """
    spec = KINDS[kind]
    result = ImportResult(dry_run=dry_run)
    rows = named_columns(spec, rows, result)
    _check_columns(spec, rows, result)
    if not result.ok:
        return result
    started = timezone.now()
    # Output rows are saved one by one; their figures are refreshed once, for the keys
    # they touched, set-based, at the end of this transaction (projects/figures.py).
    with transaction.atomic(), figures.batched():
        if kind in BATCHED:
            ctx = _import_batched(spec, rows, result, progress)
        else:
            ctx = _import_rows(spec, rows, result, ImportContext(report), progress)
        result.changes, result.added = ctx.changes, ctx.added
        if since is not None and result.ok:
            _check_stale(result, since, started, refuse=not (overwrite or dry_run))
        if dry_run or not result.ok:
            transaction.set_rollback(True)
    return result


def _filled(rows: list[Row], progress: Progress | None = None) -> Iterator[tuple[int, Row]]:
    """The rows that are not blank, with their numbers in the file (the header is row 1)."""
    for number, row in enumerate(rows, start=2):
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(number - 1, len(rows))
        if _is_filled(row):
            yield number, row


def _import_rows(
    kind: Kind, rows: list[Row], result: ImportResult, ctx: ImportContext, progress=None
):
    """One row at a time, each in a savepoint: the way of every kind not batched."""
    for number, row in _filled(rows, progress):
        ctx.start_row(number)
        _import_row(kind, row, ctx, result)
    return ctx


def _check_stale(result: ImportResult, since, started, refuse: bool) -> None:
    """The updates of records whose history shows a change after `since` (by anyone, not
    this import): one query per kind of record. Records without history are not checked."""
    by_model: dict[type, dict] = {}
    for change in result.changes:
        by_model.setdefault(change.model, {})[change.pk] = change
    for model, changes in by_model.items():
        history = getattr(model, "history", None)
        if history is None:
            continue
        later = history.filter(id__in=changes, history_date__gt=since, history_date__lt=started)
        for pk, who, when in later.order_by("history_date").values_list(
            "id", "history_user__email", "history_date"
        ):
            changes[pk].by, changes[pk].at = who or _("someone"), when
    result.stale = [change for change in result.changes if change.at is not None]
    if refuse:
        for change in result.stale:
            message = _(
                "%(record)s was changed by %(who)s on %(when)s, after this file was exported: "
                "confirm that the file's values should replace that change."
            ) % {"record": change.record, "who": change.by, "when": _local(change.at)}
            result.add_error(change.row, "-", message)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _import_batched(kind: Kind, rows: list[Row], result: ImportResult, progress=None) -> None:
    """A batch of rows at a time with a few queries each (exchange/batches.py); where the
    database refuses what the checks let through (a record inserted meanwhile by someone
    else), everything is done again one row at a time, which names the row."""
    ctx = ImportContext()
    try:
        with transaction.atomic():
            BATCHED[kind.name](kind, ctx, result).run(_filled(rows, progress))
    except IntegrityError:
        result.created = result.updated = result.unchanged = 0
        result.errors.clear()
        return _import_rows(kind, rows, result, ImportContext(), progress)
    return ctx


def import_file(
    kind: str,
    file: IO[bytes] | bytes,
    filename: str,
    dry_run=False,
    since=None,
    overwrite=False,
    file_since=True,
    progress: Progress | None = None,
) -> ImportResult:
    """read_table and import_table, an unreadable file being one more kind of problem.
    Changes made after `since` or (with `file_since`) after the file's export, which an
    XLSX of ours records, whichever is earlier, are checked (import_table)."""
    try:
        rows = read_table(file, filename)
    except UnreadableFile as error:
        return ImportResult(errors=error.errors, dry_run=dry_run)
    exported = rows.exported_at if file_since else None
    moments = [moment for moment in (exported, since) if moment is not None]
    since = min(moments) if moments else None
    return import_table(
        kind, rows, dry_run=dry_run, since=since, overwrite=overwrite, progress=progress
    )


def named_columns(kind: Kind, rows: list[Row], result: ImportResult) -> list[Row]:
    """The rows with each header replaced by the name of the column it names, so that a
    sheet headed 論文名, 雑誌名 (or the labels the pages show) imports like one headed
    title, journal. Two headers naming one column are refused; a header naming none is
    kept, for _check_columns to refuse by name."""
    names = kind.header_names()
    header = _header(rows)
    renamed = {name: names.get(header_key(name), name) for name in header}
    if all(name == column for name, column in renamed.items()):
        return rows
    first: dict[str, str] = {}
    for name, column in renamed.items():
        if first.setdefault(column, name) != name:
            message = _("this column and %(other)s both name %(column)s.")
            result.add_error(1, name, message % {"other": first[column], "column": column})
    rows_named = ({renamed[name]: cell for name, cell in row.items()} for row in rows)
    return Table([renamed[name] for name in header], rows_named, getattr(rows, "exported_at", None))


def _header(rows: list[Row]) -> list[str]:
    if isinstance(rows, Table):  # its header, even when no row follows it
        return rows.header
    return list(dict.fromkeys(name for row in rows for name in row))


def _check_columns(kind: Kind, rows: list[Row], result: ImportResult) -> None:
    """Unknown columns are refused (a typo must not drop data); required ones must be there."""
    present = _header(rows)
    known = [column.name for column in kind.columns]
    for name in present:
        if name in kind.computed:  # exported for people to read; never imported
            continue
        if name not in known:
            message = _("unknown column (a typo would lose data).")
            guess = difflib.get_close_matches(name, known, n=1)
            if guess:
                message += " " + _("Did you mean %(name)s?") % {"name": guess[0]}
            result.add_error(1, name, message)
    if rows:
        for column in kind.columns:
            if column.required and column.name not in present:
                result.add_error(1, column.name, _("this required column is missing."))


def _import_row(kind: Kind, row: Row, ctx: ImportContext, result: ImportResult) -> None:
    values = _parse(kind, row, ctx.row, result)
    if values is None:
        return
    errors_before = len(result.errors)
    try:
        with transaction.atomic():  # a savepoint: a failed row leaves the others checkable
            outcome = kind.upsert(values, ctx)
    except RowError as error:
        result.add_error(ctx.row, error.column, str(error))
    except ValidationError as error:
        for column, message in kind.messages(error, values):
            result.add_error(ctx.row, column, message)
    except IntegrityError:  # what full_clean() cannot see, such as a concurrent insert
        message = _("this row clashes with another record.")
        result.add_error(ctx.row, kind.key_column(values), message)
    else:
        result.count(outcome)
    if len(result.errors) > errors_before:
        ctx.row_failed()


def _parse(kind: Kind, row: Row, number: int, result: ImportResult) -> dict | None:
    """The row's values by column, or None when a cell cannot be read."""
    values, problems = kind.parse(row)
    for column, message in problems:
        result.add_error(number, column, message)
    return None if problems else values


# --- Exporting ---------------------------------------------------------------------------


def export_table(
    kind: str,
    program: Program | None = None,
    user=None,
    only=None,
    computed: bool = False,
    typed: bool = False,
    labelled: bool = False,
    ordering: Sequence = (),
) -> tuple[list, list]:
    """The header and rows of one kind, in the order and format an import reads back;
    for a `user`, only what they may see (the committee: handed-in reports' rows).

    `only`: a queryset of the kind's model that narrows the rows (an admin list as it is
    filtered). `computed`: the columns staff read beside the contract's (scores, status),
    which imports skip. `typed`: numbers, dates and booleans as themselves (for XLSX),
    else the canonical text of the contract (for CSV). `labelled`: headers and choices
    as the pages show them in the active language (受付番号, 採択), which imports read
    back as well as the contract's names and codes. `ordering`: the sort of the list
    exported (its order_by terms), kept where the kind's rows know every term of it."""
    header, records = export_records(kind, program, user, only, computed, ordering)
    if labelled:
        spec = KINDS[kind]
        records = (
            {name: spec.shown(name, value) for name, value in values.items()} for values in records
        )
    rows = [[_cell(values[name], typed) for name in header] for values in records]
    if labelled:
        return [KINDS[kind].label(name) for name in header], rows
    return header, rows


def export_records(
    kind: str,
    program: Program | None = None,
    user=None,
    only=None,
    computed: bool = False,
    ordering: Sequence = (),
) -> tuple[list[str], Iterator[dict]]:
    """The header of one kind and its rows as {column: value}, read in chunks as they are
    consumed: export_table's rows, and the API's downloads, which stream them (one
    implementation of the contract's columns)."""
    spec = KINDS[kind]
    header = [column.name for column in spec.columns]
    extra = list(spec.computed) if computed else []
    records = spec.queryset(program)
    if user is not None and hasattr(spec.model, "report"):
        records = visible_reports(user, records)
    if user is not None and spec.model is Proposal:  # the committee: adopted ones only
        records = visible_proposals(user, records)
    if user is not None and spec.model is Review:
        records = without_unfunded(user, records, "proposal")
    if only is not None:
        records = records.filter(pk__in=only.values("pk"))
    records = _sorted(records, ordering)

    def rows() -> Iterator[dict]:
        for obj in records.iterator(chunk_size=2000):
            yield spec.to_row(obj) | {name: spec.computed[name](obj) for name in extra}

    return header + extra, rows()


def _sorted(records: QuerySet, ordering: Sequence) -> QuerySet:
    """The rows in the order of the list they come from (a list ranked by final score
    exports ranked), where the kind's rows know every term of its sort; else in the kind's
    own order. Terms that are expressions are not compared: the kind's order then."""
    if not ordering or not all(isinstance(term, str) for term in ordering):
        return records
    try:
        return records.order_by(*ordering)
    except FieldError:  # sorted by what only the admin list computes (a budget's total)
        return records


def _cell(value, typed: bool):
    if typed and isinstance(value, int | float | Decimal | datetime.date) and value is not None:
        return value  # bool is an int: it stays a boolean
    return formatted(value)


def write_csv(lines: Iterable[Sequence[str]], bom: bool = False) -> bytes:
    """A table (its header, then its rows) as CSV; the BOM lets Excel see UTF-8. Text that
    a spreadsheet would run as a formula is guarded (aspire/spreadsheets.py), and
    _read_csv takes the guard off again."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(csv_row(line) for line in lines)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


def write_xlsx(lines: Iterable[Sequence], title: str | None = None) -> bytes:
    """A table (its header, then its rows) as the first sheet of a workbook, named
    `title`, its header frozen and filtered, its columns as wide as their contents. Text
    stays text, so that codes such as 007 stay as written (and a title such as
    `=HYPERLINK(...)` never becomes a formula); numbers and dates given as such are typed."""
    book = Workbook(write_only=True)
    # When it was written, which Excel keeps: a later import of it finds what changed since.
    stamp = StringProperty(name=EXPORTED_AT, value=timezone.now().isoformat())
    book.custom_doc_props.append(stamp)
    lines = list(lines)
    sheet = book.create_sheet(title=_sheet_title(title) if title else None)
    if lines:
        _layout(sheet, lines)
    for line in lines:
        sheet.append(xlsx_row(sheet, line))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    """Excel's rules for a sheet's name: 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", str(title))[:31] or "Sheet"


def _width(text: str) -> int:
    """Columns a text takes in a spreadsheet: a full-width (Japanese) character two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _layout(sheet, lines: list) -> None:
    """Widths from the longest cell of each column (within reason), the header row frozen
    and an autofilter over the table; set before any row is written (write-only sheets)."""
    for index in range(len(lines[0])):
        longest = max(_width(formatted(line[index])) for line in lines if index < len(line))
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(max(longest, 8), 60) + 2
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(lines[0]))}{len(lines)}"


# --- A PI's upload into one report ------------------------------------------------------


def import_for_report(report, kind: str, rows: list[Row], progress=None) -> ImportResult:
    """Fill a section of one annual report from a file: every row must be of that report.
    A file may leave out the project and fiscal year columns: its rows are the report's."""
    result = ImportResult()
    rows = _of_report(report, named_columns(KINDS[kind], rows, result))
    rows = _without_ready_rows(rows)
    for number, row in enumerate(rows, start=2):
        if not _is_filled(row):
            continue
        if cells.code(row.get("project", "")) != report.project.code:
            message = _("this file may only hold rows of project %(code)s.")
            result.add_error(number, "project", message % {"code": report.project.code})
        if _year_of(row) != report.fiscal_year:
            message = _("this report is of fiscal year %(year)s.")
            result.add_error(number, "fiscal_year", message % {"year": report.fiscal_year})
    if not result.ok:
        return result
    with transaction.atomic():
        reporting.lock(report)  # one upload at a time, and none while it is handed in
        return import_table(kind, rows, report=report, progress=progress)


def _without_ready_rows(rows: list[Row]) -> list[Row]:
    """The rows up to the last one holding more than its project and fiscal year: the
    rows a section template (section_template) made ready and the PI left empty are none."""
    ready = {"project", "fiscal_year"}
    filled = [
        i for i, row in enumerate(rows) if any(v.strip() for k, v in row.items() if k not in ready)
    ]
    return rows[: filled[-1] + 1] if filled else []


def _is_filled(row: Row) -> bool:
    return any(cell.strip() for cell in row.values())


def _year_of(row: Row) -> int | None:
    try:
        return cells.year(row.get("fiscal_year", ""))
    except cells.CellError:
        return None


def _of_report(report, rows: list[Row]) -> list[Row]:
    """The rows with the report's project and fiscal year where the file has no such column."""
    header = _header(rows)
    missing = {"project": report.project.code, "fiscal_year": str(report.fiscal_year)}
    missing = {name: value for name, value in missing.items() if name not in header}
    if not missing:
        return rows
    blank = dict.fromkeys(missing, "")  # a blank line stays blank, and is skipped
    filled = ((missing if _is_filled(row) else blank) | row for row in rows)
    return Table([*missing, *header], filled, getattr(rows, "exported_at", None))


TEMPLATE_ROWS = 300  # rows made ready (project and fiscal year filled in, drop-downs)


def section_template(kind: str, project_code: str, fiscal_year: int) -> bytes:
    """An XLSX for a PI to fill one section of a report offline: the headers as the pages
    label them in the active language (論文名, 雑誌名), the project and fiscal year filled
    in, drop-downs for choices and yes/no; it imports back as it is (named_columns reads
    the labels, cells.choice_of and cells.boolean the choices)."""
    from openpyxl import Workbook as EditableWorkbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    spec = KINDS[kind]
    names = [column.name for column in spec.columns]
    book = EditableWorkbook()
    sheet = book.active
    sheet.title = _sheet_title(str(spec.model._meta.verbose_name_plural))
    sheet.append([spec.label(name) for name in names])
    for _row in range(TEMPLATE_ROWS):
        sheet.append(
            [
                project_code if n == "project" else fiscal_year if n == "fiscal_year" else None
                for n in names
            ]
        )
    yes_no = f'"{_("yes")},{_("no")}"'
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(spec.label(column.name)) * 2 + 2)
        choices = [str(label) for label in spec._choice_labels(column.name).values()]
        if column.parse is cells.boolean:
            formula = yes_no
        elif choices and sum(len(c) + 1 for c in choices) < 250:  # Excel's limit of a list
            formula = '"' + ",".join(c.replace(",", " ") for c in choices) + '"'
        else:
            continue
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
