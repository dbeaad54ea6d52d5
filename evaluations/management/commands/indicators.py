import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.indicators import compute
from programs.models import Program


def parse_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("--as-of must be a date like 2025-03-31, not “%(text)s”.") % {"text": text},
            returncode=2,
        ) from None


class Command(BaseCommand):
    help = "Print the evaluation indicators of a program (shared/design/indicators.md)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("program", help="program code, e.g. ASPIRE")
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--format", choices=["json", "table"], default="json")

    def handle(self, *args, program: str, as_of: str | None, format: str, **options) -> None:
        found = Program.objects.filter(code=program).first()
        if found is None:
            raise CommandError(
                _("There is no program “%(code)s”.") % {"code": program}, returncode=2
            )
        day = parse_date(as_of) if as_of else timezone.localdate()
        document = compute(found, day)
        if format == "json":
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(table(document))


def table(document: dict) -> str:
    lines = [f"{document['program']}  as of {document['as_of']}  (FY{document['fiscal_year']})"]
    for code, row in document["indicators"].items():
        target = row["target"]
        shown = f"{target['value']} (FY{target['fiscal_year']})" if target else "-"
        value = "-" if row["value"] is None else row["value"]
        attainment = "-" if row["attainment_pct"] is None else f"{row['attainment_pct']}%"
        lines.append(f"{code:42} {value!s:>8} {shown:>14} {attainment:>8}  {row['label']}")
    return "\n".join(lines)
