"""How fast /questions.csv streams, and whether its memory stays flat as it grows.

Imports the 2,185-question September 2024 sample into a throwaway database,
copies it up to each size asked for in turn, then downloads the whole CSV
through the real view a few times per size and prints rows per second (the
median, by the wall clock and per CPU second of this process, which the
machine's other work does not slow) and the peak Python memory the download allocated (tracemalloc, in a
separate pass, because tracing slows everything down).

    .venv/bin/python bench/csv_export.py                      # SQLite (temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pqtracker_bench \\
        .venv/bin/python bench/csv_export.py                  # PostgreSQL

The PostgreSQL database named in DATABASE_URL is created for the run and
dropped afterwards, so never point it at a database you want to keep.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from import_rate import SAMPLE, _drop_postgres, _recreate_postgres  # noqa: E402


def grow_to(total):
    """Copy the imported questions (with their answers) until there are ``total``."""
    from answers.models import Answer, Question

    originals = list(Question.objects.select_related("answer").order_by("pk"))
    copies = 0
    while Question.objects.count() < total:
        batch = []
        answers = []
        copies += 1
        for question in originals[: total - Question.objects.count()]:
            answer = getattr(question, "answer", None)
            question.pk = None
            question.parliament_id = None
            question.uin = f"{question.uin}-{copies}"
            batch.append(question)
            answers.append(answer)
        Question.objects.bulk_create(batch, batch_size=1000)
        Answer.objects.bulk_create(
            [
                Answer(
                    question=question,
                    minister_id=answer.minister_id,
                    date_answered=answer.date_answered,
                    text=answer.text,
                    is_holding=answer.is_holding,
                    question_date_tabled=question.date_tabled,
                )
                for question, answer in zip(batch, answers, strict=True)
                if answer is not None
            ],
            batch_size=1000,
        )
        originals = list(Question.objects.select_related("answer").order_by("pk")[:2185])


def download():
    """The whole CSV through the view: (rows, bytes)."""
    from django.test import RequestFactory

    from answers.exports import questions_csv

    response = questions_csv(RequestFactory().get("/questions.csv"))
    size = 0
    lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    return lines - 1, size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--runs", type=int, default=3, help="Downloads per size (default 3).")
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
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        call_command("import_written_questions", str(SAMPLE), verbosity=0)
        print(f"{connection.vendor}, the whole table each time:", flush=True)
        print(
            f"| rows | rows/s, wall clock (median of {args.runs}) | rows per CPU second "
            "of the app process | MB sent | peak Python memory |"
        )
        print("| ---: | ---: | ---: | ---: | ---: |")
        for size in sorted(args.rows):
            grow_to(size)
            rates = []
            cpu_rates = []
            for _ in range(args.runs):
                start = time.perf_counter()
                cpu = time.process_time()
                rows, sent = download()
                rates.append(rows / (time.perf_counter() - start))
                cpu_rates.append(rows / (time.process_time() - cpu))
            tracemalloc.start()
            download()
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(
                f"| {rows:,} | {statistics.median(rates):,.0f} "
                f"| {statistics.median(cpu_rates):,.0f} | {sent / 1e6:,.1f} "
                f"| {peak / 1e6:,.1f} MB |",
                flush=True,
            )
    finally:
        connection.close()
        if tmpdir is None:
            _drop_postgres(url)
        else:
            tmpdir.cleanup()


if __name__ == "__main__":
    main()
