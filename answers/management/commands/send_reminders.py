"""Email each person one digest of the PQ deadlines due today, tomorrow or missed.

Meant to run once each working morning from a scheduler (cron or a systemd
timer; see the README). Running it more often is harmless: every reminder is
recorded and never sent twice. On a weekend or bank holiday it sends nothing.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from answers.deadlines import is_working_day
from answers.workflow.reminders import send_reminders


class Command(BaseCommand):
    help = "Send the daily digest of answering-process deadlines (each reminder once)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be sent; send and record nothing.",
        )
        parser.add_argument(
            "--date", help="Act as if today were this date (YYYY-MM-DD); for catching up."
        )

    def handle(self, *args, dry_run=False, date=None, **options):
        today = timezone.localdate()
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(
                    f"--date must be a date like 2025-02-12, not {date!r}."
                ) from None
        if not is_working_day(today):
            self.stdout.write(f"{today:%A %-d %B %Y} is not a working day: nothing sent.")
            return
        people, reminders = send_reminders(today, dry_run=dry_run)
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {reminders} reminder{'s' if reminders != 1 else ''} to {people} "
                f"{'person' if people == 1 else 'people'}."
            )
        )
