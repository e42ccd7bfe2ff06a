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


def _columns(model, given):
    """INSERT column list and SELECT expressions: ``given``, else a neutral value."""
    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(f'"{field.column}"')
        if field.column in given:
            expressions.append(given[field.column])
        elif field.column in ("created_at", "updated_at"):
            expressions.append("now()")
        elif field.has_default() and not callable(field.default):
            value = field.default
            expressions.append(
                ("true" if value else "false") if isinstance(value, bool) else repr(value)
            )
        elif field.null:
            expressions.append("NULL")
        else:
            expressions.append("''")
    return ", ".join(columns), ", ".join(expressions)


def fill(count):
    """Generated rows, written by PostgreSQL itself (generate_series)."""
    from django.db import connection

    from answers import summary
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
    first_department, first_member, first_minister = (
        departments[0].pk,
        members[0].pk,
        ministers[0].pk,
    )
    tabled = f"(date '2014-01-06' + (g::bigint * 3650 / {count})::int)"
    columns, expressions = _columns(
        Question,
        {
            "house": "'Commons'",
            "uin": "g::text",
            "parliament_id": "g + 1",
            "date_tabled": tabled,
            "due_date": f"({tabled} + 7)",
            "heading": "'Generated question ' || g",
            "text": "'To ask the Secretary of State, generated question ' || g || '.'",
            "asking_member_id": f"{first_member} + (g * 7) % {ASKERS}",
            "department_id": f"{first_department} + g % {DEPARTMENTS}",
        },
    )
    with connection.cursor() as cursor:
        # Built from the models' own column names and integers only.
        table = Question._meta.db_table
        insert = f"INSERT INTO {table} ({columns}) SELECT {expressions} "  # noqa: S608
        cursor.execute(insert + f"FROM generate_series(0, {count - 1}) AS g")
        answer_columns, answer_expressions = _columns(
            Answer,
            {
                "question_id": "q.id",
                "minister_id": (
                    f"{first_minister} + (q.parliament_id % {DEPARTMENTS}) "
                    f"+ {DEPARTMENTS} * (q.parliament_id % 3)"
                ),
                "date_answered": "q.date_tabled + 2 + (q.parliament_id % 9)::int",
                "text": "'<p>An answer.</p>'",
                "question_date_tabled": "q.date_tabled",
            },
        )
        answers = Answer._meta.db_table
        insert = f"INSERT INTO {answers} ({answer_columns}) SELECT {answer_expressions} "  # noqa: S608
        cursor.execute(insert + f"FROM {table} q WHERE q.parliament_id % 10 <> 0")
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
        client = Client(HTTP_HOST="127.0.0.1")
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
