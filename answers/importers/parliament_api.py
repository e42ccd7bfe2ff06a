"""A small client for the live Parliament Written Questions API.

It pages the list endpoint and fetches single questions, retrying what is
worth retrying (429, 5xx, connection failures, timeouts) with exponential
backoff a bounded number of times, and says plainly what failed when it gives
up. It never writes anything: ``fetch_written_questions`` checks and imports
what it returns.
"""

import email.utils
import threading
import time
from dataclasses import dataclass
from importlib import metadata

import httpx

LIST_PATH = "/api/writtenquestions/questions"
PAGE_SIZE = 100
DEFAULT_TIMEOUT = 30.0
DEFAULT_TRIES = 5
DEFAULT_BACKOFF = 1.0
MAX_BACKOFF = 60.0


def _user_agent():
    try:
        version = metadata.version("pqtracker")
    except metadata.PackageNotFoundError:
        version = "dev"
    return f"PQTracker/{version} (UK parliamentary written questions tracker; python-httpx)"


class ApiRequestError(Exception):
    """The API could not be read; the message says what was asked and what went wrong."""

    def __init__(self, message, *, status=None, url=""):
        self.status = status
        self.url = url
        super().__init__(message)


@dataclass(frozen=True)
class Page:
    url: str
    skip: int
    total: int
    results: list


def _retry_after(response):
    """Seconds a 429/503 asks us to wait, if it says (delta-seconds or an HTTP date)."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class ParliamentApi:
    """``with ParliamentApi(base_url) as api: for page in api.list_pages(...): ...``"""

    def __init__(
        self,
        base_url,
        *,
        timeout=DEFAULT_TIMEOUT,
        tries=DEFAULT_TRIES,
        backoff=DEFAULT_BACKOFF,
        max_backoff=MAX_BACKOFF,
        on_retry=None,
        sleep=time.sleep,
        transport=None,
    ):
        if tries < 1:
            raise ValueError("tries must be at least 1")
        self.tries = tries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.on_retry = on_retry
        self.sleep = sleep
        # Every HTTP request sent, retries included (what a run costs).
        self.requests = 0
        self._count_lock = threading.Lock()
        self.client = httpx.Client(
            base_url=base_url.rstrip("/"),
            timeout=timeout,
            headers={"User-Agent": _user_agent(), "Accept": "application/json"},
            follow_redirects=True,
            transport=transport,
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.client.close()

    def _delay(self, attempt, response=None):
        delay = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        asked = _retry_after(response) if response is not None else None
        if asked is not None:
            delay = max(delay, min(asked, self.max_backoff))
        return delay

    def get_json(self, path, params=None):
        """``(decoded JSON, url)`` for a GET, retried on 429, 5xx, connection errors and timeouts."""
        url = str(self.client.build_request("GET", path, params=params).url)
        for attempt in range(1, self.tries + 1):
            response = None
            with self._count_lock:
                self.requests += 1
            try:
                response = self.client.get(path, params=params)
            except httpx.TimeoutException:
                problem = "timed out"
            except httpx.TransportError as error:
                problem = f"connection failed ({error.__class__.__name__}: {error})"
            else:
                status = response.status_code
                if status == 429 or status >= 500:
                    problem = f"HTTP {status} {response.reason_phrase}".rstrip()
                elif status >= 400:
                    raise ApiRequestError(
                        f"GET {url} was refused: HTTP {status} {response.reason_phrase}".rstrip(),
                        status=status,
                        url=url,
                    )
                else:
                    try:
                        return response.json(), url
                    except ValueError as error:
                        # A 200 with a body that is not JSON is the server's
                        # fault, not a passing one: retrying would hide it.
                        raise ApiRequestError(
                            f"GET {url} returned a malformed body (not JSON: {error})", url=url
                        ) from None
            if attempt == self.tries:
                raise ApiRequestError(
                    f"GET {url} failed after {self.tries} tr{'y' if self.tries == 1 else 'ies'}: "
                    f"{problem}",
                    status=response.status_code if response is not None else None,
                    url=url,
                )
            delay = self._delay(attempt, response)
            if self.on_retry is not None:
                self.on_retry(url, attempt, problem, delay)
            self.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def list_pages(
        self,
        *,
        tabled_from=None,
        tabled_to=None,
        answered_from=None,
        answered_to=None,
        corrected_from=None,
        corrected_to=None,
        house=None,
        take=PAGE_SIZE,
    ):
        """Each list page of the questions in a window of dates (inclusive).

        The window is of tabling, answering or correction dates, the API's
        ``tabledWhen``, ``answeredWhen`` and ``correctedWhen`` filters.
        """
        params = {
            # Names, parties and constituencies come with expandMember; the
            # API leaves withdrawn questions out unless asked.
            "expandMember": "true",
            "includeWithdrawn": "true",
            "answered": "Any",
            "take": take,
        }
        for name, value in (
            ("tabledWhenFrom", tabled_from),
            ("tabledWhenTo", tabled_to),
            ("answeredWhenFrom", answered_from),
            ("answeredWhenTo", answered_to),
            ("correctedWhenFrom", corrected_from),
            ("correctedWhenTo", corrected_to),
        ):
            if value is not None:
                params[name] = value.isoformat()
        if house:
            params["house"] = house
        skip = 0
        while True:
            data, url = self.get_json(LIST_PATH, {**params, "skip": skip})
            if (
                not isinstance(data, dict)
                or not isinstance(data.get("results"), list)
                or isinstance(data.get("totalResults"), bool)
                or not isinstance(data.get("totalResults"), int)
            ):
                raise ApiRequestError(
                    f"GET {url} returned a malformed page: expected "
                    '{"totalResults": N, "results": [...]}',
                    url=url,
                )
            page = Page(url, skip, data["totalResults"], data["results"])
            yield page
            # Step by what came back, not by ``take``: a server that caps the
            # page size must not make us skip questions.
            skip += len(page.results)
            if not page.results or skip >= page.total:
                return

    def question(self, parliament_id):
        """``(decoded JSON, url)`` of one question from the detail endpoint."""
        return self.get_json(f"{LIST_PATH}/{parliament_id}", {"expandMember": "true"})
