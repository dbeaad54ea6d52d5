"""Send the day's reminders now, as the daily job does (for the demo and for operators)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from projects import reminders


class Command(BaseCommand):
    help = "Send the reminders and overdue notices of a day (today in Asia/Tokyo by default)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="the day as YYYY-MM-DD (default: today)")

    def handle(self, *args, date: str | None = None, **options) -> None:
        try:
            day = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date {date!r} is not a day as YYYY-MM-DD") from None
        try:
            sent = reminders.send_reminders(day)
        except reminders.ReminderNotSent as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{sent} reminders of {day.isoformat()} sent.")
