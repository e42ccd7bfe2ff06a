"""What a sync costs in requests, against the local stand-ins (no network).

Serves the 2,185-question September 2024 Commons sample through the tests'
Written Questions API stand-in (list pages cut texts short as the real one
does; the detail endpoint gives them whole; members come named, as with
expandMember) and counts the requests ``sync_written_questions`` sends:

- a first sync (``--since``) of one day, and of the whole month, into an
  empty database;
- the steady state: daily runs in a sitting week once the days before are
  held (each a window of one day, plus the 14 days of tabling re-checked
  for withdrawals and holding answers).

    .venv/bin/python bench/sync_requests.py

It uses a temporary SQLite database. Real days differ (the Lords, sitting
days, how many texts the list cuts), so read these as orders of magnitude.
"""

import io
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    sys.path.insert(0, str(ROOT))
    directory = tempfile.mkdtemp(prefix="pqtracker-sync-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    import json

    from django.conf import settings
    from django.core.management import call_command

    from tests.members_standin import serving
    from tests.test_fetch_api import LIST_PATH, SAMPLE
    from tests.test_sync_written_questions import ChangingParliament

    call_command("migrate", verbosity=0)
    items = json.loads(SAMPLE.read_text(encoding="utf-8"))

    def run(*args):
        before = len(api.requests)
        call_command("sync_written_questions", "--backoff", "0", *args, stdout=io.StringIO())
        sent = api.requests[before:]
        kinds = Counter("list page" if path == LIST_PATH else "detail" for path, _, _ in sent)
        return len(sent), kinds

    with serving(ChangingParliament(items)) as api:
        settings.PARLIAMENT_API_BASE_URL = api.base_url
        print(f"sample: {len(items)} Commons questions tabled in September 2024")
        for label, since, until in (
            ("first sync, one day (Tue 10 Sep)", "2024-09-10", "2024-09-10"),
            ("first sync, one month (September)", "2024-09-01", "2024-09-30"),
        ):
            call_command("flush", interactive=False, verbosity=0)
            total, kinds = run("--since", since, "--until", until)
            print(f"{label:<40} {total:>5} requests ({dict(kinds)})")
        # Steady state in a sitting week: the first days are held; each run
        # asks about one more day (the sample's later days are in recess).
        call_command("flush", interactive=False, verbosity=0)
        run("--since", "2024-09-02", "--until", "2024-09-05")
        for day in ("2024-09-06", "2024-09-09", "2024-09-10", "2024-09-11"):
            total, kinds = run("--until", day)
            print(f"{'daily run to ' + day:<40} {total:>5} requests ({dict(kinds)})")


if __name__ == "__main__":
    main()
