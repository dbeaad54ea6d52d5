"""`?format=csv` for any list: the page's rows, nested fields flattened to dotted names;
text a spreadsheet would run as a formula is guarded (aspire/spreadsheets.py)."""

import csv
import io

from rest_framework.renderers import BaseRenderer

from aspire.spreadsheets import csv_row


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


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, dict) and "results" in data:
            data = data["results"]
        rows = [flatten(row) for row in (data if isinstance(data, list) else [data])]
        header = list(dict.fromkeys(key for row in rows for key in row))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(csv_row(header))
        writer.writerows(csv_row(row.get(name, "") for name in header) for row in rows)
        return out.getvalue().encode()
