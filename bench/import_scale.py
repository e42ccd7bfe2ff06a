"""Import rate as the table grows, beside a raw COPY of the same question rows.

    .venv/bin/python bench/import_scale.py [--files 3] [--per-file 10000] [--repeat 3]

Makes API list files (the shape ``fetch_written_questions`` saves) from the
real sample month: every question of the sample again under new ids, UINs and
dates, with its answer, holding answer, correction and grouped questions
remapped within the file. Then, with ``import_written_questions``:

1. into an empty database (``pqtracker_import0``, recreated each run), file
   after file: the rate from 0 rows;
2. into a copy of the 1M-question benchmark database, one file: the rate at a
   million rows. The copy (``--million-database``, default
   ``pqtracker_import1m``) is made from ``pqtracker_bench1m`` (built by
   bench/pages.py; ``--million-template`` names another) the first time and
   reused; it is migrated before the run, and the rows the import added are
   deleted afterwards. The benchmark database itself is only read, so page
   timings taken on it are not disturbed.

The import runs with ``--no-members``: the Members API look-up after an
import is a network round trip per unnamed member, not part of the rate.

Beside each, the same question rows (read back from the table) are written
with ``COPY`` into a scratch table with the same columns and indexes but no
triggers or foreign keys, holding the questions held before the import (the
median of three runs, each rolled back): the rate of the database's own bulk
path at that size.

Each import runs ``--repeat`` times (the empty database made afresh, the 1M
copy's added rows deleted between runs), and the table shows the medians,
with each run's import ÷ COPY: one import of ten thousand questions takes
a few seconds, and on a shared machine one run can be a fifth slower or
quicker than the next.
"""

import argparse
import copy
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "samples" / "commons-2024-09-list.json"
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
# Parliament ids and UINs far above the sample's and the generated corpus's.
BASE_ID = 90_000_000


def _shift(value, days):
    if not value:
        return value
    day = datetime.date.fromisoformat(value[:10]) - datetime.timedelta(days=days)
    return day.isoformat() + value[10:]


def make_file(path, number, size):
    """``size`` items from the sample, shifted ``number`` years back, under new ids."""
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    items = []
    offset = BASE_ID + number * 1_000_000
    days = 366 * (number + 1)
    round_ = 0
    while len(items) < size:
        uins = {
            (entry["value"]["uin"], entry["value"]["dateTabled"][:10]): str(
                offset + round_ * 10_000 + i
            )
            for i, entry in enumerate(sample)
        }
        for i, entry in enumerate(sample):
            if len(items) == size:
                break
            value = copy.deepcopy(entry["value"])
            value["id"] = offset + round_ * 10_000 + i
            value["uin"] = uins[(entry["value"]["uin"], entry["value"]["dateTabled"][:10])]
            shift = days + round_ * 7
            for key in ("dateTabled", "dateForAnswer", "dateAnswered", "dateAnswerCorrected",
                        "dateHoldingAnswer"):  # fmt: skip
                value[key] = _shift(value.get(key), shift)
            grouped, dates = [], []
            for named in value.get("groupedQuestionsDates") or []:
                key = (named["questionUin"], (named.get("dateTabled") or "")[:10])
                if key in uins:
                    grouped.append(uins[key])
                    dates.append(
                        {"questionUin": uins[key], "dateTabled": _shift(named["dateTabled"], shift)}
                    )
            value["groupedQuestions"], value["groupedQuestionsDates"] = grouped, dates
            items.append({"value": value, "links": []})
        round_ += 1
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


# --- inside one Django process ------------------------------------------------------


def inside(files):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pqtracker.settings")
    import io

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from answers.models import Question

    results = []
    for name in files:
        held = Question.objects.count()
        newest = Question.objects.order_by("-id").values_list("id", flat=True).first() or 0
        start = time.perf_counter()
        call_command("import_written_questions", name, no_members=True, stdout=io.StringIO())
        seconds = time.perf_counter() - start
        added = Question.objects.count() - held
        results.append(
            {
                "held_before": held,
                "added": added,
                "seconds": seconds,
                "copy": copy_rate(connection, newest),
            }
        )
    return results


def copy_rate(connection, newest, times=3):
    """Rows a second for COPY of the question rows just imported (ids above ``newest``).

    Into a scratch table with the same columns and indexes as the question
    table (no triggers, no foreign keys) that already holds the questions
    held before the import, so that COPY, like the import, adds to indexes
    of that size. The scratch table is kept between runs while it holds the
    same rows, columns and indexes (the 1M copy's is made once: a million
    rows take a minute); each COPY is rolled back. The median of ``times`` runs: one COPY of ten
    thousand rows is over in under a second, and a single run varies by half.
    """
    raw = connection.connection
    rates = []
    with raw.cursor() as cur:
        buffer = bytearray()
        with cur.copy(
            "COPY (SELECT * FROM answers_question WHERE id > %s) TO STDOUT", [newest]
        ) as out:
            for chunk in out:
                buffer += chunk
        rows = buffer.count(b"\n")
        held = cur.execute("SELECT count(*) FROM answers_question WHERE id <= %s", [newest])
        held = held.fetchone()[0]
        exists = cur.execute("SELECT to_regclass('bench_copy_target') IS NOT NULL").fetchone()[0]
        columns = (
            "SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped"
        )
        # Each index's definition, without its name or its table's.
        indexes = (
            "SELECT array_agg(d ORDER BY d) FROM (SELECT regexp_replace("
            "pg_get_indexdef(indexrelid), '^.* USING ', '') AS d "
            "FROM pg_index WHERE indrelid = %s::regclass) AS i"
        )
        if (
            not exists
            or cur.execute("SELECT count(*) FROM bench_copy_target").fetchone()[0] != held
            # A migration since it was made added a column, or changed an index.
            or cur.execute(columns, ["bench_copy_target"]).fetchone()
            != cur.execute(columns, ["answers_question"]).fetchone()
            or cur.execute(indexes, ["bench_copy_target"]).fetchone()
            != cur.execute(indexes, ["answers_question"]).fetchone()
        ):
            cur.execute("DROP TABLE IF EXISTS bench_copy_target")
            cur.execute("CREATE TABLE bench_copy_target (LIKE answers_question INCLUDING ALL)")
            cur.execute(
                "INSERT INTO bench_copy_target SELECT * FROM answers_question WHERE id <= %s",
                [newest],
            )
            cur.execute("ANALYZE bench_copy_target")
        for _ in range(times):
            # Django's connection is in autocommit: the transaction is said.
            with raw.transaction(force_rollback=True):
                start = time.perf_counter()
                with cur.copy("COPY bench_copy_target FROM STDIN") as into:
                    into.write(bytes(buffer))
                seconds = time.perf_counter() - start
            rates.append(rows / seconds if seconds else None)
    return statistics.median(rates)


def cleanup():
    """Delete what the import added to the 1M copy, so that the next run starts alike.

    In SQL, not ``QuerySet.delete()``: that sends a signal per question, and
    each recomputes a department-month of a million-row table.
    """
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pqtracker.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from answers import summary
    from answers.models import Question

    added = Question.objects.filter(parliament_id__gte=BASE_ID)
    cells = {
        summary.cell_of(department_id, date_tabled)
        for department_id, date_tabled in added.values_list("department_id", "date_tabled")
    }
    ids = "SELECT id FROM answers_question WHERE parliament_id >= %s"
    with transaction.atomic(), connection.cursor() as cursor:
        for table, column in [
            ("answers_question_grouped_questions", "from_question_id"),
            ("answers_question_grouped_questions", "to_question_id"),
            ("answers_groupedquestionref", "question_id"),
            ("answers_historicalanswer", "question_id"),
            ("answers_answer", "question_id"),
            ("answers_historicalquestion", "id"),
            ("answers_question", "id"),
        ]:
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({ids})", [BASE_ID])  # noqa: S608
        summary.refresh(cells)
    with connection.cursor() as cursor:
        for table in ("answers_question", "answers_answer", "answers_historicalquestion",
                      "answers_historicalanswer", "answers_question_grouped_questions"):  # fmt: skip
            cursor.execute(f"VACUUM ANALYZE {table}")


def clone(server, name, template, tries=30):
    """Make database ``name`` as a copy of ``template`` unless it exists."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        for attempt in range(tries):
            try:
                conn.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(name), sql.Identifier(template)
                    )
                )
                return
            except psycopg.errors.ObjectInUse:
                # CREATE DATABASE … TEMPLATE needs nobody connected to the
                # template: wait for the page benchmark to let go of it.
                if attempt == tries - 1:
                    raise
                time.sleep(10)


# --- the driver ---------------------------------------------------------------------


def run(url, files):
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "SECRET_KEY": "bench"}
    out = subprocess.run(
        [sys.executable, __file__, "--inside", *map(str, files)],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(out.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3, help="Files into the empty database.")
    parser.add_argument("--per-file", type=int, default=10_000, help="Questions a file.")
    parser.add_argument("--skip-1m", action="store_true", help="Only the empty database.")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="Runs of each import (the empty database made afresh each time); the median is shown.",
    )
    parser.add_argument(
        "--million-database",
        default=os.environ.get("BENCH_MILLION_DATABASE", "pqtracker_import1m"),
        help="The 1M database imported into (made from --million-template if missing).",
    )
    parser.add_argument(
        "--million-template",
        default="pqtracker_bench1m",
        help="The 1M-question database copied when --million-database does not exist.",
    )
    parser.add_argument("--inside", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--cleanup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cleanup:
        cleanup()
        return
    if args.inside is not None:
        json.dump(inside(args.inside), sys.stdout)
        return

    import psycopg
    from psycopg import sql

    base = SERVER.rstrip("/")
    empty = base + "/pqtracker_import0"
    runs = {}  # (where, file number) -> one result a repeat
    with tempfile.TemporaryDirectory(prefix="pqtracker-import-") as tmp:
        files = [make_file(Path(tmp) / f"q{n}.json", n, args.per_file) for n in range(args.files)]
        for _ in range(args.repeat):
            with psycopg.connect(base + "/postgres", autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS pqtracker_import0")
                conn.execute(sql.SQL("CREATE DATABASE pqtracker_import0"))
            subprocess.run(
                [sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"],
                env={**os.environ, "DATABASE_URL": empty},
                check=True,
            )
            for number, result in enumerate(run(empty, files)):
                runs.setdefault(("empty database", number), []).append(result)
        if not args.skip_1m:
            clone(base, args.million_database, args.million_template)
            million = f"{base}/{args.million_database}"
            subprocess.run(
                [sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"],
                env={**os.environ, "DATABASE_URL": million},
                check=True,
            )
            extra = make_file(Path(tmp) / "q1m.json", args.files, args.per_file)
            for _ in range(args.repeat):
                try:
                    for result in run(million, [extra]):
                        runs.setdefault(("1M database (copy)", 0), []).append(result)
                finally:
                    subprocess.run(
                        [sys.executable, __file__, "--cleanup"],
                        env={**os.environ, "DATABASE_URL": million},
                        check=True,
                    )
    print(
        "| into | rows before | questions | import q/s | COPY rows/s | import ÷ COPY "
        "| each run's import ÷ COPY |"
    )
    print("|---|---|---|---|---|---|---|")
    for (where, _), results in runs.items():
        rates = [r["added"] / r["seconds"] for r in results]
        # Each run's import beside its own COPY, measured moments apart: the
        # machine's speed drifts between runs more than between the two.
        ratios = [rate / r["copy"] for rate, r in zip(rates, results, strict=True)]
        first = results[0]
        print(
            f"| {where} | {first['held_before']:,} | {first['added']:,} "
            f"| {statistics.median(rates):,.0f} "
            f"| {statistics.median(r['copy'] for r in results):,.0f} "
            f"| {statistics.median(ratios):.2f} | {', '.join(f'{x:.2f}' for x in ratios)} |"
        )


if __name__ == "__main__":
    main()
