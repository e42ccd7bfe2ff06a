"""The production profile: deploy checks, security headers on real responses, logging."""

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def production_env(tmp_path, **extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "LOG_LEVEL"}
        and not k.startswith(("HSTS_", "SSL_", "SECURE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="pqtracker.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="pq.example.org,127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    env.update(extra)
    return env


def manage(env, *args):
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_has_no_warnings_in_production(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_stays_quiet_when_the_proxy_redirects_to_https(tmp_path):
    env = production_env(tmp_path, SSL_REDIRECT_BY_PROXY="true")
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port, path, **headers):
    deadline = time.monotonic() + 30
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", path, headers={"Host": "pq.example.org", **headers})
            response = connection.getresponse()
            response.body = response.read()
            return response
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
        finally:
            connection.close()


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """gunicorn serving the production profile on loopback, as deployed."""
    tmp_path = tmp_path_factory.mktemp("production")
    env = production_env(tmp_path)
    for step in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        result = manage(env, *step, "-v0")
        assert result.returncode == 0, result.stderr
    port = _free_port()
    server = subprocess.Popen(
        [GUNICORN, "pqtracker.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_real_response_carries_the_security_headers(production_server):
    response = _get(production_server, "/", **{"X-Forwarded-Proto": "https"})
    assert response.status == 200
    csp = response.getheader("Content-Security-Policy")
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp
    assert response.getheader("Strict-Transport-Security") == (
        "max-age=31536000; includeSubDomains; preload"
    )
    policy = response.getheader("Permissions-Policy")
    for feature in ("camera=()", "geolocation=()", "microphone=()"):
        assert feature in policy
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Referrer-Policy") == "same-origin"
    assert response.getheader("Cross-Origin-Opener-Policy") == "same-origin"


def test_pages_link_the_hashed_static_files_whitenoise_serves(production_server):
    https = {"X-Forwarded-Proto": "https"}
    for _ in range(2):  # the second page's URLs are the ones kept from the first
        page = _get(production_server, "/questions/", **https).body.decode()
        stylesheets = re.findall(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page)
        assert len(stylesheets) == 1, page[:2000]
        stylesheet = _get(production_server, stylesheets[0], **https)
        assert stylesheet.status == 200
        assert "immutable" in stylesheet.getheader("Cache-Control")


def test_plain_http_is_redirected_to_https(production_server):
    response = _get(production_server, "/questions/")
    assert response.status == 301
    assert response.getheader("Location") == "https://pq.example.org/questions/"


def test_no_page_has_an_inline_script_or_style():
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "<script>" not in text, template
        assert " style=" not in text, template
        assert "<style" not in text, template


# Static files collected with the development settings have no manifest, so
# every page fails in production: the log must say why, with the traceback.
SERVE_ONE_PAGE = (
    "import django; django.setup(); from django.test import Client; "
    "print(Client(raise_request_exception=False).get('/', HTTP_HOST='pq.example.org', "
    "HTTP_X_FORWARDED_PROTO='https').status_code)"
)


def test_a_server_error_is_logged_with_its_traceback(tmp_path):
    env = production_env(tmp_path, LOG_LEVEL="CRITICAL")
    assert manage(env, "migrate", "--noinput", "-v0").returncode == 0
    result = subprocess.run(
        [PYTHON, "-c", SERVE_ONE_PAGE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "500"
    assert "ERROR django.request: Internal Server Error: /" in result.stderr
    assert "Traceback (most recent call last):" in result.stderr
    assert "Missing staticfiles manifest entry for 'css/app.css'" in result.stderr
