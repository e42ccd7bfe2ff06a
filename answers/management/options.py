"""Options shared by the commands that talk to the Parliament APIs."""

import datetime

from django.core.management.base import CommandError

from answers.importers.members import DEFAULT_WORKERS
from answers.importers.parliament_api import DEFAULT_BACKOFF, DEFAULT_TIMEOUT, DEFAULT_TRIES


def parse_date(value):
    """A YYYY-MM-DD option as a date, or a CommandError saying how to write it."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"{value!r} is not a date: give dates as YYYY-MM-DD, e.g. 2024-09-02."
        ) from None


def add_api_arguments(parser, *, what):
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"Seconds to wait for each response (default {DEFAULT_TIMEOUT:g}).",
    )
    parser.add_argument(
        "--tries",
        type=int,
        default=DEFAULT_TRIES,
        help=f"Attempts per request before giving up (default {DEFAULT_TRIES}).",
    )
    parser.add_argument(
        "--backoff",
        type=float,
        default=DEFAULT_BACKOFF,
        help=f"Seconds before the first retry, doubling each time (default {DEFAULT_BACKOFF:g}).",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"{what} fetched at once (default {DEFAULT_WORKERS}).",
    )


def check_api_options(options):
    if options["tries"] < 1:
        raise CommandError("--tries must be at least 1.")
    if options["workers"] < 1:
        raise CommandError("--workers must be at least 1.")
    if options["timeout"] <= 0 or options["backoff"] < 0:
        raise CommandError("--timeout must be positive and --backoff not negative.")
