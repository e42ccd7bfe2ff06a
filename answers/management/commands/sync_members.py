"""Name the members known only by a Parliament id, from the Parliament Members API.

Imports from saved API files (and list pages fetched without expandMember)
know members only by id; this asks the Members API about each, a few at a
time, and writes names, parties, seats, Houses and whether they still sit,
all at once or not at all. ``--all`` refreshes every member with an id (a
new party, a peerage), which is worth doing now and then.
"""

from django.core.management.base import BaseCommand, CommandError

from answers.importers.members import (
    members_api,
    sync_members,
)
from answers.importers.parliament_api import (
    ApiRequestError,
)
from answers.management.options import add_api_arguments, check_api_options


class Command(BaseCommand):
    help = (
        "Fetch the names, parties and seats of members known only by their Parliament id "
        "from the Parliament Members API. Nothing is written unless every member was fetched."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Refresh every member with a Parliament id, not only those without a name.",
        )
        parser.add_argument(
            "--base-url",
            default=None,
            help="Members API base URL (default: settings.PARLIAMENT_MEMBERS_API_BASE_URL, from "
            "the PARLIAMENT_MEMBERS_API_BASE_URL environment variable).",
        )
        add_api_arguments(parser, what="Members")

    def handle(self, *args, **options):
        check_api_options(options)
        base_url = options["base_url"]
        if base_url is not None and not base_url.startswith(("http://", "https://")):
            raise CommandError(f"--base-url {base_url!r} is not an http(s) URL.")
        api = members_api(
            base_url=base_url,
            timeout=options["timeout"],
            tries=options["tries"],
            backoff=options["backoff"],
            on_retry=self._report_retry if options["verbosity"] > 0 else None,
        )
        try:
            with api:
                result = sync_members(api, refresh_all=options["all"], workers=options["workers"])
        except ApiRequestError as error:
            raise CommandError(f"{error}. No member was changed.") from None
        if not result.asked:
            self.stdout.write(
                "Every member already has a name."
                if not options["all"]
                else "No members with a Parliament id."
            )
            return
        self.stdout.write(self.style.SUCCESS(f"Members API: {result} ({api.requests} requests)."))

    def _report_retry(self, url, attempt, problem, delay):
        self.stderr.write(f"GET {url}: {problem}; retrying in {delay:.1f} s (try {attempt + 1}).")
