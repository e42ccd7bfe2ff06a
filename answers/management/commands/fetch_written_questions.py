"""Fetch written questions tabled in a date range from the live Parliament API.

This is how the tracker keeps up with Parliament without anyone saving files:
run it daily (cron) for the last few weeks and new questions, answers,
holding answers turning substantive and corrections all arrive.

It pages the list endpoint, asks the detail endpoint for each question whose
text the list cut short (only those not already held whole), and imports
through the same code as ``import_written_questions``.

All or nothing: every page and every detail is fetched and checked first, and
only then is everything written, in one transaction. A page that is still
failing after the retries, or whose body is malformed, stops the run with a
message naming it, and nothing at all is written; running it again fetches the
range afresh. Running it twice over the same range changes nothing the second
time.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from answers.importers.api_writer import import_questions
from answers.importers.fetching import fetch_items
from answers.importers.members import complete_after_import
from answers.importers.parliament_api import (
    PAGE_SIZE,
    ApiRequestError,
    ParliamentApi,
)
from answers.importers.progress import ProgressBar
from answers.management.options import add_api_arguments, check_api_options, parse_date
from answers.models import House


class Command(BaseCommand):
    help = (
        "Fetch the written questions tabled between two dates from the Parliament Written "
        "Questions API and create or update them. Nothing is written unless the whole range "
        "was fetched and checked."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--tabled-from", required=True, metavar="DATE", help="First tabling date, YYYY-MM-DD."
        )
        parser.add_argument(
            "--tabled-to",
            required=True,
            metavar="DATE",
            help="Last tabling date (inclusive), YYYY-MM-DD.",
        )
        parser.add_argument("--house", choices=House.values, help="Only this House.")
        parser.add_argument(
            "--base-url",
            default=None,
            help="API base URL (default: settings.PARLIAMENT_API_BASE_URL, "
            "from the PARLIAMENT_API_BASE_URL environment variable).",
        )
        add_api_arguments(parser, what="Questions completed from the detail endpoint")
        parser.add_argument(
            "--page-size",
            type=int,
            default=PAGE_SIZE,
            help=f"Questions asked for per list page (default {PAGE_SIZE}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Fetch and check, but write nothing."
        )
        parser.add_argument(
            "--no-members",
            action="store_true",
            help="Do not ask the Parliament Members API for the names of members still known "
            "only by id (run sync_members later).",
        )

    def handle(self, *args, **options):
        tabled_from = parse_date(options["tabled_from"])
        tabled_to = parse_date(options["tabled_to"])
        if tabled_from > tabled_to:
            raise CommandError(f"--tabled-from ({tabled_from}) is after --tabled-to ({tabled_to}).")
        check_api_options(options)
        if options["page_size"] < 1:
            raise CommandError("--page-size must be at least 1.")
        base_url = options["base_url"] or settings.PARLIAMENT_API_BASE_URL
        if not base_url.startswith(("http://", "https://")):
            raise CommandError(f"--base-url {base_url!r} is not an http(s) URL.")
        house = options["house"]

        api = ParliamentApi(
            base_url,
            timeout=options["timeout"],
            tries=options["tries"],
            backoff=options["backoff"],
            on_retry=self._report_retry if options["verbosity"] > 0 else None,
        )
        try:
            with api:
                items, completed = self._fetch(
                    api,
                    tabled_from,
                    tabled_to,
                    house,
                    take=options["page_size"],
                    workers=options["workers"],
                )
        except ApiRequestError as error:
            raise CommandError(f"{error}. Nothing was imported.") from None

        where = f"tabled {tabled_from} to {tabled_to}" + (f" in the {house}" if house else "")
        if options["dry_run"]:
            self.stdout.write(
                f"Dry run: fetched {len(items)} questions {where} ({completed} completed from "
                "the detail endpoint); nothing written."
            )
            return
        bar = ProgressBar(self.stdout, label="Importing", total=len(items))
        summary = import_questions(list(items.values()), progress=bar.update)
        bar.finish()
        self.stdout.write(
            self.style.SUCCESS(
                f"Fetched {len(items)} questions {where} ({completed} completed from the detail "
                f"endpoint): {summary}."
            )
        )
        complete_after_import(
            self,
            enabled=not options["no_members"],
            timeout=options["timeout"],
            tries=options["tries"],
            backoff=options["backoff"],
        )

    def _report_retry(self, url, attempt, problem, delay):
        self.stderr.write(f"GET {url}: {problem}; retrying in {delay:.1f} s (try {attempt + 1}).")

    def _fetch(self, api, tabled_from, tabled_to, house, *, take, workers):
        """Every question of the range, checked and completed: ``({id: ApiQuestion}, completed)``."""
        pages = api.list_pages(tabled_from=tabled_from, tabled_to=tabled_to, house=house, take=take)
        return fetch_items(
            api,
            [pages],
            workers=workers,
            stdout=self.stdout,
            on_missing=lambda message: self.stderr.write(self.style.WARNING(message)),
        )
