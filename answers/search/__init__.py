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
matches, so relevance ranking looks at the :data:`RANK_LIMIT` most recent
matches only (the most recently added; on PostgreSQL, where a filter leaves a
common word no match among the newest questions, the most recently tabled)
and the page says so.
"""

import html

from django.db import connection
from django.utils.safestring import mark_safe

from .query import parse

# Matches ranked by relevance at most: the most recently added ones. Ranking
# reads every match it ranks, so the cost of a search for a common word is
# this number, however large the record grows: at a million questions, the
# matches are read from the table and most of the search's time goes on
# them. 1,000 is 40 pages; "Newest tabled" pages through 2,000 (the lists'
# count limit), and the CSV gives every match.
RANK_LIMIT = 1_000

# Markers the backends put around matched words in a snippet; the snippet is
# escaped before they become <mark> elements.
START, STOP = "\x02", "\x03"


def _backend():
    if connection.vendor == "postgresql":
        from . import postgres

        return postgres
    from . import sqlite

    return sqlite


def _offered(name, default, *args):
    """The backend's ``name`` of ``args``, or ``default`` where the backend has
    no such way (SQLite's reads every match, and needs none)."""
    way = getattr(_backend(), name, None)
    return default if way is None else way(*args)


def is_searchable(text):
    """Whether ``text`` holds a word to look for (not only stop words or exclusions)."""
    return bool(parse(text).positive)


def matching(queryset, text):
    """``queryset`` narrowed to questions matching the search ``text``."""
    if not is_searchable(text):
        return queryset.none()
    return _backend().matching(queryset, text)


def unindexed_wide_bounds(rows, columns=None, ending=()):
    """``rows`` with the bounds on their dates (of ``columns``, or both) that keep most
    questions written so that no index is read for them: the same rows, to
    count (``QuestionFilter.counted_rows``); those of ``ending`` only where
    the span has no start ("on or before" a day). Only on PostgreSQL
    (``postgres.unindexed_wide_bounds``); elsewhere ``rows`` as they are.
    """
    return _offered("unindexed_wide_bounds", rows, rows, columns, ending)


def keys_in_time(rows, limit, ms, walked=False):
    """The primary keys of the first ``limit`` rows of ``rows``, in its order; or,
    on PostgreSQL, None where reading them takes more than ``ms``
    milliseconds (``postgres.keys_in_time``; ``walked``: along an index in
    that order, where the database would read them whole and sort them).
    Elsewhere they are read however long it takes.
    """
    keys = rows.values_list("pk", flat=True)[:limit]
    backend = _backend()
    if hasattr(backend, "keys_in_time"):
        return backend.keys_in_time(keys, ms, walked)
    return list(keys)


def waited_keys(questions, tabled_to, answered_from, text=None):
    """The keys of ``questions`` tabled by ``tabled_to`` and answered from
    ``answered_from``, a later day, where they are few and quickly found; or
    None, and the list (a search for ``text``, where given) reads them its
    own way. Only on PostgreSQL (``postgres.waited_keys``).
    """
    return _offered("waited_keys", None, questions, tabled_to, answered_from, text)


def tabled_since(answered_from, tabled_to):
    """For a list answered from ``answered_from`` and tabled by ``tabled_to``, a
    later or the same day: a day from which every question answered from
    ``answered_from`` was tabled, to bound the list by where the database
    would otherwise read far; or None. Only on PostgreSQL
    (``postgres.tabled_since``).
    """
    return _offered("tabled_since", None, answered_from, tabled_to)


def gathered_keys(rows, wanted, upto):
    """The keys of the first ``wanted`` rows of ``rows`` (a list without words, in
    its order) for a deep page ending at row ``upto``, where reading every
    match and sorting them is quicker than walking the list; or None. Only on
    PostgreSQL (``postgres.gathered_keys``).
    """
    return _offered("gathered_keys", None, rows, wanted, upto)


def newest_keys(
    queryset, text, column, wanted, upto, before=None, after=None, implied=False, tabled_before=None
):
    """The keys of the first ``wanted`` rows of ``queryset`` (a search for ``text``
    listed newest first by the date ``column``), in order, for a page that
    ends at row ``upto``; or None where the caller should count and walk the
    list itself. ``after`` and ``before``: days the list's dates are known
    to be between, where a filter says so (its "from" and "to").
    ``implied``: ``before`` bounds the date only because another filter
    implies it (tabled by the day a question was answered by).
    ``tabled_before``: newest answered first, the day a filter says the
    questions were tabled by.

    Only on PostgreSQL (``postgres.newest_keys``).
    """
    return _offered(
        "newest_keys",
        None,
        queryset,
        text,
        column,
        wanted,
        upto,
        before,
        after,
        implied,
        tabled_before,
    )


class Ranked:
    """Matching questions best first: what :func:`ranked` returns.

    The backend reads the ``limit + 1`` most recently added matches with their
    rank (one query, or on PostgreSQL a few, each range of ids read once:
    ``postgres.ranks``); they are ordered here, and a page is then fetched by
    primary key with the joins it shows. Counting them is free, and slicing
    fetches only the slice's rows, so a page joins 25 rows, not 1,000.

    It offers what the list, the paginator and the exports use of a
    queryset: ``len``/``count``, slicing, iteration and ``iterator``.
    """

    ordered = True

    def __init__(self, queryset, text, limit, dated=None, day=None):
        self.queryset = queryset
        self.text = text
        self.limit = limit
        self.dated = dated
        self.day = day
        self.snippets = False
        self._ranks = None

    def _ranking(self):
        if self._ranks is None:
            # A filter may leave nothing to look at (``QuerySet.none()``).
            empty = self.queryset.query.is_empty()
            rows = (
                []
                if empty
                else _backend().ranks(
                    self.queryset, self.text, self.limit + 1, self.dated, self.day
                )
            )
            # Best first; ties newest tabled (undated last), then newest added.
            rows.sort(key=lambda r: (-r[1], -(r[2].toordinal() if r[2] else 0), -r[0]))
            self._ranks = [(pk, rank) for pk, rank, _ in rows]
        return self._ranks

    def count(self):
        return len(self._ranking())

    __len__ = count

    def exists(self):
        return bool(self._ranking())

    def _fetch(self, ranks, snippets):
        if not ranks:
            return []
        rows = self.queryset.model._default_manager.filter(pk__in=[pk for pk, _ in ranks])
        rows.query.select_related = self.queryset.query.select_related
        if snippets:
            rows = _backend().with_snippets(rows, self.text)
        found = {row.pk: row for row in rows}
        ordered = []
        for pk, rank in ranks:
            if pk in found:
                found[pk].search_rank = rank
                ordered.append(found[pk])
        return ordered

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._fetch(self._ranking()[index], self.snippets)
        return self._fetch([self._ranking()[index]], self.snippets)[0]

    def iterator(self, chunk_size=500):
        ranking = self._ranking()
        for start in range(0, len(ranking), chunk_size):
            yield from self._fetch(ranking[start : start + chunk_size], False)

    def __iter__(self):
        return self.iterator()

    def with_snippets(self):
        ranked = Ranked(self.queryset, self.text, self.limit, self.dated, self.day)
        ranked._ranks, ranked.snippets = self._ranks, True
        return ranked


def ranked(queryset, text, limit=None, dated=None, day=None):
    """Matching questions best first, among the ``limit`` most recently added matches.

    ``queryset`` must already be narrowed by :func:`matching` (and any other
    filter). Returns a :class:`Ranked`; each question carries ``search_rank``.
    ``dated``: the same rows with a bound on the tabling date that leaves
    none of them out (answered by a day: ``filters.tabled_by``), from which
    the most recently tabled can be read (``postgres.ranks``); ``day``: the
    latest day any of them was tabled (that bound, or an earlier day the
    filter implies: answered by it).
    """
    if not is_searchable(text):
        return queryset.none()
    return Ranked(queryset, text, RANK_LIMIT if limit is None else limit, dated, day)


def with_snippets(rows, text):
    """``rows`` with ``search_snippet`` on each question (see :func:`snippet_html`).

    Only for the rows a page shows: a snippet is costly, so exports take none.
    """
    if not is_searchable(text):
        return rows
    if isinstance(rows, Ranked):
        return rows.with_snippets()
    return _backend().with_snippets(rows, text)


def attach_snippets(questions, text):
    """``questions`` (a list) with ``search_snippet`` set on each, read in one query."""
    if not questions or not is_searchable(text):
        return questions
    model = type(questions[0])
    rows = _backend().with_snippets(
        model._default_manager.filter(pk__in=[question.pk for question in questions]), text
    )
    snippets = dict(rows.values_list("pk", "search_snippet"))
    for question in questions:
        question.search_snippet = snippets.get(question.pk) or ""
    return questions


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
