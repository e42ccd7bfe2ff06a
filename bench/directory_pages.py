"""How fast the member and department pages are with a million questions.

Fills a throwaway PostgreSQL database with generated questions (spread over
ten years, 30 departments, 1,400 askers and 90 ministers; nine in ten
answered), builds the department summary, then times each page through
Django's test client (median of several requests, after one to warm up) and
counts its queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pqtracker_bench_pages \\
        .venv/bin/python bench/directory_pages.py --questions 1000000

The database named in DATABASE_URL is created for the run and dropped
afterwards, so never point it at a database you want to keep.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEPARTMENTS = 30
ASKERS = 1400
MINISTERS = 90
BATCH = 10_000


def fill(count):
    from answers import summary
    from answers.deadlines import due_date_for
    from answers.models import Answer, Department, Member, Minister, Question

    departments = Department.objects.bulk_create(
        Department(name=f"Department {n:02d}", slug=f"department-{n:02d}", parliament_id=n + 1)
        for n in range(DEPARTMENTS)
    )
    members = Member.objects.bulk_create(
        Member(name=f"Member Name {n:04d}", parliament_id=n + 1, house="Commons")
        for n in range(ASKERS + MINISTERS)
    )
    ministers = Minister.objects.bulk_create(
        Minister(
            member=members[ASKERS + n],
            title=f"Minister {n}",
            department=departments[n % DEPARTMENTS],
        )
        for n in range(MINISTERS)
    )
    start = datetime.date(2014, 1, 6)
    due_cache = {}
    made = 0
    while made < count:
        batch = []
        for n in range(made, min(count, made + BATCH)):
            tabled = start + datetime.timedelta(days=n * 3650 // count)
            if tabled not in due_cache:
                due_cache[tabled] = due_date_for(house="Commons", date_tabled=tabled)
            batch.append(
                Question(
                    house="Commons",
                    uin=str(n),
                    parliament_id=n + 1,
                    date_tabled=tabled,
                    heading=f"Generated question {n}",
                    text=f"To ask the Secretary of State, generated question {n}.",
                    asking_member=members[(n * 7) % ASKERS],
                    department=departments[n % DEPARTMENTS],
                    due_date=due_cache[tabled],
                )
            )
        questions = Question.objects.bulk_create(batch)
        answers = []
        for question in questions:
            n = question.parliament_id
            if n % 10 == 0:
                continue
            answered = question.date_tabled + datetime.timedelta(days=2 + n % 9)
            answers.append(
                Answer(
                    question=question,
                    minister=ministers[(n % DEPARTMENTS) + DEPARTMENTS * (n % 3)],
                    date_answered=answered,
                    text="<p>An answer.</p>",
                    question_date_tabled=question.date_tabled,
                )
            )
        Answer.objects.bulk_create(answers)
        made += len(batch)
        print(f"  {made:,} questions", end="\r", flush=True)
    print()
    started = time.perf_counter()
    rows = summary.rebuild()
    print(f"department summary: {rows:,} rows in {time.perf_counter() - started:.1f} s")


def time_page(client, url, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database this run may create and drop.")
    from import_rate import _drop_postgres, _recreate_postgres

    _recreate_postgres(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pqtracker.settings")
    os.environ["DEBUG"] = "true"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    from answers.models import Department, Member

    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        fill(args.questions)
        print(f"filled in {time.perf_counter() - started:.0f} s")
        with connections["default"].cursor() as cursor:
            cursor.execute("ANALYZE")
        client = Client()
        department = Department.objects.order_by("pk").first()
        asker = Member.objects.order_by("pk").first()
        minister = Member.objects.filter(posts__isnull=False).order_by("pk").first()
        pages = [
            ("/departments/", "/departments/"),
            ("a department", department.get_absolute_url()),
            ("an asker", asker.get_absolute_url()),
            ("a minister", minister.get_absolute_url()),
            ("member search", "/members/search.json?q=name+01&role=asker"),
            ("minister search", "/members/search.json?q=name&role=minister"),
        ]
        print(f"{'page':<18} {'median ms':>10} {'queries':>8}  ({args.questions:,} questions)")
        for label, page in pages:
            ms, queries = time_page(client, page, args.runs)
            print(f"{label:<18} {ms:>10.1f} {queries:>8}")
    finally:
        connections.close_all()
        _drop_postgres(url)


if __name__ == "__main__":
    main()
