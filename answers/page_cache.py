"""The public pages as anonymous visitors see them, kept until the data changes.

Most requests are anonymous visitors reading the same few pages (the list,
searches for the words in the news, a department's figures). A page is
stored under its URL, the day, and the database snapshot it was read in, and
served from there to the next visitor who asks for it while the snapshot is
the same.

The snapshot is PostgreSQL's own (``pg_current_snapshot()``): it changes
whenever any transaction that writes begins or ends, so a page is never
served after a change it does not show, whatever wrote it (a staff edit, an
import, the admin, a raw SQL statement). There is no list of write paths to
keep complete. The cost is one small query per anonymous request, and a
store that starts again after every write anywhere, which is what a public
site read far more than it is written wants.

What is stored: GET responses with status 200, not streamed, that set no
cookie, to a visitor who sent no session or messages cookie (so the page is
the anonymous one, with no messages), for the views named in
``CACHED_VIEWS``. Only on PostgreSQL: SQLite has no snapshot to key on.
The middleware sits above the session and authentication middleware, so a
stored page is served without reading a session.

Settings: ``PAGE_CACHE_SECONDS`` (0 turns the store off) and the cache alias
``pages`` in ``CACHES``.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone

# The public, read-only pages: the same for every anonymous visitor.
CACHED_VIEWS = frozenset(
    {
        "home",
        "question_list",
        "question_detail",
        "department_performance",
        "department_detail",
        "member_detail",
        "member_search",
        "questions_json",
        "questions_feed",
    }
)

# Headers not kept with a stored page: they belong to the one response.
_NOT_STORED = frozenset({"set-cookie", "date", "content-length"})


def snapshot():
    """The snapshot a query would read now, or None when this connection may have written.

    None on SQLite, which has no snapshot to name.
    """
    if connection.vendor != "postgresql":
        return None
    if connection.in_atomic_block:
        # Inside a transaction (a test's, or a caller's): it may hold writes
        # of its own, which no snapshot names.
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned() IS NOT NULL"
        )
        snapshot, writing = cursor.fetchone()
    # A transaction that has written sees its own changes, which the
    # snapshot does not name: nothing it reads may be stored.
    return None if writing else snapshot


# How long figures are kept when nothing is written: the snapshot, not
# this, decides whether they are still right.
KEPT_SECONDS = 600


def kept(name, parts, compute, seconds=KEPT_SECONDS):
    """``compute()``, kept under ``name``, ``parts`` and the database snapshot
    until anything is written (``snapshot``), for at most ``seconds``.

    For figures that read many rows to show a few numbers, the same for
    every reader. Without a snapshot (SQLite, or a transaction that has
    written) they are computed afresh every time.
    """
    from django.core.cache import cache

    taken = snapshot()
    if taken is None:
        return compute()
    raw = "|".join([*map(str, parts), taken])
    key = f"{name}:" + hashlib.sha256(raw.encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, seconds)
    return found


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = self._key(request)
        if key is None:
            return self.get_response(request)
        store = caches["pages"]
        stored = store.get(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Set-Cookie")
        ):
            headers = [(k, v) for k, v in response.items() if k.lower() not in _NOT_STORED]
            store.set(key, (response.status_code, headers, response.content), self.seconds)
        return response

    @property
    def seconds(self):
        return getattr(settings, "PAGE_CACHE_SECONDS", 0)

    def _key(self, request):
        if (
            not self.seconds
            or request.method != "GET"
            or connection.vendor != "postgresql"
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or "messages" in request.COOKIES
        ):
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.url_name not in CACHED_VIEWS or match.namespace:
            return None
        taken = snapshot()
        if taken is None:
            return None
        # The day too: statuses such as "overdue" move on at midnight.
        raw = "\n".join([timezone.localdate().isoformat(), taken, request.get_full_path()]).encode()
        return "page:" + hashlib.sha256(raw).hexdigest()
