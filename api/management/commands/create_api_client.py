import argparse
import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from api.models import APIClient
from api.services import create_client
from programs.models import Program


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a date as YYYY-MM-DD, not {text!r}") from None


class Command(BaseCommand):
    help = (
        "Create an API client; its key is printed alone on the last line, and only once. "
        "What the key may do is fixed: for more rights, make another key."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("name")
        parser.add_argument("--write", action="store_true", help="allow writes, not only reads")
        parser.add_argument(
            "--expires",
            type=_day,
            metavar="YYYY-MM-DD",
            help="the last day the key works (default: API_KEY_DAYS days from now)",
        )
        parser.add_argument(
            "--program",
            action="append",
            default=[],
            metavar="CODE",
            help="read only this program's data (repeat for several; default: every program)",
        )

    def handle(self, *args, name: str, write: bool, expires, program: list[str], **options):
        if APIClient.objects.filter(name=name).exists():
            raise CommandError(f"An API client named {name!r} exists already.", returncode=2)
        programs = list(Program.objects.filter(code__in=program))
        unknown = sorted(set(program) - {p.code for p in programs})
        if unknown:
            raise CommandError(f"Unknown program(s): {', '.join(unknown)}.", returncode=2)
        try:
            client, key = create_client(
                name, can_write=write, expires_at=_end_of(expires), programs=programs
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from None
        rights = "read and write" if write else "read only"
        scope = ", ".join(sorted(p.code for p in programs)) or "every program"
        expiry = timezone.localtime(client.expires_at).strftime("%Y-%m-%d %H:%M")
        self.stdout.write(
            f"Created API client {client.name!r} ({rights}; {scope}; until {expiry}). "
            "Its key, shown once:"
        )
        self.stdout.write(key)


def _end_of(day: datetime.date | None) -> datetime.datetime | None:
    """The key works through the whole of its last day, in Aspire's time zone."""
    if day is None:
        return None
    next_day = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(next_day)
