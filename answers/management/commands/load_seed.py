"""Load the first record: the infant mortality question answered by Karin Smyth.

The question is loaded through the same page-text parser and import service
staff use, so a fresh install shows real data that took the real path in.
Running it again changes nothing.
"""

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from answers import services
from answers.importers.page_text import parse_page_text

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


class Command(BaseCommand):
    help = "Load the seed question, its answer and its follow-up actions (idempotent)."

    def handle(self, *args, **options):
        text = (SEED_DIR / "infant-mortality.txt").read_text(encoding="utf-8")
        actions = json.loads(
            (SEED_DIR / "infant-mortality-actions.json").read_text(encoding="utf-8")
        )
        with transaction.atomic():
            summary = services.questions_import_pages(records=parse_page_text(text))
            question = summary.questions[0]
            added = 0
            for item in actions:
                if question.follow_up_actions.filter(title=item["title"]).exists():
                    continue
                services.action_create(
                    question=question,
                    title=item["title"],
                    detail=item.get("detail", ""),
                    organisation=item.get("organisation", ""),
                    due_date=_date(item.get("due_date")),
                    status=item.get("status", "open"),
                    completed_on=_date(item.get("completed_on")),
                    outcome=item.get("outcome", ""),
                    is_public=item.get("is_public", False),
                )
                added += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Seed loaded: question “{question.heading}” ({summary}); "
                f"{added} follow-up action{'s' if added != 1 else ''} added."
            )
        )
