#!/usr/bin/env python
"""Django's command-line utility for PQ Tracker."""

import os
import sys


def _first_line(exc):
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pqtracker.settings")
    import httpx
    from django.core.management import execute_from_command_line
    from django.db import InterfaceError, OperationalError

    # A database or service that cannot be reached is a fact to report in
    # one line, not a traceback to read through; --traceback shows it all.
    try:
        execute_from_command_line(sys.argv)
    except (OperationalError, InterfaceError) as exc:
        if "--traceback" in sys.argv:
            raise
        sys.stderr.write(
            f"Error: the database could not be used ({_first_line(exc)}). Check DATABASE_URL, "
            "that the database server is running and that migrate has been run "
            "(--traceback shows the details).\n"
        )
        sys.exit(1)
    except httpx.HTTPError as exc:
        if "--traceback" in sys.argv:
            raise
        sys.stderr.write(
            f"Error: a web service could not be reached ({_first_line(exc)}); "
            "nothing was changed (--traceback shows the details).\n"
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
