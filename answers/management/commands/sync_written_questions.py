"""Bring the tracker up to date with the Parliament Written Questions API.

Run it on a schedule (see the README): each run fetches what changed since
the end of the last successful run (new questions, new and substantive
answers, corrections, withdrawals among recent questions), imports it all in
one transaction, then names new members from the Members API. The first run
needs ``--since``. Every run is recorded with its counts or its error; a
failed run changes nothing, and the next one starts from the last good one.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from answers.importers.api_items import ApiDataError
from answers.importers.api_writer import import_questions
from answers.importers.fetching import fetch_items
from answers.importers.members import members_api, sync_members
from answers.importers.parliament_api import PAGE_SIZE, ApiRequestError, ParliamentApi
from answers.importers.sync import RECHECK_DAYS, last_good_run, window_sources
from answers.management.options import add_api_arguments, check_api_options, parse_date
from answers.models import House, SyncRun


class Command(BaseCommand):
    help = (
        "Fetch the written questions tabled, answered, corrected or withdrawn since the last "
        "successful sync and import them, then name new members. The first run needs --since."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            metavar="DATE",
            help="Start from this date (YYYY-MM-DD) instead of the end of the last successful "
            "sync; needed on the first run.",
        )
        parser.add_argument(
            "--until", metavar="DATE", help="Last date to ask about (default: today)."
        )
        parser.add_argument(
            "--recheck-days",
            type=int,
            default=RECHECK_DAYS,
            help="Also fetch again the questions tabled this many days before the window, to see "
            f"withdrawals (default {RECHECK_DAYS}).",
        )
        parser.add_argument("--house", choices=House.values, help="Only this House.")
        parser.add_argument(
            "--base-url",
            default=None,
            help="Written Questions API base URL (default: settings.PARLIAMENT_API_BASE_URL).",
        )
        parser.add_argument(
            "--page-size",
            type=int,
            default=PAGE_SIZE,
            help=f"Questions asked for per list page (default {PAGE_SIZE}).",
        )
        parser.add_argument(
            "--no-members",
            action="store_true",
            help="Do not ask the Members API for the names of new members.",
        )
        add_api_arguments(parser, what="Questions and members")

    def handle(self, *args, **options):
        check_api_options(options)
        if options["recheck_days"] < 0 or options["page_size"] < 1:
            raise CommandError("--recheck-days must not be negative, --page-size at least 1.")
        base_url = options["base_url"] or settings.PARLIAMENT_API_BASE_URL
        if not base_url.startswith(("http://", "https://")):
            raise CommandError(f"--base-url {base_url!r} is not an http(s) URL.")
        today = timezone.localdate()
        window_to = parse_date(options["until"]) if options["until"] else today
        if options["since"]:
            window_from = parse_date(options["since"])
        else:
            previous = last_good_run()
            if previous is None:
                raise CommandError(
                    "No sync has succeeded yet: give the first date to fetch, e.g. "
                    f"--since {today - datetime.timedelta(days=7)}."
                )
            # The last good run's final day again: it may have ended mid-day.
            window_from = previous.window_to
        if window_from > window_to:
            raise CommandError(f"The window starts ({window_from}) after it ends ({window_to}).")

        run = SyncRun.objects.create(
            started_at=timezone.now(), window_from=window_from, window_to=window_to
        )
        api = ParliamentApi(
            base_url,
            timeout=options["timeout"],
            tries=options["tries"],
            backoff=options["backoff"],
            on_retry=self._report_retry if options["verbosity"] > 0 else None,
        )
        try:
            with api:
                sources = window_sources(
                    api,
                    window_from,
                    window_to,
                    # A start date given by hand is a fresh start: nothing to re-check.
                    recheck_days=0 if options["since"] else options["recheck_days"],
                    house=options["house"],
                    take=options["page_size"],
                )
                items, _ = fetch_items(
                    api,
                    sources,
                    workers=options["workers"],
                    stdout=self.stdout,
                    on_missing=lambda message: self.stderr.write(self.style.WARNING(message)),
                )
            summary = import_questions(list(items.values()))
        except (ApiRequestError, ApiDataError) as error:
            self._fail(run, api, f"{error}")
            raise CommandError(
                f"{error}. Nothing was imported; the next run starts from {window_from}."
            ) from None
        except Exception as error:
            self._fail(run, api, f"{error.__class__.__name__}: {error}")
            raise

        run.added, run.changed, run.unchanged = summary.created, summary.updated, summary.unchanged
        run.requests = api.requests
        members_line = ""
        if not options["no_members"] and settings.MEMBERS_SYNC_AFTER_IMPORT:
            members_line = self._name_members(run, options)
        run.succeeded = True
        run.finished_at = timezone.now()
        run.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Synced {window_from} to {window_to}: {len(items)} questions fetched, "
                f"{summary}; {run.requests} requests.{members_line}"
            )
        )

    def _name_members(self, run, options):
        api = members_api(
            timeout=options["timeout"], tries=options["tries"], backoff=options["backoff"]
        )
        try:
            with api:
                result = sync_members(api, workers=options["workers"])
        except ApiRequestError as error:
            run.requests += api.requests
            self.stderr.write(
                self.style.WARNING(
                    f"Member names not completed ({error}); the questions are kept. "
                    "Run `manage.py sync_members` to complete them later."
                )
            )
            return ""
        run.requests += api.requests
        run.members_named = result.named
        return f" Members named: {result.named}." if result.asked else ""

    def _fail(self, run, api, message):
        run.error = message
        run.requests = api.requests
        run.finished_at = timezone.now()
        run.save()

    def _report_retry(self, url, attempt, problem, delay):
        self.stderr.write(f"GET {url}: {problem}; retrying in {delay:.1f} s (try {attempt + 1}).")
