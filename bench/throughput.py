"""Requests a second under a mixed public load: 16 clients against gunicorn.

    .venv/bin/python bench/throughput.py [--size 1000000] [--clients 16] [--seconds 60]

Starts gunicorn (``--workers``, default 2 × cores) on 127.0.0.1 against the
benchmark database bench/pages.py builds (``pqtracker_bench1m`` for 1M),
DEBUG off, then runs ``--clients`` loopback clients (asyncio + httpx), each
fetching one page after another from a public mix: the home page, list
pages (first and deep), searches for common and rare words, filters, single
questions, the JSON and the feed. Prints requests a second, p50/p95/p99 and
errors, overall and per kind of page.
"""

import argparse
import asyncio
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import database_url  # noqa: E402

WORDS = ["health", "schools", "vaccine", "dentists", "housing", "prisons", "energy",
         "Auchtermuchty", '"mental health"', "ferries OR buses", "nhs -dental"]  # fmt: skip


def mix(max_id, departments):
    """(kind, url) for one request, drawn with the weights below."""
    r = random.random()  # noqa: S311 - a load mix, not a secret
    word = random.choice(WORDS)  # noqa: S311
    if r < 0.15:
        return "home", "/"
    if r < 0.30:
        return "list", "/questions/"
    if r < 0.40:
        return "list deep page", f"/questions/?page={random.randint(2, 400)}"  # noqa: S311
    if r < 0.60:
        return "search", f"/questions/?q={word}"
    if r < 0.68:
        status = random.choice(["answered", "awaiting", "holding", "withdrawn"])  # noqa: S311
        dept = random.choice(departments)  # noqa: S311
        return "filter", f"/questions/?status={status}&department={dept}"
    if r < 0.90:
        return "question", f"/questions/{random.randint(1, max_id)}/"  # noqa: S311
    if r < 0.95:
        return "json", f"/questions.json?q={word}"
    return "feed", "/questions/feed/"


async def client(http, deadline, results, max_id, departments):
    while time.perf_counter() < deadline:
        kind, url = mix(max_id, departments)
        start = time.perf_counter()
        try:
            response = await http.get(url)
            ok = response.status_code in (200, 404)
        except Exception:  # noqa: BLE001 - every failure counts as an error
            ok = False
        results.append((kind, time.perf_counter() - start, ok))


async def load(port, clients, seconds, max_id, departments):
    import httpx

    results = []
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}",
        timeout=60,
        limits=limits,
        headers={"X-Forwarded-Proto": "https"},
    ) as http:
        # Warm every worker up (a failure here is not counted).
        await asyncio.gather(*(http.get("/") for _ in range(clients)), return_exceptions=True)
        deadline = time.perf_counter() + seconds
        await asyncio.gather(
            *(client(http, deadline, results, max_id, departments) for _ in range(clients))
        )
    return results


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


def report(results, seconds):
    def line(name, rows):
        times = [t * 1000 for _, t, _ in rows]
        errors = sum(1 for _, _, ok in rows if not ok)
        return (
            f"| {name} | {len(rows):,} | {len(rows) / seconds:,.1f} | {statistics.median(times):,.0f} | "
            f"{percentile(times, 95):,.0f} | {percentile(times, 99):,.0f} | {errors} |"
        )

    print("| pages | requests | per second | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    print(line("all", results))
    for kind in sorted({k for k, _, _ in results}):
        print(line(kind, [r for r in results if r[0] == kind]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--port", type=int, default=8911)
    parser.add_argument(
        "--page-store",
        choices=["files", "memory"],
        default="files",
        help="Public pages kept in one directory for all workers, or in each worker's memory.",
    )
    args = parser.parse_args()

    url = database_url(args.size)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": "bench",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "false",
        # As behind the TLS-terminating proxy production runs behind: the
        # clients say so with X-Forwarded-Proto.
        "SSL_REDIRECT_BY_PROXY": "true",
    }
    if args.page_store == "files":
        # One store of public pages for every worker, as the README advises.
        env["PAGE_CACHE_DIR"] = tempfile.mkdtemp(prefix="pqtracker-pages-")
    else:
        env.pop("PAGE_CACHE_DIR", None)
    import psycopg

    with psycopg.connect(url) as conn:
        max_id = conn.execute("SELECT max(id) FROM answers_question").fetchone()[0]
        departments = [r[0] for r in conn.execute("SELECT id FROM answers_department")]
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "pqtracker.wsgi",
         "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers),
         "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    try:
        time.sleep(3)
        results = asyncio.run(load(args.port, args.clients, args.seconds, max_id, departments))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(
        f"{args.clients} clients, {args.workers} gunicorn workers, {args.seconds} s, "
        f"{args.size:,} questions, page store in {args.page_store}"
    )
    report(results, args.seconds)


if __name__ == "__main__":
    main()
