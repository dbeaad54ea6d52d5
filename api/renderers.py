"""`?format=csv`, `xlsx` and `jsonl` for what no download streams (a record, a page of a list
without a kind of data-exchange.md): nested fields flattened to dotted names; text a
spreadsheet would run as a formula is guarded (aspire/spreadsheets.py). The lists of the
contract's kinds are streamed in full by api/downloads.py instead."""

import csv
import io
import json

from rest_framework.renderers import BaseRenderer

from aspire.spreadsheets import csv_row
from exchange.services import write_xlsx


def flatten(row: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = ";".join(str(item) for item in value)
        else:
            flat[name] = "" if value is None else value
    return flat


def _rows(data) -> list[dict]:
    if isinstance(data, dict) and "results" in data:
        data = data["results"]
    return [row if isinstance(row, dict) else {"value": row} for row in _listed(data)]


def _listed(data) -> list:
    return data if isinstance(data, list) else [data]


def _table(data) -> list[list]:
    rows = [flatten(row) for row in _rows(data)]
    header = list(dict.fromkeys(key for row in rows for key in row))
    return [header, *[[row.get(name, "") for name in header] for row in rows]]


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        out = io.StringIO()
        csv.writer(out).writerows(csv_row(line) for line in _table(data))
        return out.getvalue().encode()


class XLSXRenderer(BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        lines = _table(data)
        if not lines[0]:  # nothing to show (an empty list): an empty sheet
            return write_xlsx([])
        return write_xlsx([lines[0], *[[str(cell) for cell in line] for line in lines[1:]]])


class JSONLinesRenderer(BaseRenderer):
    """One JSON object a line (JSON Lines), what pandas.read_json(lines=True) reads."""

    media_type = "application/jsonl"
    format = "jsonl"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        lines = (json.dumps(row, ensure_ascii=False, default=str) for row in _rows(data))
        return NoLines("".join(f"{line}\n" for line in lines).encode())


class NoLines(bytes):
    """A body that stays a body when empty: DRF drops the Content-Type of a falsy render
    (meant for 204), and a client reading a list of no rows still needs to know its type."""

    def __bool__(self) -> bool:
        return True
