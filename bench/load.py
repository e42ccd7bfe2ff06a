"""Load test: many public readers and two staff editing one question, against gunicorn.

Sets up a throwaway PostgreSQL database with the 2,185-question September 2024
sample, collects the static files and starts gunicorn with the production
profile on 127.0.0.1 (nothing leaves the machine). Then, for each number of
clients, runs a fixed time of:

- public clients, each looping over a mix of the list page, searches,
  filters, question pages, JSON and a filtered CSV;
- two staff clients editing the same question's text, each appending its own
  marker to the text it loaded and saving with the version it loaded.

It prints requests per second, p50/p95/p99 latency, errors (5xx responses,
unexpected statuses, failed connections) and edits lost: saves the server
accepted whose marker is missing from the final text. A save refused as stale
is the protection working, not an error; it is counted separately.

    make load
    LOAD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/pqtracker_load \\
        .venv/bin/python bench/load.py --clients 8 32 64 --seconds 20

The database named is created for the run and dropped afterwards.
"""

import argparse
import asyncio
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from import_rate import SAMPLE, _drop_postgres, _recreate_postgres  # noqa: E402

PASSWORD = "load-test-password-1"  # noqa: S105 (a throwaway account in a throwaway database)
WORDS = ["school", "health", "housing", "police", "energy", "children", "NHS", "tax", "rail"]


class FormReader(HTMLParser):
    """The fields of a page's POST form to ``action``, as a browser would send them."""

    def __init__(self, action):
        super().__init__()
        self.action = action
        self.fields = {}
        self._in_form = False
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._in_form = attrs.get("action") in (self.action, "", None)
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields[name] = attrs.get("value") or "on"
            elif kind not in ("submit", "button"):
                self.fields[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(html, action):
    reader = FormReader(action)
    reader.feed(html)
    return reader.fields


class Tally:
    def __init__(self):
        self.latencies = []
        self.errors = []
        self.saved = []
        self.stale = 0

    def record(self, started, response=None, *, expected=(200,), error=None):
        self.latencies.append(time.perf_counter() - started)
        if error is not None:
            self.errors.append(error)
        elif response.status_code not in expected:
            self.errors.append(f"{response.status_code} {response.request.url}")


async def public_client(base, targets, tally, stop):
    rng = random.Random()
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        while time.monotonic() < stop:
            pick = rng.random()
            if pick < 0.20:
                url = f"/questions/?page={rng.randint(1, 80)}"
            elif pick < 0.35:
                url = f"/questions/?q={rng.choice(WORDS)}"
            elif pick < 0.50:
                url = (
                    f"/questions/?department={rng.choice(targets['departments'])}"
                    f"&status={rng.choice(['answered', 'awaiting'])}&house=Commons"
                )
            elif pick < 0.80:
                url = f"/questions/{rng.choice(targets['questions'])}/"
            elif pick < 0.95:
                url = f"/questions.json?page={rng.randint(1, 80)}"
            else:
                url = f"/questions.csv?department={rng.choice(targets['departments'])}"
            started = time.perf_counter()
            try:
                response = await client.get(url)
            except httpx.HTTPError as exc:
                tally.record(started, error=f"{type(exc).__name__} {url}")
            else:
                tally.record(started, response)


async def staff_client(base, username, question, tally, stop):
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        page = await client.get("/accounts/login/")
        fields = form_fields(page.text, "/accounts/login/")
        fields.update(username=username, password=PASSWORD)
        response = await client.post("/accounts/login/", data=fields)
        if response.status_code != 302:
            tally.errors.append(f"{username} could not sign in ({response.status_code})")
            return
        edit = f"/staff/questions/{question}/edit/"
        count = 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                page = await client.get(edit)
            except httpx.HTTPError as exc:
                tally.record(started, error=f"{type(exc).__name__} {edit}")
                continue
            tally.record(started, page)
            fields = form_fields(page.text, edit)
            count += 1
            marker = f"[{username}-{count}]"
            fields["text"] = f"{fields.get('text', '').rstrip()} {marker}"
            started = time.perf_counter()
            try:
                response = await client.post(edit, data=fields)
            except httpx.HTTPError as exc:
                tally.record(started, error=f"{type(exc).__name__} POST {edit}")
                continue
            tally.record(started, response, expected=(200, 302))
            if response.status_code == 302:
                tally.saved.append(marker)
            elif "changed this question" in response.text or 'id="stale"' in response.text:
                tally.stale += 1
            elif response.status_code == 200:
                tally.errors.append(f"edit neither saved nor refused as stale: {marker}")


async def run_level(base, clients, seconds, targets, question):
    tally = Tally()
    stop = time.monotonic() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(public_client(base, targets, tally, stop) for _ in range(clients - 2)),
        staff_client(base, "load.staff.a", question, tally, stop),
        staff_client(base, "load.staff.b", question, tally, stop),
    )
    return tally, time.perf_counter() - started


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32, 64])
    parser.add_argument("--seconds", type=float, default=20, help="Per level (default 20).")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4).")
    args = parser.parse_args()

    url = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pqtracker_load")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("LOAD_DATABASE_URL must name a PostgreSQL database (it is created and dropped).")
    _recreate_postgres(url)
    static = tempfile.TemporaryDirectory(prefix="pqtracker-load-static-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pqtracker.settings",
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no HTTPS redirect, cookies sent over HTTP.
        "SSL_REDIRECT_BY_PROXY": "true",
        "SECURE_COOKIES": "false",
        "STATIC_ROOT": static.name,
        "AXES_FAILURE_LIMIT": "1000",
    }
    python = sys.executable

    def manage(*command):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)

    server = None
    try:
        manage("migrate", "--noinput", "-v0")
        manage("collectstatic", "--noinput", "-v0")
        manage("import_written_questions", str(SAMPLE), "-v0")
        setup = (
            "from django.contrib.auth.models import Group, User\n"
            "from answers.models import Department, Question\n"
            "for name in ('load.staff.a', 'load.staff.b'):\n"
            f"    u = User.objects.create_user(name, password={PASSWORD!r})\n"
            "    u.groups.add(Group.objects.get(name='Staff'))\n"
            "print('Q', *Question.objects.values_list('pk', flat=True))\n"
            "print('D', *Department.objects.values_list('pk', flat=True))\n"
        )
        out = subprocess.run(
            [python, "manage.py", "shell", "-c", setup],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.splitlines()
        found = {line.split()[0]: line.split()[1:] for line in out if line[:2] in ("Q ", "D ")}
        targets = {"questions": found["Q"], "departments": found["D"]}
        question = targets["questions"][0]

        port = _free_port()
        server = subprocess.Popen(
            [
                str(Path(python).with_name("gunicorn")),
                "pqtracker.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(base + "/", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.2)

        print(
            f"gunicorn, {args.workers} sync workers, PostgreSQL, {len(targets['questions']):,} "
            f"questions, {args.seconds:g} s per level, all on 127.0.0.1"
        )
        print(
            "| clients | requests | rps | p50 ms | p95 ms | p99 ms | errors "
            "| edits saved | refused as stale | edits lost |"
        )
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        problems = []
        for clients in args.clients:
            tally, elapsed = asyncio.run(run_level(base, clients, args.seconds, targets, question))
            final = httpx.get(f"{base}/questions/{question}/", timeout=30).text
            lost = [marker for marker in tally.saved if marker not in final]
            latencies = tally.latencies
            print(
                f"| {clients} | {len(latencies):,} | {len(latencies) / elapsed:,.0f} "
                f"| {1000 * statistics.median(latencies):,.0f} "
                f"| {1000 * percentile(latencies, 0.95):,.0f} "
                f"| {1000 * percentile(latencies, 0.99):,.0f} | {len(tally.errors)} "
                f"| {len(tally.saved)} | {tally.stale} | {len(lost)} |",
                flush=True,
            )
            problems += tally.errors[:5] + [f"lost: {marker}" for marker in lost[:5]]
        for problem in problems:
            print(f"  {problem}")
        return 1 if problems else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        static.cleanup()
        _drop_postgres(url)


if __name__ == "__main__":
    sys.exit(main())
