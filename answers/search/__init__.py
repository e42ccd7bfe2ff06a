"""Full-text search over questions: one interface, a backend per database.

- PostgreSQL (``postgres.py``): a stored ``tsvector`` kept by triggers
  (migration 0006), a GIN index, ``websearch_to_tsquery``, ``ts_rank`` and
  ``ts_headline``.
- SQLite (``sqlite.py``): an FTS5 table kept by triggers, ``bm25()`` with
  column weights, and ``snippet()``.

Both read a search the same way (``query.py``): whole words with English
stemming, "quoted phrases", ``OR`` and ``-word``. Both rank the UIN and
heading above the question, the question above the answer, and the answer
above the asking member's name; both give a snippet with the matched words
marked.

Ranking every match of a very common word costs time in proportion to the
matches, so relevance ranking looks at the :data:`RANK_LIMIT` most recently
added matches only and the page says so (:func:`ranking_note`).
"""

import html

from django.db import connection
from django.utils.safestring import mark_safe

from .query import parse

# Matches ranked by relevance at most: the most recently added ones.
RANK_LIMIT = 10_000

# Markers the backends put around matched words in a snippet; the snippet is
# escaped before they become <mark> elements.
START, STOP = "\x02", "\x03"


def _backend():
    if connection.vendor == "postgresql":
        from . import postgres

        return postgres
    from . import sqlite

    return sqlite


def is_searchable(text):
    """Whether ``text`` holds a word to look for (not only stop words or exclusions)."""
    return bool(parse(text).positive)


def matching(queryset, text):
    """``queryset`` narrowed to questions matching the search ``text``."""
    if not is_searchable(text):
        return queryset.none()
    return _backend().matching(queryset, text)


def ranked(queryset, text, limit=None):
    """Matching questions best first, among the ``limit`` most recently added matches.

    ``queryset`` must already be narrowed by :func:`matching` (and any other
    filter); the result carries ``search_rank`` on each question.
    """
    if not is_searchable(text):
        return queryset.none()
    limit = RANK_LIMIT if limit is None else limit
    candidates = queryset.order_by("-pk").values("pk")[: limit + 1]
    return _backend().ranked(queryset, candidates, text)


def with_snippets(queryset, text):
    """``queryset`` with ``search_snippet`` on each question (see :func:`snippet_html`)."""
    if not is_searchable(text):
        return queryset
    return _backend().with_snippets(queryset, text)


def snippet_html(raw):
    """A backend's snippet as safe HTML, the matched words in ``<mark>``."""
    if not raw:
        return ""
    escaped = html.escape(html.unescape(raw), quote=False)
    return mark_safe(  # noqa: S308 - escaped above; only our own tags are added
        escaped.replace(START, '<mark class="app-mark">').replace(STOP, "</mark>")
    )


def rebuild():
    """Recompute every question's search entry (after a load with triggers off)."""
    _backend().rebuild()
