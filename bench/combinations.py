"""Lists under filters combined at random, at one corpus size: which pass a time.

    .venv/bin/python bench/combinations.py [--size 1000000] [--count 400] [--seed 1]
        [--over 100] [--prefix /questions/ --prefix /staff/questions/ ...]

``bench/pages.py`` times one page of each kind. Here each page is a list
(``--prefix``: the public list by default; the staff list, JSON and feed
take the same filters) with a random draw of the filters it offers: words
(common, rare, a phrase, OR, an excluded word), a House, a department,
status, timeliness, a surname several members share, a minister, dates
tabled and answered (from a day, by one, or between two), a sort and a
page. The same ``--seed`` draws the same pages, so two versions of the code
can be compared page by page.

Each page is fetched once to warm it and once timed, with Django's test
client as a logged-in admin (no stored page), DEBUG off, against the
database ``bench/pages.py`` builds for ``--size``. A page over ``--over``
ms is timed three times more and kept if its median still is; the table
lists those, with the page's SQL and its slowest query.
"""

import argparse
import os
import random
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import database_url, measure  # noqa: E402

WORDS = ["health", "veteran", "schools", '"mental health" -children', "prisons",
         "dentists OR opticians", "Auchtermuchty", "nhs -dental", "housing", "energy"]  # fmt: skip
YEARS = range(2014, 2027)


def choices():
    """Departments, shared surnames and ministers to draw from, read from the database."""
    from django.db.models import Count

    from answers.models import Department, Member, Minister

    departments = list(Department.objects.order_by("name").values_list("pk", flat=True)[:8])
    surnames = {}
    for name in Member.objects.values_list("name", flat=True):
        if name.split():
            surname = name.split()[-1]
            surnames[surname] = surnames.get(surname, 0) + 1
    shared = sorted(surnames, key=lambda s: -surnames[s])[:4]
    ministers = list(
        Minister.objects.values_list("member__name", flat=True)
        .annotate(posts=Count("id"))
        .order_by("-posts", "member__name")
        .distinct()[:5]
    )
    return departments, shared, ministers


def draw(rnd, departments, surnames, ministers):
    """The query string of one list page: each filter taken or not, at random."""
    params = {}
    words = rnd.choice(["", "", *WORDS])
    if words:
        params["q"] = words
    if rnd.random() < 0.15:
        params["house"] = rnd.choice(["Commons", "Lords"])
    if departments and rnd.random() < 0.3:
        params["department"] = rnd.choice(departments)
    if rnd.random() < 0.3:
        params["status"] = rnd.choice(["answered", "holding", "awaiting", "withdrawn"])
    if rnd.random() < 0.2:
        params["timeliness"] = rnd.choice(["on_time", "late", "owed", "overdue"])
    if surnames and rnd.random() < 0.2:
        params["member"] = rnd.choice(surnames)
    if ministers and rnd.random() < 0.2:
        params["minister"] = rnd.choice(ministers)
    if rnd.random() < 0.2:
        year = rnd.choice(YEARS)
        params["tabled_from"] = f"{year}-01-01"
        if rnd.random() < 0.5:
            params["tabled_to"] = f"{min(year + rnd.choice([0, 1, 3]), YEARS[-1])}-12-31"
    elif rnd.random() < 0.2:
        params["tabled_to"] = f"{rnd.choice(YEARS)}-06-30"
    if rnd.random() < 0.2:
        bound = "answered_from" if rnd.random() < 0.5 else "answered_to"
        year = rnd.choice(YEARS)
        params[bound] = f"{year}-{'01-01' if bound == 'answered_from' else '12-31'}"
        if bound == "answered_from" and rnd.random() < 0.5:
            params["answered_to"] = f"{min(year + rnd.choice([0, 1, 3]), YEARS[-1])}-12-31"
    if rnd.random() < 0.4:
        params["sort"] = rnd.choice(
            ["newest_tabled", "newest_answered"] + (["relevance"] * bool(words))
        )
    if rnd.random() < 0.3:
        params["page"] = rnd.choice([2, 5, 20, 40])
    return urllib.parse.urlencode(params)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--count", type=int, default=400, help="Pages drawn (default 400).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--over", type=float, default=100.0, help="Listed past this, in ms.")
    parser.add_argument("--prefix", action="append", help="A list's path (repeatable).")
    args = parser.parse_args()
    os.environ.update(
        {
            "DATABASE_URL": database_url(args.size),
            "DEBUG": "false",
            "SECRET_KEY": "bench",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SETTINGS_MODULE": "pqtracker.settings",
        }
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    rnd = random.Random(args.seed)  # noqa: S311 - a sample of pages, not a secret
    prefixes = args.prefix or ["/questions/"]
    departments, surnames, ministers = choices()

    slow = []
    for _ in range(args.count):
        url = rnd.choice(prefixes) + "?" + draw(rnd, departments, surnames, ministers)
        # Warmed, then timed once; past the limit, warmed and timed three times.
        if measure(client, url, 1)["ms"] <= args.over:
            continue
        result = measure(client, url, 3)
        if result["ms"] > args.over:
            slow.append((result, url))
            print(f"  {result['ms']:.0f} ms {urllib.parse.unquote_plus(url)}", file=sys.stderr)
    print(f"{args.count} pages drawn (seed {args.seed}, {args.size:,} questions): "
          f"{len(slow)} over {args.over:g} ms")  # fmt: skip
    if slow:
        print("\n| page | ms | SQL ms | slowest query ms | status |")
        print("|---|---|---|---|---|")
        for result, url in sorted(slow, key=lambda item: -item[0]["ms"]):
            page = urllib.parse.unquote_plus(url).replace("|", "\\|")
            print(
                f"| `{page}` | {result['ms']:.0f} | {result['sql_ms']:.0f} | "
                f"{result['slowest_query_ms']:.0f} | {result['status']} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
