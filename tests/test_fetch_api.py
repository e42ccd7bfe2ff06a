"""fetch_written_questions against a local stand-in for the Parliament API.

The stand-in is an http.server on 127.0.0.1 (ephemeral port, in a thread)
serving the recorded September 2024 items page by page, as the real list
endpoint does (texts cut short, members only with expandMember), with a
detail endpoint that gives the whole texts. Tests make it fail requests with
503, 429, slow responses and malformed bodies.

A malformed page aborts the whole fetch: pages are all fetched and checked
before anything is written, so the database is left exactly as it was.
"""

import contextlib
import copy
import datetime
import io
import json
import socket
import threading
import time
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command

from answers.importers.api_items import LIST_TEXT_LIMIT
from answers.importers.parliament_api import ApiRequestError, ParliamentApi
from answers.models import Answer, Member, Question

SAMPLE = Path(__file__).parent / "data" / "samples" / "commons-2024-09-list.json"
LIST_PATH = "/api/writtenquestions/questions"
# A Friday of the sample and the weekend after: 64 questions, fetched in
# three pages of 25 (the command's --page-size; 100 by default).
FROM, TO = "2024-09-06", "2024-09-08"
COUNT = 64


def _whole(value):
    """The item as the detail endpoint would give it: texts not cut."""
    value = copy.deepcopy(value)
    if len(value["questionText"]) >= LIST_TEXT_LIMIT:
        value["questionText"] += " (the rest of the question)"
    answer = value["answerText"] or ""
    if len(answer) >= LIST_TEXT_LIMIT:
        value["answerText"] = f"<p>{answer.removesuffix('...')} (the rest)</p><p>More.</p>"
    return value


def _expanded(value):
    value = copy.deepcopy(value)
    value["askingMember"] = {
        "id": value["askingMemberId"],
        "name": f"Asking Member {value['askingMemberId']}",
        "party": "Independent",
        "memberFrom": f"Constituency {value['askingMemberId']}",
    }
    return value


class FakeParliament:
    """The recorded items behind the two endpoints, with failures on demand."""

    def __init__(self, items):
        self.items = [item["value"] for item in items]
        self.by_id = {value["id"]: value for value in self.items}
        self.lock = threading.Lock()
        self.requests = []  # (path, query dict, headers)
        self.planned = defaultdict(list)  # key -> responses to give before the real one

    def fail(self, key, *responses):
        """Answer the next requests for ``key`` ("list:skip=100" or "detail:123") so."""
        self.planned[key].extend(responses)

    def count(self, prefix):
        return sum(1 for path, _, _ in self.requests if path.startswith(prefix))

    def handle(self, handler):
        url = urlsplit(handler.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        with self.lock:
            self.requests.append((url.path, query, dict(handler.headers)))
            if url.path == LIST_PATH:
                key = f"list:skip={query.get('skip', '0')}"
            elif url.path.startswith(LIST_PATH + "/"):
                key = f"detail:{url.path.rsplit('/', 1)[-1]}"
            else:
                key = None
            planned = self.planned[key].pop(0) if self.planned.get(key) else None
        if planned is not None:
            return planned
        if url.path == LIST_PATH:
            return 200, {}, json.dumps(self._list(query))
        if key is not None:
            value = self.by_id.get(int(key.split(":")[1]))
            if value is None:
                return 404, {}, json.dumps({"title": "Not Found"})
            if query.get("expandMember") == "true":
                value = _expanded(value)
            return 200, {}, json.dumps({"value": _whole(value), "links": []})
        return 404, {}, "{}"

    def _list(self, query):
        chosen = [
            value
            for value in self.items
            if query["tabledWhenFrom"] <= value["dateTabled"][:10] <= query["tabledWhenTo"]
            and query.get("house", value["house"]) == value["house"]
        ]
        skip, take = int(query.get("skip", 0)), int(query.get("take", 20))
        # Copies: a test may doctor a page without touching the recorded items.
        page = copy.deepcopy(chosen[skip : skip + take])
        if query.get("expandMember") == "true":
            page = [_expanded(value) for value in page]
        return {
            "totalResults": len(chosen),
            "results": [{"value": value, "links": []} for value in page],
        }


def _handler_for(api):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            status, headers, body = api.handle(self)
            if status == "sleep":
                # Outlast the client's timeout, then hang up without answering.
                time.sleep(headers)
                return
            payload = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            # The client may have timed out and gone away.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(payload)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture(scope="module")
def sample():
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def parliament(sample):
    api = FakeParliament(sample)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(api))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    api.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    yield api
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def in_range(sample):
    return [item["value"] for item in sample if FROM <= item["value"]["dateTabled"][:10] <= TO]


def fetch(api, *extra, page_size="25", stdout=None):
    out = stdout or io.StringIO()
    err = io.StringIO()
    sizing = ("--page-size", page_size) if page_size else ()
    call_command(
        "fetch_written_questions",
        "--tabled-from", FROM,
        "--tabled-to", TO,
        "--base-url", api.base_url,
        "--backoff", "0",
        *sizing,
        *extra,
        stdout=out,
        stderr=err,
    )  # fmt: skip
    return out.getvalue(), err.getvalue()


SERVICE_UNAVAILABLE = (503, {}, "Service Unavailable")


# --- the happy path, through failures -------------------------------------------


@pytest.mark.django_db
def test_every_question_arrives_exactly_once_despite_503s(parliament, in_range):
    assert len(in_range) == COUNT
    parliament.fail("list:skip=0", SERVICE_UNAVAILABLE)
    parliament.fail("list:skip=25", SERVICE_UNAVAILABLE, (502, {}, "Bad Gateway"))
    parliament.fail("list:skip=50", (429, {"Retry-After": "0"}, "Too Many Requests"))
    truncated = next(v for v in in_range if len(v["questionText"]) >= LIST_TEXT_LIMIT)
    parliament.fail(f"detail:{truncated['id']}", SERVICE_UNAVAILABLE, SERVICE_UNAVAILABLE)

    out, _ = fetch(parliament)

    assert f"Fetched {COUNT} questions tabled {FROM} to {TO}" in out
    assert f"{COUNT} created, 0 updated, 0 unchanged" in out
    ids = list(Question.objects.values_list("parliament_id", flat=True))
    assert sorted(ids) == sorted(v["id"] for v in in_range)
    assert len(ids) == len(set(ids))
    # Three pages: the first tried twice, the second three times, the third twice.
    assert sum(1 for path, _, _ in parliament.requests if path == LIST_PATH) == 2 + 3 + 2
    # Every cut text was completed from the detail endpoint.
    assert not Question.objects.filter(text_is_truncated=True).exists()
    assert not Answer.objects.filter(text_is_truncated=True).exists()
    completed = Question.objects.get(parliament_id=truncated["id"])
    assert completed.text.endswith("(the rest of the question)")
    # expandMember gave the names.
    assert completed.asking_member.name == f"Asking Member {truncated['askingMemberId']}"
    assert completed.asking_member.constituency == f"Constituency {truncated['askingMemberId']}"


@pytest.mark.django_db
def test_requests_name_the_range_and_say_who_is_asking(parliament):
    fetch(parliament, "--house", "Commons", page_size=None)
    path, query, headers = parliament.requests[0]
    assert path == LIST_PATH
    assert query["tabledWhenFrom"] == FROM
    assert query["tabledWhenTo"] == TO
    assert query["house"] == "Commons"
    assert query["take"] == "100"
    assert query["skip"] == "0"
    assert query["expandMember"] == "true"
    assert headers["User-Agent"].startswith("PQTracker/")
    # 64 questions: one page of 100 is all there is.
    assert [q["skip"] for p, q, _ in parliament.requests if p == LIST_PATH] == ["0"]


@pytest.mark.django_db
def test_pages_are_walked_until_the_total(parliament):
    fetch(parliament)
    pages = [(q["skip"], q["take"]) for p, q, _ in parliament.requests if p == LIST_PATH]
    assert pages == [("0", "25"), ("25", "25"), ("50", "25")]


@pytest.mark.django_db
def test_lords_only_fetch_gets_no_commons_questions(parliament):
    out, _ = fetch(parliament, "--house", "Lords")
    assert "Fetched 0 questions" in out
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_second_fetch_of_the_same_range_adds_nothing(parliament, in_range):
    fetch(parliament)
    before = dict(Question.objects.values_list("parliament_id", "updated_at"))
    details_before = parliament.count(LIST_PATH + "/")

    out, _ = fetch(parliament)

    assert f"0 created, 0 updated, {COUNT} unchanged" in out
    assert dict(Question.objects.values_list("parliament_id", "updated_at")) == before
    # What was completed last time is not asked for again.
    assert parliament.count(LIST_PATH + "/") == details_before
    assert Question.history.count() == COUNT


# --- failures: reported, nothing half-imported ---------------------------------


@pytest.mark.django_db
def test_malformed_page_is_reported_and_nothing_is_written(parliament, in_range):
    parliament.fail("list:skip=25", (200, {}, '{"totalResults": 64, "results": [{"value": {'))
    with pytest.raises(CommandError) as raised:
        fetch(parliament)
    message = str(raised.value)
    assert "skip=25" in message
    assert "malformed" in message
    assert "Nothing was imported" in message
    assert not Question.objects.exists()
    assert not Member.objects.exists()

    # The next run (the page now good) imports everything, once.
    out, _ = fetch(parliament)
    assert f"{COUNT} created" in out
    assert Question.objects.count() == COUNT


@pytest.mark.django_db
def test_page_with_an_invalid_item_is_reported_and_nothing_is_written(parliament, in_range):
    page = parliament._list(
        {"tabledWhenFrom": FROM, "tabledWhenTo": TO, "skip": "50", "take": "25"}
    )
    page["results"][4]["value"]["dateTabled"] = "yesterday"
    parliament.fail("list:skip=50", (200, {}, json.dumps(page)))
    with pytest.raises(CommandError) as raised:
        fetch(parliament)
    message = str(raised.value)
    assert "skip=50" in message
    assert "index 4" in message
    assert "'dateTabled'" in message
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_malformed_detail_is_reported_and_nothing_is_written(parliament, in_range):
    truncated = next(v for v in in_range if len(v["questionText"]) >= LIST_TEXT_LIMIT)
    parliament.fail(f"detail:{truncated['id']}", (200, {}, "<html>Oops</html>"))
    with pytest.raises(CommandError) as raised:
        fetch(parliament)
    assert f"{LIST_PATH}/{truncated['id']}" in str(raised.value)
    assert "malformed" in str(raised.value)
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_retries_are_bounded_then_a_clear_error(parliament):
    parliament.fail("list:skip=25", *[SERVICE_UNAVAILABLE] * 3)
    with pytest.raises(CommandError) as raised:
        fetch(parliament, "--tries", "3")
    message = str(raised.value)
    assert "failed after 3 tries: HTTP 503" in message
    assert "skip=25" in message
    assert sum(1 for p, q, _ in parliament.requests if q.get("skip") == "25") == 3
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_a_slow_response_times_out_and_is_retried(parliament):
    parliament.fail("list:skip=0", ("sleep", 1.0, ""))
    out, _ = fetch(parliament, "--timeout", "0.3")
    assert f"{COUNT} created" in out


@pytest.mark.django_db
def test_connection_refused_is_retried_then_reported():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port now.
    with pytest.raises(CommandError) as raised:
        call_command(
            "fetch_written_questions",
            "--tabled-from", FROM, "--tabled-to", TO,
            "--base-url", f"http://127.0.0.1:{port}",
            "--backoff", "0", "--tries", "2",
            stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
    assert "failed after 2 tries: connection failed" in str(raised.value)


def test_backoff_doubles_and_honours_retry_after():
    sleeps = []
    responses = iter([429, 503, 503, 200])

    def handler(request):
        import httpx

        status = next(responses)
        headers = {"Retry-After": "7"} if status == 429 else {}
        return httpx.Response(status, headers=headers, json={"ok": True})

    import httpx

    api = ParliamentApi(
        "http://api.invalid",
        backoff=0.5,
        tries=4,
        sleep=sleeps.append,
        transport=httpx.MockTransport(handler),
    )
    data, _ = api.get_json("/x")
    assert data == {"ok": True}
    assert sleeps == [7.0, 1.0, 2.0]

    api = ParliamentApi(
        "http://api.invalid",
        backoff=0.5,
        tries=2,
        sleep=sleeps.append,
        transport=httpx.MockTransport(lambda request: httpx.Response(404)),
    )
    with pytest.raises(ApiRequestError, match="refused: HTTP 404"):
        api.get_json("/missing")


# --- arguments ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("tabled_from", "tabled_to", "says"),
    [
        ("2024-13-01", TO, "'2024-13-01' is not a date"),
        ("5 September", TO, "is not a date"),
        ("2024-09-06", "2024-09-05", "is after --tabled-to"),
    ],
)
def test_bad_dates_are_a_clear_error(tabled_from, tabled_to, says):
    with pytest.raises(CommandError, match=says):
        call_command(
            "fetch_written_questions", "--tabled-from", tabled_from, "--tabled-to", tabled_to,
            stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip


def test_base_url_defaults_to_the_setting(settings, monkeypatch):
    seen = []

    class Recorder(ParliamentApi):
        def __init__(self, base_url, **kwargs):
            seen.append(base_url)
            super().__init__(base_url, **kwargs)

        def list_pages(self, **kwargs):
            raise ApiRequestError("stop here")

    from answers.management.commands import fetch_written_questions as command

    monkeypatch.setattr(command, "ParliamentApi", Recorder)
    settings.PARLIAMENT_API_BASE_URL = "http://127.0.0.1:9"
    with pytest.raises(CommandError, match="stop here"):
        call_command(
            "fetch_written_questions",
            "--tabled-from",
            FROM,
            "--tabled-to",
            TO,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert seen == ["http://127.0.0.1:9"]


@pytest.mark.django_db
def test_dry_run_fetches_but_writes_nothing(parliament):
    out, _ = fetch(parliament, "--dry-run")
    assert f"Dry run: fetched {COUNT} questions" in out
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_question_gone_from_the_detail_endpoint_keeps_its_short_text(parliament, in_range):
    truncated = next(v for v in in_range if len(v["questionText"]) >= LIST_TEXT_LIMIT)
    parliament.fail(f"detail:{truncated['id']}", (404, {}, "{}"))
    out, err = fetch(parliament)
    assert f"{COUNT} created" in out
    assert "404" in err
    assert Question.objects.get(parliament_id=truncated["id"]).text_is_truncated


def test_tabling_dates_in_the_sample_are_what_the_tests_assume(in_range):
    assert Counter(v["dateTabled"][:10] for v in in_range) == {"2024-09-06": COUNT}
    assert datetime.date.fromisoformat(FROM) < datetime.date.fromisoformat(TO)
