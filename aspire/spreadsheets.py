"""Cells that a spreadsheet shows as written and never runs (formula injection).

Excel and LibreOffice take text starting with `=`, `+`, `-` or `@` (or a tab or a carriage
return) for a formula: a title `=HYPERLINK(...)` typed by anyone who may type a title would
run on the machine of whoever opens the export. Every CSV and XLSX that Aspire writes goes
through here:

- XLSX: a text cell is typed as a string, so it holds the text exactly and is never a
  formula (openpyxl writes a `str` starting with `=` as one unless told otherwise).
- CSV has no types: a text cell that could start a formula gets a leading apostrophe (the
  OWASP convention), a plain number such as `-3.5` stays as it is. `unguard` takes the
  apostrophe off again when we read a CSV, so that an export imports back unchanged.

A cell already starting with apostrophes before such a character gets one more, so that
`unguard(guard(text)) == text` for every text, even one a person typed as `'=1`.

A worksheet's XML cannot hold control characters (openpyxl refuses them, and would have
failed the whole export) and reads a carriage return as a line feed: those are written as
Excel writes them, `_x0007_`, and `xlsx_text` reads them back; a text that holds such an
escape itself is escaped once more (`_x005F_x0007_`), so every text comes back exact.
"""

import re
from collections.abc import Iterable

from openpyxl.cell import Cell, WriteOnlyCell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\r"  # XML 1.0 has no place for them
_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")
# One pass over the text: a control character becomes _xHHHH_, and an underscore that would
# read as the start of such an escape (before another _ or a control character) _x005F_.
_TO_ESCAPE = re.compile(rf"[{_CONTROL}]|_(?=x[0-9A-Fa-f]{{4}}[_{_CONTROL}])")


def _could_start_formula(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_START)


def guard(text: str) -> str:
    """A CSV cell's text, with an apostrophe first where a spreadsheet would see a formula."""
    if _could_start_formula(text) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def unguard(text: str) -> str:
    """The text `guard` was given: one apostrophe less where it added one."""
    if text.startswith("'") and _could_start_formula(text):
        return text[1:]
    return text


def csv_row(values: Iterable) -> list[str]:
    """A row for csv.writer: every value as guarded text (None as an empty cell)."""
    return [guard("" if value is None else str(value)) for value in values]


def xlsx_row(sheet, values: Iterable) -> list[Cell]:
    """A row for `sheet.append` (a write-only sheet or not): text typed as strings, numbers
    and dates as themselves."""
    cells = []
    for value in values:
        text = isinstance(value, str)
        cell = WriteOnlyCell(sheet, _xlsx_escape(value) if text else value)  # `append` places it
        if text:
            cell.data_type = "s"  # never "f": the text is shown, not evaluated
        cells.append(cell)
    return cells


def _xlsx_escape(text: str) -> str:
    return _TO_ESCAPE.sub(lambda found: f"_x{ord(found.group(0)):04X}_", text)


def xlsx_text(text: str) -> str:
    """The text of a worksheet's cell as it was written (by us or by Excel)."""
    return _ESCAPE.sub(lambda found: chr(int(found.group(0)[2:6], 16)), text)
