"""Settings come from the environment and fail loudly in production."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.DEBUG, settings.ALLOWED_HOSTS, settings.DATABASES['default']['ENGINE'])"
)


def run_settings(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="pqtracker.settings")
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_secret_key_refuses_to_start():
    result = run_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_with_secret_key_starts_with_its_hosts():
    result = run_settings(
        DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="pq.example.org, www.pq.example.org"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 1)[0] == "False"
    assert "'pq.example.org', 'www.pq.example.org'" in result.stdout


def test_development_defaults_to_sqlite_without_configuration():
    result = run_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True")
    assert "sqlite3" in result.stdout


def test_database_url_selects_postgresql():
    result = run_settings(DATABASE_URL="postgres://someone@127.0.0.1:5432/elsewhere")
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout


def test_a_debug_value_that_is_not_a_boolean_is_an_error():
    result = run_settings(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_postgresql_work_mem_must_be_an_amount_of_memory():
    postgres = "postgres://someone@127.0.0.1:5432/elsewhere"
    result = run_settings(DATABASE_URL=postgres, DATABASE_WORK_MEM="lots")
    assert result.returncode != 0
    assert "DATABASE_WORK_MEM must be an amount of memory such as 32MB" in result.stderr
    assert "'lots'" in result.stderr
    # Spaces are allowed between the number and its unit.
    assert run_settings(DATABASE_URL=postgres, DATABASE_WORK_MEM="64 MB").returncode == 0
