"""Median server time of every public, staff and admin page, at two corpus sizes.

    .venv/bin/python bench/pages.py                 # 10k and 1M on PostgreSQL
    .venv/bin/python bench/pages.py --sizes 10000   # one size
    .venv/bin/python bench/pages.py --json out.json # also write the figures
    .venv/bin/python bench/pages.py --only "full CSV"  # stream the whole CSV instead

For each size a PostgreSQL database ``pqtracker_bench<size>`` (10k becomes
``pqtracker_bench10k``, 1M ``pqtracker_bench1m``) on the server named by
``BENCH_DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432/) is built
once with ``generate_questions`` and reused afterwards (migrations are applied
each run). Each page is fetched with Django's test client, DEBUG off, once to
warm up and then ``--runs`` times; the table shows the median server time,
the median time of the page's own SQL, and, beside the list pages, the stock
Django admin changelist on the same data. Streaming responses (CSV) are timed
to their first data row, as a browser sees them start.

The sizes are measured in turn, ``--rounds`` times (default 3), and each page
keeps its quickest round's figures: something else on the machine for a few
seconds (a page-cache reclaim, a neighbour's burst) then slows one round of
one size, not the ratio.

``--sqlite`` measures a SQLite file instead (``bench/.data/bench<size>.sqlite3``).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")


def label(size):
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}m"
    if size % 1000 == 0:
        return f"{size // 1000}k"
    return str(size)


def database_url(size, sqlite=False):
    if sqlite:
        DATA.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{DATA}/bench{label(size)}.sqlite3"
    return SERVER.rstrip("/") + f"/pqtracker_bench{label(size)}"


def ensure_database(url):
    """Create the PostgreSQL database if it is missing (SQLite files appear by themselves)."""
    if not url.startswith("postgres"):
        return
    import psycopg
    from psycopg import sql

    server, name = url.rsplit("/", 1)
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def build(size, url):
    """Migrate, and generate the corpus unless the database already holds it."""
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "SECRET_KEY": "bench"}
    ensure_database(url)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
    # DEBUG off serves hashed static files, which need their manifest.
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    held = subprocess.run(
        [
            *manage,
            "shell",
            "-c",
            "from answers.models import Question; print(Question.objects.count())",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if int(held.split()[-1] if held else 0) == 0:
        print(f"Generating {size:,} questions in {url} …", file=sys.stderr)
        subprocess.run([*manage, "generate_questions", "--count", str(size)], env=env, check=True)
    if url.startswith("postgres"):
        # Fresh statistics, after a load or a migration that filled columns.
        subprocess.run([*manage, "dbshell", "--", "-c", "VACUUM ANALYZE"], env=env, check=True)


# --- measuring, inside one Django process per database ---------------------------


def pages(rare_word):
    """(name, url, admin comparison url or None) for every page measured.

    Every public page, every staff page and the admin changelists; the list
    with each filter, searches of every kind, deep pages, and the pages a
    name or a figure links to. Names with <…> stand for a value read from
    the database (the busiest department, a member who asks, a minister).
    """
    from django.db.models import Count

    from answers.models import Answer, Department, Question

    health = Department.objects.filter(name__icontains="Health").first()
    middle = Question.objects.order_by("id").values_list("id", flat=True)
    count = Question.objects.count()
    question_id = middle[count // 2] if count else 1
    if health:
        question_id = (
            Question.objects.filter(department=health, id__gte=question_id)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
            or question_id
        )
    dept = health.pk if health else ""
    slug = health.slug if health else "none"
    # The member who asked most, and the minister who answered most.
    asker = (
        Question.objects.exclude(asking_member=None)
        .values("asking_member", "asking_member__name")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    ) or {"asking_member": 0, "asking_member__name": "Nobody"}
    minister = (
        Answer.objects.exclude(minister=None)
        .values("minister__member", "minister__member__name")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    ) or {"minister__member": 0, "minister__member__name": "Nobody"}
    surname = (asker["asking_member__name"].split() or ["Nobody"])[-1]
    minister_surname = (minister["minister__member__name"].split() or ["Nobody"])[-1]
    admin = "/admin/answers/question/"
    return [
        ("/", "/", None),
        ("/questions/", "/questions/", admin),
        ("/questions/?page=<last>", "/questions/?page=99999999", admin + "?p=99999999"),
        ("/questions/?q=health", "/questions/?q=health", admin + "?q=health"),
        (f"/questions/?q={rare_word}", f"/questions/?q={rare_word}", admin + f"?q={rare_word}"),
        (
            '/questions/?q="mental health" -children',
            "/questions/?q=%22mental+health%22+-children",
            None,
        ),
        ("/questions/?q=dentists OR opticians", "/questions/?q=dentists+OR+opticians", None),
        ("/questions/?q=veteran (one question in fifty)", "/questions/?q=veteran", None),
        ("/questions/?q=<a member's name>", f"/questions/?q={surname}", None),
        (
            "/questions/?q=health&sort=newest_tabled",
            "/questions/?q=health&sort=newest_tabled",
            None,
        ),
        (
            "/questions/?q=veteran&sort=newest_answered&page=40",
            "/questions/?q=veteran&sort=newest_answered&page=40",
            None,
        ),
        (
            "/questions/?q=schools -children&answered_to=2016-12-31&sort=newest_tabled&page=40",
            "/questions/?q=schools+-children&answered_to=2016-12-31&sort=newest_tabled&page=40",
            None,
        ),
        (
            "/questions/?q=health&status=answered&sort=newest_answered",
            "/questions/?q=health&status=answered&sort=newest_answered",
            None,
        ),
        # A search within another filter: the filter thins the word's matches.
        ("/questions/?q=health&member=<name>", f"/questions/?q=health&member={surname}", None),
        (
            "/questions/?q=health&department=<Health>",
            f"/questions/?q=health&department={dept}",
            None,
        ),
        (
            "/questions/?q=veteran&minister=<name>",
            f"/questions/?q=veteran&minister={minister_surname}",
            None,
        ),
        (
            "/questions/?q=veteran&department=<Health>",
            f"/questions/?q=veteran&department={dept}",
            None,
        ),
        # Filters the newest questions thin most: not answered yet, or rarely withdrawn.
        ("/questions/?q=health&timeliness=late", "/questions/?q=health&timeliness=late", None),
        ("/questions/?q=health&status=withdrawn", "/questions/?q=health&status=withdrawn", None),
        ("/questions/?status=answered", "/questions/?status=answered", None),
        ("/questions/?status=answered&page=80", "/questions/?status=answered&page=80", None),
        ("/questions/?status=holding", "/questions/?status=holding", None),
        ("/questions/?status=awaiting", "/questions/?status=awaiting", None),
        ("/questions/?status=withdrawn&page=80", "/questions/?status=withdrawn&page=80", None),
        (
            "/questions/?status=awaiting&sort=newest_answered",
            "/questions/?status=awaiting&sort=newest_answered",
            None,
        ),
        (
            "/questions/?status=withdrawn&sort=newest_answered",
            "/questions/?status=withdrawn&sort=newest_answered",
            None,
        ),
        (
            "/questions/?department=<Health>&status=answered&sort=newest_answered",
            f"/questions/?department={dept}&status=answered&sort=newest_answered",
            admin + f"?department__id__exact={dept}",
        ),
        (
            "/questions/?department=<Health>&status=withdrawn",
            f"/questions/?department={dept}&status=withdrawn",
            None,
        ),
        (
            "/questions/?house=Lords&tabled_from=2020-01-01",
            "/questions/?house=Lords&tabled_from=2020-01-01",
            None,
        ),
        (
            "/questions/?tabled_from=2015-01-01&tabled_to=2015-12-31",
            "/questions/?tabled_from=2015-01-01&tabled_to=2015-12-31",
            admin + "?date_tabled__year=2015",
        ),
        (
            "/questions/?answered_from=2025-01-01&answered_to=2025-01-31",
            "/questions/?answered_from=2025-01-01&answered_to=2025-01-31",
            None,
        ),
        (
            "/questions/?answered_from=2016-01-01&answered_to=2016-12-31",
            "/questions/?answered_from=2016-01-01&answered_to=2016-12-31",
            None,
        ),
        (
            "/questions.csv?answered_to=2016-12-31 (first byte)",
            "/questions.csv?answered_to=2016-12-31",
            None,
        ),
        (
            "/questions/?department=<Health>&timeliness=late",
            f"/questions/?department={dept}&timeliness=late",
            None,
        ),
        ("/questions/?timeliness=overdue", "/questions/?timeliness=overdue", None),
        ("/questions/?member=<name>", f"/questions/?member={surname}", None),
        (
            "/questions/?minister=<name>&status=answered",
            f"/questions/?minister={minister_surname}&status=answered",
            None,
        ),
        ("/questions/<id>/", f"/questions/{question_id}/", f"{admin}{question_id}/change/"),
        ("/departments/", "/departments/", None),
        ("/departments/<Health>/", f"/departments/{slug}/", None),
        ("/members/<asker>/", f"/members/{asker['asking_member']}/", None),
        ("/members/<minister>/", f"/members/{minister['minister__member']}/", None),
        ("/members/search.json?q=<3 letters>", f"/members/search.json?q={surname[:3]}", None),
        ("/questions.json?q=health", "/questions.json?q=health", None),
        ("/questions/feed/?q=health", "/questions/feed/?q=health", None),
        ("/questions.csv?q=health (first byte)", "/questions.csv?q=health", None),
        ("/questions.csv (first byte)", "/questions.csv", None),
        ("/staff/", "/staff/", None),
        ("/staff/questions/?q=health", "/staff/questions/?q=health", None),
        ("/staff/questions/?due=overdue", "/staff/questions/?due=overdue", None),
        ("/staff/questions/<id>/", f"/staff/questions/{question_id}/", None),
        ("/staff/questions/<id>/edit/", f"/staff/questions/{question_id}/edit/", None),
        ("/staff/questions/<id>/answer/", f"/staff/questions/{question_id}/answer/", None),
        ("/staff/questions/new/", "/staff/questions/new/", None),
        ("/staff/actions/", "/staff/actions/", "/admin/answers/followupaction/"),
        ("/staff/actions/ CSV (first byte)", "/staff/actions/export.csv", None),
        ("/staff/board/", "/staff/board/", None),
        ("/staff/board/?stage=answered", "/staff/board/?stage=answered", None),
        ("/staff/board/?stage=transferred_out", "/staff/board/?stage=transferred_out", None),
        ("/staff/board/?stage=late_internal", "/staff/board/?stage=late_internal", None),
        ("/staff/board/ CSV (first byte)", "/staff/board/export.csv", None),
        ("/staff/my-work/ (a policy lead)", "/staff/my-work/", None),
        ("/staff/statistics/", "/staff/statistics/", None),
        ("admin question changelist", admin, None),
        ("admin changelist searching health", admin + "?q=health", None),
        ("admin answer changelist", "/admin/answers/answer/", None),
        ("admin answers searching health", "/admin/answers/answer/?q=health", None),
        ("admin answers, holding", "/admin/answers/answer/?is_holding__exact=1", None),
        ("admin member changelist", "/admin/answers/member/", None),
    ]


def measure(client, url, runs):
    from django.db import connection

    sql = [0.0]
    queries = []

    def timer(execute, sql_text, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            elapsed = time.perf_counter() - start
            sql[0] += elapsed
            queries.append((elapsed * 1000, sql_text))

    totals, sqls = [], []
    status = None
    slowest = []
    for attempt in range(runs + 1):
        sql[0] = 0.0
        queries.clear()
        with connection.execute_wrapper(timer):
            start = time.perf_counter()
            # As behind the TLS-terminating proxy production runs behind.
            response = client.get(url, secure=True)
            if response.streaming:
                # The first piece: the header row and the first data row.
                chunks = iter(response.streaming_content)
                next(chunks, b"")
            elapsed = time.perf_counter() - start
            if response.streaming:
                response.close()
        status = response.status_code
        if attempt:  # the first fetch warms caches
            totals.append(elapsed * 1000)
            sqls.append(sql[0] * 1000)
            slowest.append(max(queries, default=(0.0, "")))
    top = sorted(slowest)[len(slowest) // 2]
    return {
        "rows": shown(response),
        "ms": statistics.median(totals),
        "sql_ms": statistics.median(sqls),
        "status": status,
        "slowest_query_ms": top[0],
        "slowest_query": " ".join(top[1].split())[:300],
    }


def shown(response):
    """How many rows the page shows: table body rows, feed entries or JSON results
    (None for a stream). A page that shows more rows at one size than at the
    other does more work there whatever the data's size."""
    if response.streaming or response.status_code != 200:
        return None
    body = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        return len(json.loads(body).get("results", []))
    if "<feed" in body[:500]:
        return body.count("<entry>")
    rows = 0
    for part in body.split("<tbody")[1:]:
        rows += part.split("</tbody>")[0].count("<tr")
    return rows


def _rss_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def full_csv(client):
    """Stream the whole /questions.csv: rows a second, and how far memory grew."""
    from answers.models import Question

    rows = Question.objects.count()
    start_rss = peak = _rss_mb()
    start = time.perf_counter()
    response = client.get("/questions.csv", secure=True)
    size = 0
    for number, chunk in enumerate(response.streaming_content):
        size += len(chunk)
        if number % 50 == 0:
            peak = max(peak, _rss_mb())
    response.close()
    seconds = time.perf_counter() - start
    return {
        "megabytes": size / 2**20,
        "rows": rows,
        "seconds": seconds,
        "rows_per_second": rows / seconds,
        "rss_start_mb": start_rss,
        "rss_growth_mb": peak - start_rss,
    }


def run_inside(runs, rare_word, only=None):
    """Measure every page against the database this process is configured with."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pqtracker.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from answers.groups import ADMINS

    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    user.groups.add(Group.objects.get(name=ADMINS))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    # A policy lead of the corpus's answering process (generate_questions).
    lead = Client(HTTP_HOST="127.0.0.1")
    lead.force_login(User.objects.filter(username="policy.lead1").first() or user)
    results = {}
    if only == ["full CSV"]:
        results["full CSV"] = full_csv(Client(HTTP_HOST="127.0.0.1"))
        print(f"  full CSV: {results['full CSV']}", file=sys.stderr)
        return results
    for name, url, admin_url in pages(rare_word):
        if only and not any(part in name for part in only):
            continue
        result = measure(lead if "policy lead" in name else client, url, runs)
        if admin_url:
            result["admin"] = measure(client, admin_url, runs)
        results[name] = result
        print(
            f"  {name}: {result['ms']:.1f} ms (SQL {result['sql_ms']:.1f}; slowest query "
            f"{result['slowest_query_ms']:.1f}: {result['slowest_query'][:90]})",
            file=sys.stderr,
        )
    return results


def fmt(value):
    return "—" if value is None else (f"{value:,.0f}" if value >= 10 else f"{value:.1f}")


def table(sizes, results):
    """Markdown: each page at each size, the ratio, SQL time and the admin beside it."""
    small, large = [label(s) for s in sizes[:2]] + [None] * (2 - len(sizes[:2]))
    if not large:
        lines = ["| page | ms | SQL ms | admin ms |", "|---|---|---|---|"]
        for name, a in results[small].items():
            lines.append(
                f"| `{name}` | {fmt(a['ms'])} | {fmt(a['sql_ms'])} | "
                f"{fmt(a.get('admin', {}).get('ms'))} |"
            )
        return "\n".join(lines)
    lines = [
        f"| page | {small} ms | {large} ms | {large} ÷ {small} | SQL at {large} | "
        f"rows shown at {small} / {large} | admin at {small} | admin at {large} |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, a in results[small].items():
        b = results[large][name]
        ratio = b["ms"] / a["ms"] if a["ms"] else float("nan")
        rows = "—" if a.get("rows") is None else f"{a['rows']} / {b.get('rows')}"
        lines.append(
            f"| `{name}` | {fmt(a['ms'])} | {fmt(b['ms'])} | {ratio:.2f} | {fmt(b['sql_ms'])} | "
            f"{rows} | {fmt(a.get('admin', {}).get('ms'))} | {fmt(b.get('admin', {}).get('ms'))} |"
            + ("" if b["status"] == 200 else f" status {b['status']}")
        )
    return "\n".join(lines)


def measure_size(size, args, round_):
    """Every page at ``size``, in a process of its own (Django's settings name one database)."""
    url = database_url(size, args.sqlite)
    print(f"Measuring {size:,} questions ({url}), round {round_} …", file=sys.stderr)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": "bench",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    out = subprocess.run(
        [sys.executable, __file__, "--inside", "--runs", str(args.runs)]
        + [f"--only={part}" for part in args.only or []],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(out.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="10000,1000000", help="Corpus sizes (default 10000,1000000)."
    )
    parser.add_argument("--runs", type=int, default=9, help="Timed fetches per page (default 9).")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="Times every size is measured, in turn; each page keeps its quickest round "
        "(default 3).",
    )
    parser.add_argument("--sqlite", action="store_true", help="Measure SQLite files instead.")
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    parser.add_argument(
        "--only", action="append", help="Measure only pages whose name contains this (repeatable)."
    )
    parser.add_argument("--skip-build", action="store_true", help="Use the databases as they are.")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rare-word", default="Auchtermuchty", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.inside:
        json.dump(run_inside(args.runs, args.rare_word, args.only), sys.stdout)
        return

    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    if not args.skip_build:
        # Every database first, so that each size is measured on a quiet server.
        for size in sizes:
            build(size, database_url(size, args.sqlite))
    rounds = 1 if args.only == ["full CSV"] else args.rounds
    for round_ in range(1, rounds + 1):
        for size in sizes:
            measured = measure_size(size, args, round_)
            kept = results.setdefault(label(size), measured)
            for name, result in measured.items():
                if "ms" in result and result["ms"] < kept[name]["ms"]:
                    kept[name] = result
    if args.only == ["full CSV"]:
        print("| questions | rows a second | seconds | MB | memory growth MB |")
        print("|---|---|---|---|---|")
        for size in sizes:
            r = results[label(size)]["full CSV"]
            print(
                f"| {r['rows']:,} | {r['rows_per_second']:,.0f} | {r['seconds']:,.1f} | "
                f"{r['megabytes']:,.0f} | {r['rss_growth_mb']:,.1f} |"
            )
    else:
        print(table(sizes, results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
