"""Recompute every department's monthly figures from the questions held.

Writes keep the figures current on their own (``answers.summary``); this is
for after a database was loaded by other means, such as a restored dump.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from answers import summary


class Command(BaseCommand):
    help = "Recompute the per-department, per-month figures the departments pages show."

    def handle(self, *args, **options):
        with transaction.atomic():
            rows = summary.rebuild()
        self.stdout.write(
            self.style.SUCCESS(f"Department figures rebuilt: {rows} department-months.")
        )
