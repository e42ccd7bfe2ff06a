"""How fast the API importer writes: questions per second, first import and re-import.

Imports the 2,185-question September 2024 sample into a throwaway database a
few times (emptied before each first import) and prints the median rate in
three modes: history rows copied by the database (what the importer does),
history rows built by django-simple-history's own bulk writer (what
``bulk_create_with_history`` does), and no history at all.

    .venv/bin/python bench/import_rate.py                      # SQLite (temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pqtracker_bench \\
        .venv/bin/python bench/import_rate.py                  # PostgreSQL

The PostgreSQL database named in DATABASE_URL is created for the run and
dropped afterwards, so never point it at a database you want to keep.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "samples" / "commons-2024-09-list.json"


def _postgres_admin(url):
    """A psycopg connection to the server's maintenance database, autocommitting."""
    import dj_database_url
    import psycopg

    settings = dj_database_url.parse(url)
    conninfo = {
        "dbname": "postgres",
        "user": settings.get("USER") or None,
        "password": settings.get("PASSWORD") or None,
        "host": settings.get("HOST") or None,
        "port": settings.get("PORT") or None,
    }
    conn = psycopg.connect(**{k: v for k, v in conninfo.items() if v}, autocommit=True)
    return conn, settings["NAME"]


def _recreate_postgres(url):
    from psycopg import sql

    conn, name = _postgres_admin(url)
    with conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _drop_postgres(url):
    from psycopg import sql

    conn, name = _postgres_admin(url)
    with conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="Imports per mode (default 3).")
    parser.add_argument("--file", type=Path, default=SAMPLE, help="API file to import.")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    tmpdir = None
    if url.startswith(("postgres://", "postgresql://")):
        _recreate_postgres(url)
    else:
        tmpdir = tempfile.TemporaryDirectory(prefix="pqtracker-bench-")
        url = f"sqlite:///{tmpdir.name}/bench.sqlite3"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pqtracker.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from answers.importers import history as history_module
    from answers.importers.api_items import read_api_file
    from answers.importers.api_writer import import_questions

    copy_columns = history_module._copyable_columns

    try:
        call_command("migrate", verbosity=0)
        start = time.perf_counter()
        items = read_api_file(args.file)
        parse_seconds = time.perf_counter() - start
        count = len(items)
        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        print(
            f"file: {args.file.name}, {count} questions; reading and checking it: "
            f"{parse_seconds:.2f} s ({count / parse_seconds:,.0f} per second)"
        )
        print(
            f"{'history rows':<22} {'first import q/s':>17} {'re-import q/s':>14}  "
            f"(median of {args.runs})"
        )
        modes = [
            ("INSERT ... SELECT", True, copy_columns),
            # No copyable columns makes the importer fall back to
            # simple_history's bulk_history_create.
            ("simple_history bulk", True, lambda model: None),
            ("none", False, copy_columns),
        ]
        for label, history, columns in modes:
            history_module._copyable_columns = columns
            first, again = [], []
            for _ in range(args.runs):
                call_command("flush", interactive=False, verbosity=0)
                start = time.perf_counter()
                summary = import_questions(items, history=history)
                first.append(count / (time.perf_counter() - start))
                assert summary.created == count, summary
                start = time.perf_counter()
                summary = import_questions(items, history=history)
                again.append(count / (time.perf_counter() - start))
                assert summary.unchanged == count, summary
            print(
                f"{label:<22} {statistics.median(first):>17,.0f} {statistics.median(again):>14,.0f}"
            )
        history_module._copyable_columns = copy_columns
    finally:
        connection.close()
        if tmpdir is not None:
            tmpdir.cleanup()
        else:
            _drop_postgres(url)


if __name__ == "__main__":
    main()
