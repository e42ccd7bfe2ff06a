"""Management commands that cannot reach the database or the API say so in one line."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOWHERE = "postgres://postgres@127.0.0.1:9/nothing"  # port 9 (discard): nothing listens
SAMPLE = str(ROOT / "tests" / "data" / "pq-texts" / "001.txt")


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "pqtracker.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_database_that_cannot_be_reached_is_one_line_and_a_failure():
    for command in (["import_text", SAMPLE], ["load_seed"], ["migrate"]):
        result = manage(*command, DATABASE_URL=NOWHERE)
        assert result.returncode == 1, command
        assert "Traceback" not in result.stderr, command
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("Error: the database could not be used (")
        assert "Check DATABASE_URL" in lines[0]


def test_traceback_still_shows_everything_when_asked():
    result = manage("import_text", SAMPLE, "--traceback", DATABASE_URL=NOWHERE)
    assert result.returncode != 0
    assert "Traceback (most recent call last)" in result.stderr


def test_an_api_that_cannot_be_reached_is_one_line_and_a_failure(tmp_path):
    result = manage(
        "fetch_written_questions",
        "--tabled-from",
        "2024-09-02",
        "--tabled-to",
        "2024-09-02",
        "--base-url",
        "http://127.0.0.1:9",
        "--tries",
        "1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Connection refused" in result.stderr
    assert "Nothing was imported." in result.stderr
