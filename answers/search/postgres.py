"""PostgreSQL full-text search over ``answers_question.search_vector``.

The vector is written by triggers (migration 0006) and indexed with GIN, so
a search reads the index rather than the rows. ``ts_rank``'s default weights
(A 1.0, B 0.4, C 0.2, D 0.1) rank the UIN and heading above the question, the
question above the answer, the answer above the asking member's name.
"""

import contextlib
import datetime
import itertools
import json
import time
from typing import NamedTuple

import psycopg
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchVectorField,
)
from django.db import OperationalError, connection, transaction
from django.db.models import (
    BigIntegerField,
    DateField,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Subquery,
    TextField,
    Value,
)
from django.db.models.expressions import Expression, OrderBy
from django.db.models.functions import Coalesce, Concat
from django.db.models.lookups import GreaterThanOrEqual, LessThan, LessThanOrEqual

from answers.columns import Stored, answer_date
from answers.lookups import by_keys

from . import START, STOP
from .query import parse

CONFIG = "english"


class SearchVectorColumn(Expression):
    """``search_vector`` of the query's question table, under whatever alias it has.

    The column is the database's own (migration 0006), not a model field, so
    no query loads it and only the API importer's bulk insert writes it
    (migration 0011).
    """

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        if getattr(compiler.query, "walk_search", False):
            # The same vector as an expression the text index does not hold:
            # the query is then read through the primary key (``_newest``).
            return f"CASE WHEN {table}.id > 0 THEN {table}.search_vector END", []
        return f"{table}.search_vector", []


def vector():
    return SearchVectorColumn()


def query(text):
    return SearchQuery(text, search_type="websearch", config=CONFIG)


def matching(queryset, text):
    return queryset.alias(search_vector=vector()).filter(search_vector=query(text))


# How much wider than the words' shares promise the first range of ids is:
# the shares come from a sample (ANALYZE), and other filters and excluded
# words leave fewer matches than the words alone.
MARGIN = 1.5
# The same for a common word's first range, which is walked: every row in it
# is read and tested, whether or not it matches. The share of a word that
# common is well measured by the sample, and a range that falls a little
# short is followed by a narrow one.
WALK_MARGIN = 1.1


def ranks(queryset, text, limit, dated=None, day=None):
    """``[(pk, rank, date_tabled)]`` of the ``limit`` most recently added matches
    (or, where a common word's filter leaves none among the newest ids, or
    answers given by a day leave none, the most recently tabled:
    ``_newest_tabled``, read from ``dated`` where given, the same rows
    bounded by that ``day``). Bounded by a list of keys (the questions that
    waited: ``waited_keys``), its matches are few, and read at once.

    The newest matches are chosen first, with their vectors, and only they
    are ranked: in one query level, PostgreSQL would rank every match before
    keeping the newest.

    The text index gives every match in the record, and each is then read
    from the table: a word in one question in a hundred would cost ten
    thousand reads at a million questions, to keep a thousand. So the
    search looks first among the newest ids, as many as the words' shares of
    the record say hold ``limit`` matches (``first_range``); then, if those
    held fewer, among older ids, as many as that range's own share of
    matches says are needed; and so on to the oldest. The result is the same
    as one search over every id.

    A range is read one of two ways (``_newest``). Walked: the range's rows,
    through the primary key, each one's vector tested, which is quick where
    matches are dense (the first range of a common word). Gathered: the
    text index's matches, with those of any
    other filter's index and, for a range, the blocks a block-range index of
    ids gives (migration 0016), then sorted; quick where matches are sparse.
    A range after a short one is walked only when that costs less than
    gathering it (``WALK_IDS``, ``VISIT_ROWS``): the first held fewer
    matches than the words promised, so another filter or an excluded word
    thins them, and a walk would read every row of a department, say, to
    find its few matches of a word; but gathered, a common word's matches
    under a filter that no index serves ("answered late") are each read
    from the table to be tested. A range after the first, walked, is read
    through a filter's own index where that holds the id and costs less
    (``_walk_cost``): a member's questions, a minister's, their rows alone
    in the range read from the table. And before every id left is gathered
    where that is planned to cost many walks of ``WALK_IDS``, the next
    ``WALK_IDS`` ids are walked, if the ranges so far promise a walk not
    many times dearer (``PROBE_WALKS``, ``PROBE_MISS``): the newest ids may
    hold few of a filter's matches (a minister's answers, the newest
    questions awaiting theirs), and those below them many. Where the
    planner would gather the rest by reading a date's index rather than
    through bitmaps, the rest is walked if the planner costs that walk less.
    """
    if by_keys(queryset):
        return _newest(queryset, text, limit, None, None, None, walk=False, blocks=False)
    found = []
    low, top, share, bottom = first_range(text, limit)
    common = share is None or share >= COMMON
    # What gathering a range costs at the least, in rows walked: the text
    # index's entries for the words, read in full whatever the range.
    entries = (top - bottom) * share * WALK_PER_ENTRY if share else 0
    walk = common
    high = None
    probed = False
    walk_cost = _walk_cost(queryset, text, limit, top, bottom)
    if not common and low is not None and _at_once(queryset, text, limit, low, top, bottom):
        low = None
    while True:
        width = (top if high is None else high) - (low or 0)
        rows = _newest(
            queryset,
            text,
            limit - len(found),
            low,
            high,
            top,
            walk=walk,
            blocks=not common,
            through=bool(walk and low and high) and width >= WALK_IDS and walk_cost(width) < width,
        )
        found += rows
        if len(found) >= limit or not low:  # None, or 0: every id was read
            return found
        searched = width
        high = low
        if rows:
            wanted = (limit - len(found)) * MARGIN * searched / len(rows)
            reach = max(WALK_IDS, entries)
            walk = wanted <= reach or walk_cost(wanted) <= reach
            # Gathered, a range the block-range index does not read (too
            # wide, or a common word's: ``_newest``) costs what the rest at
            # once does.
            bounded = high - wanted > bottom and (walk or (not common and wanted <= top * NARROW))
            low = int(high - wanted) if bounded else None
        else:
            if (walk or dated is not None) and not found:
                # A common word, and not one match among the newest ids: the
                # filter leaves only older questions (tabled before 2017,
                # say). Gathered, every match of the word below would be
                # read from the table to keep the newest (180,000 for
                # "health" at a million questions, 140 ms), and walked,
                # every newer question passed. So the window is the most
                # recently tabled matches instead, read newest tabled first.
                # So too for a rarer word in answers given by a day, the
                # tabling date read from that day down: gathered, the
                # planner intersected "prisons" with every answer given by
                # mid-2022 (640,000) and read each of its 14,000 matches
                # from the table, 70 to 90 ms at 1M; walked, 35 ms.
                tabled = (
                    _newest_tabled(queryset, text, limit, high)
                    if dated is None
                    else _newest_tabled(dated, text, limit, high, day)
                )
                if tabled is not None:
                    return tabled
            wanted, low, walk = high - bottom, None, False  # nothing there: the rest at once
        if not walk:
            # Gathered, the range's matches that no other index rules out
            # are each read from the table, on a page of their own.
            plan = _plan(queryset, text, limit - len(found), low, high, top, blocks=not common)
            visits = _rows_visited(plan)
            if visits is not None and found:
                # Every match is among the rows read, and the ids searched
                # so far promise as many matches in the range as they held:
                # the planner takes a word and a filter as unrelated where
                # the word is the filter's subject ("energy" in the energy
                # department's questions: 2,700 rows planned, all 45,000
                # read, at a million questions).
                span = high - (bottom if low is None else low)
                visits = max(visits, len(found) * span / (top - high))
            gather = entries + visits * VISIT_ROWS if visits is not None else None
            # The ids a walk the ranges so far promise would pass.
            below = int(high - wanted) if high - wanted > bottom else 0
            if gather is not None and gather > wanted:
                walk, low = True, below
            elif visits is None and low is None and _walks(plan) and (dated is None or not found):
                # Not gathered through the indexes' bitmaps: the planner reads
                # every row a date's bound keeps ("housing" answered on time
                # since 2016, at a million questions: 820,000 rows through the
                # tabling date's index, 510 ms). Walked instead where the
                # planner costs a walk of the ids the ranges so far promise
                # below that (the same rows, 29,000 walked, 27 ms). A filter
                # bounding the tabling date has its own way below
                # (``_newest_tabled``).
                walked = _plan(queryset, text, limit - len(found), below, high, top, walk=True)
                if walked["Total Cost"] < plan["Total Cost"]:
                    walk, low = True, below
            elif (
                gather is not None
                and low is None
                and not probed
                and gather > PROBE_WALKS * WALK_IDS
                and wanted <= gather * PROBE_MISS
            ):
                # Every id left, gathered at a cost the planner puts far above
                # a walk of the next ``WALK_IDS``, where the walk the ranges
                # so far promise costs not much more: those ids are walked
                # first. The newest ids are a poor sample of a filter that
                # needs what the newest questions lack. "health" answered by
                # a Health minister, at a million questions: 49 matches among
                # the newest 6,000 ids (a walk of 178,000 promised), 42,000
                # in the rest, gathered in 200 ms where the planner expected
                # 15,000 (123,000 rows' worth); the next 20,000 ids hold 744.
                # (Asked by the members named Williams: 13 among the newest,
                # a walk of 694,000 promised, and the rest is gathered.)
                probed = walk = True
                low = high - WALK_IDS if high - WALK_IDS > bottom else 0
            elif gather is not None and gather > walk_cost(wanted):
                # The walk read through a filter's own index (a minister's
                # questions), costing less than gathering every match: the
                # housing minister's answers on housing, at a million
                # questions, 17,800 gathered in 95 ms to keep the newest
                # 955; their newest 250,000 ids read so, 33 ms.
                walk, low = True, below
        if not walk and low is None and dated is not None and found:
            # The rest at once, every match read from the table, where the
            # filter bounds the tabling date and the newest ids held a few:
            # the most recently tabled of the rest instead, from that day
            # down (``veteran`` tabled by 2025: 115 matches among the
            # newest ids, then 17,800 read, 85 ms at 1M).
            tabled = _newest_tabled(dated, text, limit - len(found), high, day)
            if tabled is not None:
                return found + tabled


def _at_once(queryset, text, limit, low, top, bottom):
    """Whether to gather every id at once rather than the first range (above ``low``).

    Only with another filter, which the planner expects to leave the first
    range well short (``FEW``): the rest would be gathered after it, reading
    that filter's index again. And only if the filter's index rules out most
    of what the words match: under a filter no index serves, every match of
    the words would be read from the table to be tested.

    One plan (EXPLAIN, not run), of every id: the planner spreads a filter's
    matches evenly over the ids, so the first range's share of them is its
    share of the ids.
    """
    if len(queryset.query.where.children) < 2:  # the words alone
        return False
    every = _heap_scan(_plan(queryset, text, limit, None, None, top, blocks=True))
    if not every:
        return False
    first = every["Plan Rows"] * (top - low) / max(top - bottom, 1)
    return first < limit * FEW and every["Plans"][0]["Plan Rows"] <= every["Plan Rows"] * 2


# The widest range after a short one that is walked rather than gathered: a
# walk through it reads at most this many rows, a few milliseconds' worth.
# Wider, if gathering would cost more: the text index's entries for the
# words are read in full for any range, each about a third of what walking
# one row costs (at a million questions, "health" has 180,000 entries, read
# in 20 ms; 6,000 rows are walked in 2.5 ms). And a gathered range of a
# common word reads every match in it that no other index rules out, which
# is all of them under a filter without one ("answered late").
WALK_IDS = 20_000
WALK_PER_ENTRY = 1 / 3
# Fewer matches than this share of those wanted, planned for a first range
# thinned by another filter, and every id is gathered at once.
FEW = 0.25
# A row read through a bitmap, in rows walked: rows walked are read in the
# order they were added, several from each page; a bitmap's matches of a
# word are one to a page.
VISIT_ROWS = 4
# Every id left is gathered only after a walk of the next ``WALK_IDS`` ids
# where gathering is planned to cost more than this many such walks: the
# walk then costs at most that share of the gathering it may spare.
PROBE_WALKS = 4
# ... and where the walk the ranges so far promise costs at most this many
# times the gathering: a filter's matches may be thinner among the newest
# ids than further down, not many times thinner. And the gathering may be
# planned at half what it reads: "health" asked by the members named Gill
# and answered, at a million questions, 33 matches among the newest 6,000
# ids (a walk of 266,000 promised, 2.3 times the gathering planned), 28,000
# in the rest, where the planner expected 13,800; gathered, 130 ms; the
# next 20,000 ids, walked, hold 600, and the page takes 40.
PROBE_MISS = 3


# A gathered range this share of the ids or narrower is read through the
# block-range index. A wider one is not: the index's blocks are coarse, and
# intersected with the text index's matches they leave the intersection
# coarse too, so every row of those blocks is read and checked.
NARROW = 0.25


def _newest(queryset, text, limit, low, high, top, *, walk, blocks, through=False):
    """Ranked rows of the ``limit`` newest matches with ``low < pk <= high`` (None: no bound).

    How they are read: ``_newest_sql``; a walked range ``through`` a
    filter's own index (``_walk_cost``).
    """
    sql, params = _newest_sql(queryset, text, limit, low, high, top, walk=walk, blocks=blocks)
    with _bitmaps() if through else contextlib.nullcontext(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# An entry of a filter's own index, read for a range's bitmap, in rows
# walked: the index holds the filter's keys before the id, so every entry
# of those keys is read whatever the range (the members named Jenkins:
# 71,000 entries, 5 ms at a million questions, about what a walk of 8,000
# rows costs).
FILTER_ENTRY_ROWS = 0.15


def _walk_cost(queryset, text, limit, top, bottom):
    """What walking a range of ids costs, in rows walked, as a function of its width.

    A range is walked through the primary key, every row in it read and
    tested. Where a filter's own B-tree index holds the id (a member's
    questions, a minister's), the range can be read through it instead:
    every entry of the filter's keys (``FILTER_ENTRY_ROWS``), then only the
    filter's rows within the range, each from the table (``VISIT_ROWS``)
    with the words tested. The housing minister's answers on housing, at a
    million questions: 17,800 matches gathered in 95 ms to keep the newest
    955; their newest 250,000 ids read through the minister's index in 33.
    The filter's share of the rows is the planner's, from one plan
    (EXPLAIN, not run) of every id through bitmaps, made when first asked;
    the words alone, or a filter no such index serves, cost the width.
    """
    # The words alone have no filter's index to read; otherwise the share
    # is planned when first asked for.
    share = 0 if len(queryset.query.where.children) < 2 else None

    def cost(ids):
        nonlocal share
        if share is None:
            sql, params = _newest_sql(queryset, text, limit, 0, None, top, walk=True, blocks=False)
            with _bitmaps():
                scan = _heap_scan(_explain(sql, params))
            index = scan["Plans"][0] if scan else {}
            cond = index.get("Index Cond", "")
            # Not where the index bounds a date too: the rows a date keeps
            # lie among the ids of their day, not spread over every id.
            ok = index.get("Node Type") == "Bitmap Index Scan" and "(id > " in cond
            share = index["Plan Rows"] / max(top - bottom, 1) if ok and "date" not in cond else 0
        if not share:
            return ids
        return min(ids, share * (ids * VISIT_ROWS + (top - bottom) * FILTER_ENTRY_ROWS))

    return cost


def _plan(queryset, text, limit, low, high, top, *, blocks=False, walk=False):
    """The planner's plan (EXPLAIN, not run) for gathering a range (or walking it)."""
    return _explain(*_newest_sql(queryset, text, limit, low, high, top, walk=walk, blocks=blocks))


def _explain(sql, params):
    """The top node of the planner's plan for ``sql`` (EXPLAIN, not run)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Plan"]


def _planned_rows(queryset):
    """The planner's estimate of how many rows ``queryset`` holds (EXPLAIN, not run)."""
    return _rows_plan(queryset)["Plan Rows"]


def _rows_plan(queryset):
    """The planner's plan for reading ``queryset``'s keys, in no order (EXPLAIN, not run)."""
    return _explain(*queryset.order_by().values("pk").query.sql_with_params())


def _nodes(plan):
    """Every node of a plan, the top one first."""
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _heap_scan(plan):
    """The plan's read of the table through a bitmap of the indexes' matches, or None.

    Its ``Plan Rows`` are the rows expected to pass every condition; its
    bitmap's (``["Plans"][0]``), the rows expected to be read to test them.
    """
    return next((node for node in _nodes(plan) if node["Node Type"] == "Bitmap Heap Scan"), None)


def _rows_visited(plan):
    """How many rows the plan expects to read from the table (None: not through a bitmap)."""
    scan = _heap_scan(plan)
    return scan["Plans"][0]["Plan Rows"] if scan else None


def _newest_sql(queryset, text, limit, low, high, top, *, walk, blocks):
    """The SQL and parameters of ``_newest``.

    ``walk``: ordered by the primary key, bounded by it, so the planner may
    walk it newest first. Otherwise ordered by ``id + 0``, which the primary
    key cannot give in order: the matches are gathered through the indexes,
    and with ``blocks`` a narrow range (``NARROW``, of ``top`` ids) is
    bounded by ``id + 0`` as the block-range index of migration 0016 has it.
    Not for a common word: its text index entries cost the planner more than
    the block ranges, so it would read the coarse ranges first, and every
    row of those blocks would be checked.
    """
    order, bound = "pk", "pk"
    if not walk:
        queryset = queryset.alias(
            id_range=ExpressionWrapper(F("pk") + Value(0), output_field=BigIntegerField())
        )
        order = "id_range"
        if blocks and low is not None and (high or top) - low <= top * NARROW:
            bound = "id_range"
    if low is not None:
        queryset = queryset.filter(**{f"{bound}__gt": low})
    if high is not None:
        queryset = queryset.filter(**{f"{bound}__lte": high})
    newest = _candidates(queryset, [f"-{order}"], limit)
    # A walked range tests each row's vector: offered the text index, the
    # planner would read every match of a common word to intersect with the
    # range. Unbounded (a small table, or one never analysed), the planner
    # chooses, the text index among its ways. Walked, a list of askers or
    # posts is asked as their own B-tree index has it (``lookups.AmongOf``).
    newest.query.walk_search = walk and low is not None
    return _ranked_sql(newest, text)


def _candidates(queryset, ordering, limit):
    """The first ``limit`` rows of ``queryset`` in ``ordering``, as ``_ranked_sql`` ranks them."""
    return (
        queryset.select_related(None)
        .order_by(*ordering)
        .annotate(rank_vector=vector())
        .values_list("pk", "date_tabled", "rank_vector")[:limit]
    )


def _ranked_sql(newest, text):
    """SQL ranking ``newest`` (pk, date_tabled, rank_vector rows): PostgreSQL ranks
    only the rows the inner query keeps."""
    sql, params = newest.query.sql_with_params()
    return (
        "SELECT newest.pk, ts_rank(newest.rank_vector, "  # noqa: S608 - the ORM's own SQL
        f"websearch_to_tsquery(%s::regconfig, %s)), newest.date_tabled FROM ({sql}) newest",
        [CONFIG, text, *params],
    )


def _newest_tabled(queryset, text, limit, high, day=None):
    """Ranked rows of the ``limit`` most recently tabled (or answered) matches with
    ``pk <= high``, or None where reading them so would pass every newer question.
    ``day``: none of ``queryset`` was tabled after it, and the rows are read
    from it down (``_tabled_from``).

    The planner reads the tabling date's index newest first where it expects
    matches there soon. That is quick when the filter bounds the date (the
    index is read from that date down), and slow when it does not and the
    newest questions fail it: the planner expects the filter's matches
    spread through the dates, not all long ago. So the plan (EXPLAIN, not
    run) is read first, and an index read in order without a date to seek
    to is refused. A filter of answers given before a date is read newest
    answered first in the same way; where it gives the answers a last day
    (answered between two), one the planner would read along an index, the
    rows are walked from that day as a tabling day's are (``_tabled_from``).

    The planner expects the matches as thick among the dates as the words'
    and the filter's shares multiplied say; where they are much thinner (a
    common word among the questions of eleven members named Williams, one
    of whom asked 83,000: "health" is in 4,000 of theirs, not the 19,900
    expected), the walk passes far more questions than it expected (tabled
    by 2025, 244,000 and 160 ms at 1M). So the walk is given ``WALK_MS``,
    and past that the same rows are read through the indexes' bitmaps and
    sorted: the same matches, in the same order, whichever way they came.
    """
    rows = queryset.filter(pk__lte=high)
    if day is not None:
        tabled = _tabled_from(rows, text, limit, day)
        if tabled is not None:
            return tabled
    for column, order in _DATE_ORDERS.items():
        sql, params = _ranked_sql(_candidates(rows, order, limit), text)
        plan = _explain(sql, params)
        answered_by = _latest_bound(rows, column) if column == "answer_date" else None
        if answered_by is not None and _reads_along(plan, column):
            # Answers given by a day (and from another: ``ranks``), which the
            # planner would read along the answers' index, from the day or
            # the whole span and then sorted: walked from the day down, the
            # newest answered by then first (``_tabled_from``). Not where it
            # reads another filter's index (the few questions of the Lords:
            # 1 ms, against 11 for a first walk that finds none).
            answered = _tabled_from(rows, text, limit, answered_by, column)
            if answered is not None:
                return answered
        if _seeks(plan, column):
            if not _walks(plan):
                # Gathered through bitmaps and sorted: no walk to cut short.
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    return cursor.fetchall()
            walked = _in_time(sql, params, WALK_MS)
            if walked is not None:
                return walked
            first, *rest = order
            sql, params = _ranked_sql(_candidates(rows, [_unindexed(first), *rest], limit), text)
            with _bitmaps(), connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
    return None


# The orders of a list newest tabled and newest answered first, each read
# along its date's index (the answers' index holds the tabling date too).
_DATE_ORDERS = {
    "date_tabled": [F("date_tabled").desc(nulls_last=True), "-pk"],
    "answer_date": [
        answer_date().desc(nulls_last=True),
        F("date_tabled").desc(nulls_last=True),
        "-pk",
    ],
}


def _latest_bound(rows, column):
    """The earliest day ``rows``' filter says their date ``column`` is on or
    before, or None."""
    _, spans = _date_spans(rows, (column,))
    return spans.get(column, (None, None))[1]


# How long a walk of a date's index from a filter's day may take before the
# same rows are gathered instead (``_newest_tabled``). Such walks take up to
# 40 ms at a million questions where the planner's estimate holds.
WALK_MS = 60
# The most rows promised below the first walk from a day for which the rest
# is walked without asking the planner (``_walk_first``); past them, it is
# gathered unless the planner expects the gathering to cost more. The pages
# of 111 searches tabled or answered by a day, at a million questions, were
# timed both ways: of the 50 promised at most 90,000 rows, 49 were quicker
# walked (74,000 rows took 46 ms); of the 61 promised more, 59 were quicker
# gathered (a walk of 106,000 ran out of time). At 90,000 the pages took
# 8.64 s in all, against 8.60 each the quicker way and 8.79 at 60,000.
REST_WALK_ROWS = 90_000
# How many of the rows tabled by a day are walked first, at the least, to
# see how thick the matches are among them (``_tabled_from``): the rows from
# a day of ANALYZE's histogram, whose bins hold about 10,000 rows each at a
# million questions (5 to 7 ms).
PROBE_ROWS = 5_000


def _tabled_from(rows, text, limit, day, column="date_tabled"):
    """Ranked rows of the ``limit`` most recently tabled matches among ``rows``,
    every one of them tabled, and by ``day`` (the filter says so, or implies
    it: answered by that day); None where ANALYZE gives no date before which
    ``PROBE_ROWS`` were tabled. With ``column`` "answer_date", the most
    recently answered, every one answered by ``day``.

    The planner expects the matches as thick as the words' and the filters'
    shares multiplied say, and at a million questions it was wrong both
    ways. Much thinner: "health" is in 4,000 of the questions of eleven
    members named Williams, a fifth of what it expected; it walked the
    tabling date's index from the day down, passed five times the rows it
    planned for, and ran out of its time (``WALK_MS``) before the rows were
    gathered after all (125 ms for the page). Much thicker: "health" in the
    Department of Health's questions answered by 2016, 32,000 where it
    expected 1,400; it gathered them all, reading 21,000 blocks of the table
    (130 ms), where the first 1,001 lay within the first 1,100 rows down.
    So the newest ``PROBE_ROWS`` (or so) tabled by the day are walked first,
    and what they hold says how far the rest lies: within ``WALK_ROWS``, the
    walk goes on below them; further, the rest is gathered through the
    indexes and sorted. Either way the rows and their order are those of
    one walk.

    So too newest answered first, for answers given between two days
    (``_newest_tabled``). At a million questions, "schools" answered on time
    from 2020 to October 2024 was walked down the answers' index from
    October (77,000 rows for 1,001 matches), ran out of its time and was
    then gathered: 200 ms for the page. Now the 17,000 answers from mid-August
    are walked first (16 ms), and the rest below them (54 ms): 105 ms.
    "schools" answered late from 2018 to mid-2021: the planner read all
    265,000 answers of the span through the answers' index and sorted the
    3,300 matches (290 ms); now 80. A walk of answers costs more a row than
    one of tabling dates (the table is in the order questions were added,
    near their tabling), but timed both ways, the same ``REST_WALK_ROWS``
    served: 4.42 s for 58 such pages, against 4.38 at the best threshold.
    """
    stats = _column_stats(column)
    since, spanned = _since(stats, PROBE_ROWS, day) if stats else (None, 0)
    if since is None:
        return None
    first, *then = _DATE_ORDERS[column]
    date = Stored(column, DateField())

    def ranked(among, order, wanted):
        return _ranked_sql(_candidates(among, [order, *then], wanted), text)

    # The day may be one the filter implies but does not say (tabled by the
    # day its answers were given by): said for the first walk, which starts
    # there. Not for the rest, which starts below it.
    said = _latest_bound(rows, column)
    newest = rows if said is not None and said <= day else rows.filter(LessThanOrEqual(date, day))
    sql, params = ranked(_from_day(newest, column, since), first, limit)
    with _in_order(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    wanted = limit - len(found)
    if wanted <= 0:
        return found
    # Gathered, the bound is one no index holds: offered the date's index,
    # the planner intersected a member's with every entry of "health"
    # (182,000) rather than read the text index for those members alone. So
    # are the filter's own bounds on the dates where together they keep most
    # questions (``unindexed_wide_bounds``; the walked rows' day implies its
    # "tabled by"): offered one, the planner intersected the text index's
    # entries of "housing" asked by the members named Robertson (7,900) with
    # every question tabled by mid-2022 (656,000, 26 ms) to rule out 2,900
    # rows (52 ms against 33 at a million questions).
    rest = unindexed_wide_bounds(rows)
    rest = rest.filter(LessThan(_plain(date), since))
    gather = ranked(rest, _unindexed(first), wanted)
    # Every row left is dated before the walked ones: its rows follow them.
    if found and _walk_first(wanted * spanned / len(found), gather):
        sql, params = ranked(rows.filter(LessThan(date, since)), first, wanted)
        walked = _in_time(sql, params, WALK_MS, **IN_ORDER)
        if walked is not None:
            return found + walked
    with _bitmaps(), connection.cursor() as cursor:
        cursor.execute(*gather)
        return found + cursor.fetchall()


def _walk_first(promised, gather):
    """Whether to walk the ``promised`` rows rather than run ``gather`` (the
    same rows through the indexes' bitmaps, sorted): within ``REST_WALK_ROWS``,
    or within what the planner expects the gathering to read from the table
    (``VISIT_ROWS`` each). A common word under a filter no index serves
    ("nhs" in answers given on time, tabled by mid-2025, at a million
    questions): its 44,000 matches by then each read to keep 10,600, 200
    ms, where the walk the newest promised, 78,000 rows, took 50."""
    if promised <= REST_WALK_ROWS:
        return True
    with _bitmaps():
        visits = _rows_visited(_explain(*gather))
    return visits is not None and promised <= visits * VISIT_ROWS


def _in_time(sql, params, ms, **settings):
    """The rows of ``sql``, or None where it takes more than ``ms`` milliseconds
    (the database cancels it, and the transaction goes on as before); under
    the planner's ``settings``, where given."""
    try:
        with _planner(statement_timeout=f"{ms}ms", **settings), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    except OperationalError as error:
        if isinstance(error.__cause__, psycopg.errors.QueryCanceled):
            return None
        raise


def keys_in_time(keys, ms, walked=False):
    """The values of ``keys`` (a query of primary keys), or None where reading
    them takes more than ``ms`` milliseconds (``_in_time``). ``walked``: read
    along an index in their order (``IN_ORDER``) where the planner's own way
    reads and sorts them; None at once where its way is that walk."""
    if keys.query.is_empty():  # a filter that leaves nothing (``QuerySet.none()``)
        return []
    sql, params = keys.query.sql_with_params()
    if walked and not _sorts(_explain(sql, params)):
        return None
    return _keys_in_time(sql, params, ms, **(IN_ORDER if walked else {}))


def _keys_in_time(sql, params, ms, **settings):
    """The keys ``sql`` reads (one column), or None past ``ms`` (``_in_time``)."""
    found = _in_time(sql, params, ms, **settings)
    return None if found is None else [pk for (pk,) in found]


# The most questions ``waited_keys`` gives (at a million questions, 3,300
# awaited an answer on the last day of June 2019), and its time to read them.
WAITED_KEYS = 5_000
WAITED_MS = 30
# An entry of the answers' index read in its order, its tabling date tested
# and no row read, in microseconds (590,000 in 11 ms at a million questions).
WAITED_ENTRY_US = 0.02


def waited_keys(questions, tabled_to, answered_from, text=None):
    """The keys of ``questions`` tabled by ``tabled_to`` and answered on or after
    ``answered_from``, a later day: those that waited at least the days
    between, which are few however many each bound keeps alone. None where
    there are more than ``WAITED_KEYS``, or reading them would cost more than
    the list's own way, or takes more than ``WAITED_MS``.

    The planner takes the two bounds as unrelated, and a list of "health"
    tabled by mid-2019 and answered since September that year is planned to
    have 4,000 rows; it has one. So the database walks the tabling date's
    index to find them, every question tabled by the day read and tested
    (at a million questions, 230,000 rows: 160 ms). The answers' index holds
    the tabling date beside the answer's (``question_newest_answered``), and
    read from the later day up it tests both without reading the table:
    here, the answers given since are read as index entries (``WAITED_ENTRY_US``),
    where costed by ANALYZE's histograms they are cheaper than the rows
    tabled by the day; and, searching ``text``, than the words' matches,
    each read from the table (a rare word's are few: the list's own way is
    quicker).
    """
    if answered_from <= tabled_to:
        return None
    answered, tabled = _column_stats("answer_date"), _column_stats("date_tabled")
    if answered is None or tabled is None:
        return None
    cost = _between(answered, answered_from, None) * WAITED_ENTRY_US
    if cost > _between(tabled, None, tabled_to) * WALK_ROW_US:
        return None
    share = first_range(text, 1).share if text else None
    if share is not None and cost > share * tabled[0] * (TEXT_ENTRY_US + WINDOW_ROW_US):
        return None
    # Oldest answer first: the questions that waited least come first, and
    # where they are many, the walk stops soon.
    waited = (
        questions.filter(date_tabled__lte=tabled_to)
        .alias(answer_date=answer_date())
        .filter(answer_date__gte=answered_from)
        .order_by(
            answer_date().asc(nulls_first=True),
            F("date_tabled").asc(nulls_first=True),
            F("id").asc(),
        )
        .values_list("pk", flat=True)[: WAITED_KEYS + 1]
    )
    found = _keys_in_time(*waited.query.sql_with_params(), WAITED_MS, **IN_ORDER)
    return None if found is None or len(found) > WAITED_KEYS else found


# ``+ 0``: read from the spans' index, not the oldest questions up the tabling
# date's, in search of the earliest that match.
_TABLED_SINCE = """
SELECT min(date_tabled + 0) FROM answers_question
WHERE answer_date >= date_tabled AND daterange(date_tabled, answer_date, '[]') @> %s
"""


# How many times the rows it holds the planner must expect a list tabled by
# a day that keeps most questions, and answered from an earlier day, to be
# bounded by the first day tabled (``tabled_since``).
SINCE_OVER = 3


def tabled_since(answered_from, tabled_to):
    """For a list answered from ``answered_from`` and tabled by ``tabled_to``, a
    later or the same day: the first day a question answered from
    ``answered_from`` was tabled (``answered_from`` itself, or the tabling
    day of the earliest question waiting on it for its answer), to bound
    the list by; or None where none was tabled before ``answered_from``, or
    the planner's guess of the list is near enough (by ANALYZE's histograms).

    The list is the questions tabled between the two days and those that
    waited into the span, few; the planner takes the two bounds as
    unrelated (migration 0024). Where the day tabled by keeps fewer than
    ``WIDE`` of the questions, its index is read to count them, from the
    oldest question up: a department's tabled by 2019 and answered since
    2017 passed 250,000 rows tabled before 2017 (at a million questions, 209
    ms; bounded, 47). Where it keeps more, the count reads the other
    filters' indexes, and only a list far shorter than expected reads far
    (``SINCE_OVER``): a department's questions tabled by mid-2021 and
    answered since then read 143,000 rows for 790 (394 ms; bounded, 58).
    Otherwise the bound would cost more than it saves: to the planner it
    is the answer's bound again, and a list of most questions is expected
    to be a few, for which the whole table is read (a department's tabled
    by 2026 and answered since mid-2018: 31 ms, bounded 189).

    The questions waiting on a day are found in the index of their spans,
    ``question_pending`` (at a million questions, 3,500 in 3 ms). A question
    that waited years pulls the day back by as much: the bound is then
    loose, never wrong.
    """
    tabled, answered = _column_stats("date_tabled"), _column_stats("answer_date")
    if tabled is None or answered is None or not _between(tabled, None, answered_from):
        return None
    by = _between(tabled, None, tabled_to)
    if by >= WIDE * tabled[0]:
        expected = by * _between(answered, answered_from, None) / tabled[0]
        if expected < SINCE_OVER * _between(tabled, answered_from, tabled_to):
            return None
    with connection.cursor() as cursor:
        cursor.execute(_TABLED_SINCE, [answered_from])
        (first,) = cursor.fetchone()
    return answered_from if first is None else min(first, answered_from)


# The time a deep page of a list without words has to gather its keys
# (``gathered_keys``).
GATHER_MS = 50


def gathered_keys(rows, wanted, upto):
    """The keys of the first ``wanted`` rows of ``rows`` (a list without words, in
    its order) for a page ending at row ``upto``, every match read through
    the indexes' bitmaps and sorted; or None where the planner expects the
    list's own index to reach that row sooner, or gathering takes more than
    ``GATHER_MS``: the list is then counted and walked.

    Past the rows a list counts, a deep page walks the ordering's index and
    tests each row: at a million questions, page 20 of the questions asked
    by the members named Williams and answered by Marsha Lewis walked
    238,000 rows (160 ms) to pass 475 of their 2,213. Gathered, the text
    index gives those 2,213 (20 ms). A row read through a bitmap costs
    ``VISIT_ROWS`` walked, and the walk passes as many of the index's
    entries for each match as the planner's density of them says: a list
    with many matches (a department's) is walked. So is one whose walk
    tests no row, its index holding its matches alone (the withdrawn
    questions'), or that reads only part of its index (from a day). Where
    the planner's own way to the page gathers and sorts every match, the
    keys are read its way, with no time limit: the page would read them so.
    Where the walk reads a span of an index that holds all the list tests
    (an index-only scan), the first keys are read in order from it.
    """
    if rows.query.is_empty():  # a filter that leaves nothing (``QuerySet.none()``)
        return []
    first, *rest = rows.query.order_by or [None]
    if not isinstance(first, OrderBy):
        return None
    keys = rows.values_list("pk", flat=True)
    page = keys[:upto].query.sql_with_params()
    own = _explain(*page)
    if _heap_scan(own) is not None and _sorts(own):
        # The planner's own way to the page reads every match and sorts
        # them: read once, they are the count and the page. Counted first,
        # then read again for the page, the matches of a department's
        # questions asked by the members named Gill and answered late took
        # the indexes' bitmaps twice (at a million questions, 32 ms and 39).
        return list(keys[:wanted])
    with _in_order():
        walk = _explain(*page)
    walked = next(
        (n for n in _nodes(walk) if n["Node Type"] in ("Index Scan", "Index Only Scan")), None
    )
    if walked is not None and walked["Node Type"] == "Index Only Scan" and "Index Cond" in walked:
        # The list's span of an index that holds all it tests: its first keys
        # in order are read from the index alone, and are the count and the
        # page. Counted, then walked again for the page by key, a
        # department's answers since 2021, newest answered, page 20 sorted
        # the 1,846 rows the count found (at a million questions, 11 ms).
        with _in_order():
            return list(keys[:wanted])
    if walked is None or "Filter" not in walked or "Index Cond" in walked:
        return None
    gather = rows.order_by(_unindexed(first), *rest).values_list("pk", flat=True)[:wanted]
    sql, params = gather.query.sql_with_params()
    with _bitmaps():
        scan = _heap_scan(_explain(sql, params))
    if scan is None or walked["Plan Rows"] <= 0:
        return None
    passed = upto * _index_entries(walked["Index Name"]) / walked["Plan Rows"]
    if scan["Plans"][0]["Plan Rows"] * VISIT_ROWS >= passed:
        return None
    return _keys_in_time(sql, params, GATHER_MS, enable_indexscan="off")


# Each index's entries, by ANALYZE, and when they were read.
_indexes = {}


def _index_entries(name):
    """How many entries the index ``name`` holds (0 before ANALYZE has seen it)."""

    def read():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT greatest(reltuples, 0) FROM pg_class "
                "WHERE relname = %s AND relnamespace = current_schema()::regnamespace",
                [name],
            )
            row = cursor.fetchone()
        return row[0] if row else 0

    return _remembered(_indexes, name, read)


def _remembered(store, key, read):
    """``read()``, kept in ``store`` under ``key`` for ``SHARES_SECONDS``: what
    ANALYZE found changes slowly."""
    when, value = store.get(key, (None, None))
    if when is None or time.monotonic() - when > SHARES_SECONDS:
        value = read()
        store[key] = (time.monotonic(), value)
    return value


def _sorts(plan):
    """Whether the plan sorts what it reads (rather than reading it in order)."""
    return any(node["Node Type"] == "Sort" for node in _nodes(plan))


def _walks(plan):
    """Whether the plan reads an index in order (rather than gathering through bitmaps)."""
    return any(node["Node Type"] in ("Index Scan", "Index Only Scan") for node in _nodes(plan))


def _bound_reads(plan, column):
    """The plan's reads of an index from a bound on ``column``."""
    return [node for node in _nodes(plan) if column in node.get("Index Cond", "")]


def _reads_along(plan, column):
    """Whether the plan reads an index in order from a bound on ``column``
    (and then sorts what it read, or not)."""
    return any(
        node["Node Type"] in ("Index Scan", "Index Only Scan")
        for node in _bound_reads(plan, column)
    )


def _seeks(plan, column):
    """Whether every index the plan reads in order starts from a bound on
    ``column`` and gives the rows in the order wanted: an index read and
    then sorted is read whole, from its oldest entry to the bound (at a
    million questions, the 231,000 tabled by 2016, 190 ms)."""
    sorted_after = _sorts(plan)
    return not any(
        node["Node Type"] in ("Index Scan", "Index Only Scan")
        and (sorted_after or column not in node.get("Index Cond", ""))
        for node in _nodes(plan)
    )


# Each searched word's lexemes, and the highest and the lowest question ids.
_LEXEMES = """
SELECT word, tsvector_to_array(to_tsvector(%s::regconfig, word)),
    (SELECT max(id) FROM answers_question), (SELECT min(id) FROM answers_question){shares}
FROM unnest(%s::text[]) AS word{stats}
"""
# With them, now and then: the lexemes ANALYZE found most common in the
# search vectors, each with its share of questions, then the least and the
# greatest of those shares and the share of empty vectors. The least bounds
# every other lexeme's share.
_STATS = """
LEFT JOIN (
    SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS shares
    FROM pg_stats
    WHERE schemaname = current_schema() AND tablename = 'answers_question'
        AND attname = 'search_vector'
) AS stats ON true
"""
# How long a process keeps the shares: ANALYZE changes them slowly, and
# reading them (thousands of lexemes) costs more than a search.
SHARES_SECONDS = 600
# A search whose words may be in this share of questions or more has its
# first range walked: as many of the newest rows as the share says hold
# ``limit`` matches, a tenth to spare, each tested (at one question in
# thirty, 33,000 rows for 1,000). Below it the first range is gathered: the
# text index's matches are
# intersected with the range's blocks, and the text index, the cheaper to
# read, comes first (migration 0016).
COMMON = 0.03
_shares = {"read": None, "common": {}, "floor": None}


class FirstRange(NamedTuple):
    """Where a search starts (``first_range``)."""

    low: int | None  # the range is the ids above this (None: every id)
    top: int | None  # the highest id
    share: float | None  # the most of the questions the words can be in (None: unknown)
    bottom: int | None  # the lowest id


def first_range(text, limit):
    """The id above which ``limit`` matches of ``text`` are likely, the highest and
    the lowest ids, and the most of the questions the words can be in, which
    says whether they are common (``COMMON``), so that range is walked, not
    gathered. One query.

    Without statistics (a table never analysed), or with only stop words to
    go by, every id is walked, and the planner chooses how.

    Every positive clause must match, so the matches are at most the rarest
    clause's share; an OR clause's share is at most the sum of its terms';
    a term's (a word, or a phrase's words) at most its rarest lexeme's. A
    lexeme ANALYZE did not find common is rarer than the least it did.
    """
    search = parse(text)
    words = sorted({word for clause in search.positive for term in clause for word in term.words})
    stale = _shares["read"] is None or time.monotonic() - _shares["read"] > SHARES_SECONDS
    sql = _LEXEMES.format(
        shares=", stats.elems, stats.shares" if stale else "", stats=_STATS if stale else ""
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [CONFIG, words])
        rows = cursor.fetchall()
    if not rows:
        return FirstRange(None, None, None, None)
    if stale:
        elems, shares = rows[0][4] or [], rows[0][5] or []
        _shares.update(
            read=time.monotonic(),
            common=dict(zip(elems, shares, strict=False)),
            floor=shares[len(elems)] if elems else None,
        )
    known, floor = _shares["common"], _shares["floor"]
    top, bottom = rows[0][2] or 0, rows[0][3] or 0
    if floor is None:  # never analysed
        return FirstRange(None, top, None, bottom)
    lexemes = {row[0]: row[1] for row in rows}

    def share(term):
        # A term's words must all match: at most its rarest lexeme's share.
        found = [known.get(lexeme, floor) for word in term.words for lexeme in lexemes[word]]
        return min(found) if found else None  # only stop words: no bound

    bounds = []
    for clause in search.positive:
        terms = [share(term) for term in clause]
        if None not in terms:
            bounds.append(sum(terms))
    if not bounds or min(bounds) <= 0:
        return FirstRange(None, top, None, bottom)
    share = min(bounds)
    width = limit * (WALK_MARGIN if share >= COMMON else MARGIN) / share
    return FirstRange(int(top - width) if top - width > bottom else None, top, share, bottom)


def with_snippets(queryset, text):
    from answers.models import Answer

    # The answer's text through a subquery, not a join: the list counts its
    # rows from this same queryset, and a join would be counted along.
    answer_text = Subquery(Answer.objects.filter(question=OuterRef("pk")).values("text")[:1])
    answer = Func(
        Coalesce(answer_text, Value("")),
        Value("<[^>]*>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    document = Concat(F("text"), Value(" "), answer, output_field=TextField())
    # ts_headline is costly, and PostgreSQL runs it only for the rows of the
    # page, after the sort and the LIMIT.
    return queryset.annotate(
        search_snippet=SearchHeadline(
            document,
            query(text),
            config=CONFIG,
            start_sel=START,
            stop_sel=STOP,
            max_fragments=2,
            max_words=24,
            min_words=10,
            fragment_delimiter=" … ",
        )
    )


def rebuild():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE answers_question q SET search_vector = answers_question_document(
                q.uin, q.heading, q.text,
                (SELECT a.text FROM answers_answer a WHERE a.question_id = q.id),
                (SELECT m.name FROM answers_member m WHERE m.id = q.asking_member_id)
            )
            """
        )


# How many more rows than the planner expects to hold the matches wanted a
# window spans: its estimate multiplies the shares of independent filters.
WINDOW_MARGIN = 1.5
# A window wider than this share of the table saves nothing: the list's own
# index is walked as quickly.
WINDOW_WIDEST = 0.5
# What reading a window costs against walking, in microseconds at a million
# questions on these machines: a row walked and tested; an entry of the text
# index (every match of the words is read into the window's bitmap); an
# entry of the date's index within the window; a row of the window read and
# sorted. Walking suits the first pages of a word in one question in fifty,
# and every page of a common word (its text index entries alone cost more
# than the walk: "health" has 180,000); the window, the deep pages of the
# first.
WALK_ROW_US = 1.0
TEXT_ENTRY_US = 0.16
DATE_ENTRY_US = 0.05
WINDOW_ROW_US = 2.0
# What ANALYZE found of a column's values, per column, and when it was read.
_columns = {}
_COLUMN_STATS = """
SELECT c.reltuples, s.null_frac, s.most_common_vals::text::date[], s.most_common_freqs,
    s.histogram_bounds::text::date[]
FROM pg_class c
JOIN pg_stats s ON s.schemaname = current_schema() AND s.tablename = c.relname
    AND s.attname = %s
WHERE c.oid = 'answers_question'::regclass
"""


def newest_keys(
    queryset, text, column, wanted, upto, before=None, after=None, implied=False, tabled_before=None
):
    """The keys of the first ``wanted`` rows of ``queryset`` (a search listed newest
    first by the date ``column``), in its order; all of them where there are
    fewer. None where walking the list is quicker: the caller then counts it
    and reads the page its own way. ``after`` and ``before``: days the
    list's dates are known to be between (a filter's "from" and "to"), or
    None.

    Walked, the date's index is read from the newest question, each one
    tested: at a million questions, the 1,000th match of a word in one
    question in fifty is 50,000 questions down, 50 ms. Instead the keys are
    read from a window of the newest dates: the database intersects the
    words' index with the date's and sorts what is left, a few thousand rows
    whatever the page (10 ms). Not for a page whose ``upto`` matches the
    walk finds sooner, nor for a common word, whose text index costs more to
    read than the walk (``WALK_ROW_US``).

    How far back the window goes comes from the planner's estimate of the
    matches (EXPLAIN, not run) and the date's histogram from ANALYZE: as
    many of the newest rows as should hold ``wanted`` matches, half again to
    spare. The planner multiplies the shares of the words and the filters as
    if unrelated, and a window can hold fewer: its own matches then tell how
    many the list holds. Few (a common word asked by one member), and every
    match is read and sorted (``_gathered``); more, and the list is walked.
    Where the estimate itself says the matches are few, they are read and
    sorted at once.

    A filter that keeps only older questions (answered by 2016) puts every
    match at or before its day: the window then ends there. The matches'
    density is reckoned over the rows between the filter's days, not the
    whole table. Where ``before`` is ``implied`` (tabled by the day the
    questions were answered by), the planner multiplies the two bounds'
    shares as if unrelated; but one follows from the other, and its
    estimate of the matches is divided by the bound's share.

    Newest answered first, questions tabled by a day (``tabled_before``)
    were answered that day or later, and the answers given after it are
    nearly all to questions tabled later: a walk passes them first (in the
    answers' index, which holds the tabling date), and a window reckoned
    from the answers' dates alone holds few of the list's
    rows (``nhs`` tabled by mid-2026, page 20: the answers since July
    held 138 of 1,001, and every match was then gathered, 180 ms at a
    million questions). So the list's rows are reckoned among those tabled
    by the day, and its window of answers starts where the newest of those
    were tabled, if that is earlier.
    """
    if queryset.query.is_empty():  # a filter that leaves nothing (``QuerySet.none()``)
        return None
    stats = _column_stats(column)
    if stats is None:
        return None
    # The rows the list's dates can reach: the whole table, or those between
    # the filter's days.
    total = stats[0] if before is None and after is None else _between(stats, after, before)
    tabled = _column_stats("date_tabled") if tabled_before is not None else None
    # The answers a walk passes before the list's newest: those given after
    # its questions' last tabling day, each an entry of the answers' index
    # (which holds the tabling date too, so they are passed in the index).
    skipped = 0
    if tabled is not None:
        total = min(total, _between(tabled, None, tabled_before))
        if before is None or before > tabled_before:
            skipped = _between(stats, tabled_before, before)
    matches = _planned_rows(queryset)
    if not matches or total <= 0:
        return None
    if implied and before is not None:
        # Not for the window below: near the day, many of its questions
        # were answered after it, and the planner's own estimate stands.
        matches /= max(_between(stats, None, before) / stats[0], 1 / stats[0])
    rows = wanted * WINDOW_MARGIN * total / matches
    # The text index gives up every entry of the words, whatever else the
    # list is filtered by, and whatever the dates.
    words = first_range(text, wanted).share
    entries = stats[0] * words if words is not None else matches
    # Unbounded, the list is counted (the text index's matches read up to
    # the limit, or the table walked to it, whichever is less) and then
    # walked to the page.
    walk = skipped * DATE_ENTRY_US + (upto * total / matches) * WALK_ROW_US
    walk += min(entries * TEXT_ENTRY_US + wanted * WINDOW_ROW_US, wanted * total / matches)
    # Every match read and sorted, at worst every match of the words: the
    # planner's estimate of a filter's share may be far too low (questions
    # tabled by 2016 and answered by then are mostly the same questions).
    gather = (
        entries * TEXT_ENTRY_US + total * words * WINDOW_ROW_US
        if words is not None
        else float("inf")
    )
    since, spanned = _since(stats, rows, before) if rows <= total * WINDOW_WIDEST else (None, 0)
    dates = rows  # the date index's entries the window reads
    if tabled is not None and rows <= total * WINDOW_WIDEST:
        day, count = _since(tabled, rows, tabled_before)
        if day is not None and (since is None or day < since):
            since, spanned, dates = day, count, _between(stats, day, before)
    bounded = (
        entries * TEXT_ENTRY_US + dates * DATE_ENTRY_US + wanted * WINDOW_MARGIN * WINDOW_ROW_US
        if since is not None
        else float("inf")
    )
    if walk <= min(gather, bounded):
        return _walk(queryset, column, stats, wanted, upto, matches / total, before, implied)
    if gather < bounded:
        # Few matches, however old (a rare word, or a filter that keeps only
        # questions answered by 2016): no window of the newest would hold them.
        with _bitmaps():
            return _gathered(queryset, wanted)
    window = _from_day(queryset, column, since)
    keys = []
    # A filter may bound the date too (answered by 2016): the planner then
    # expects the window to hold next to nothing, and it is not read. One
    # plan says that and which indexes the window's read would take.
    with _bitmaps():
        plan = _rows_plan(window)
    if plan["Plan Rows"] >= wanted:
        with _bitmaps():
            read = _window_read(window, column, tabled, plan)
            keys = list(read.values_list("pk", flat=True)[:wanted])
        if len(keys) >= wanted:
            return keys
    # Fewer: the window's own matches say how thick they are in the list
    # (none, where the filter keeps only older questions: then the planner's
    # estimate, and the words' own share, must do). Few in all, and
    # gathering them costs less than walking to the page.
    if keys:
        share = len(keys) / max(spanned, 1)
        gather = entries * TEXT_ENTRY_US + share * total * WINDOW_ROW_US
    else:
        share = matches / total
    if gather > skipped * DATE_ENTRY_US + upto / share * WALK_ROW_US:
        return _walk(queryset, column, stats, wanted, upto, share, before, implied)
    with _bitmaps():
        return _gathered(queryset, wanted)


def _window_read(window, column, tabled, plan):
    """``window`` (a window of answers' dates, ``column``), to read through its
    date's index: with a "tabled by" bound that keeps most questions
    (``tabled``: the list bounds its tabling date) written ``date + 0``
    where the planner's ``plan`` for it reads that bound's index instead.

    The answers' index (its date, then the tabling date) tests both bounds
    in one read, but the planner, offered the tabling date's own index for
    the same bound, does not intersect both: at a million questions, page 40
    of `schools` tabled by March 2023, newest answered, intersected the
    text index with every question tabled by then (714,000) and read 31,000
    rows from the table for 1,801 (173 to 211 ms); through the window's
    date, 13,700 (72 ms for the page). Where the planner reads the window's
    date already (tabled between two days, the answers' index with both),
    the window is read as it is.
    """
    if tabled is None or _bound_reads(plan, column):
        return window
    return unindexed_wide_bounds(window, ("date_tabled",))


# The share of questions a date's bounds keep at which a count reads no
# index for them (``unindexed_wide_bounds``).
WIDE = 0.5


def unindexed_wide_bounds(rows, columns=None, ending=()):
    """``rows`` with the bounds on a date of questions (of ``columns``) written as ``date + 0``,
    which no index holds, where together they keep at least ``WIDE`` of the
    questions (by ANALYZE's histogram): the same rows, to count up to a limit
    in any order.

    Counting "health" asked by eleven members named Williams and answered by
    mid-2022, the planner's way through bitmaps intersected the text index's
    with every answer given by then (640,000 entries, 40 ms), which cost more
    by its estimate than reading the table in its own order until the limit;
    so it read the table, where their matches are a fifth as thick as it
    expects: 248,000 rows for the first thousand (170 ms at a million
    questions). Without the date's index, the text index's own bitmap (the
    members' entries of "health", 20 ms) is its cheaper way. Not for reading
    every match and sorting: there the date's bitmap can halve the rows read
    from the table (`prisons` answered by 2020: 11,000 blocks against
    20,000, 42 ms against 90).
    """
    asked = (*(columns or ("date_tabled", "answer_date")), *ending)
    bounds, spans = _date_spans(rows, asked)
    wide = set()
    for column, (after, before) in spans.items():
        stats = _column_stats(column)
        if column in ending and after is not None:
            continue
        if stats is not None and _between(stats, after, before) >= stats[0] * WIDE:
            wide.add(column)
    if not wide:
        return rows
    rows = rows.all()
    rows.query.where.children = [
        type(child)(_plain(child.lhs), child.rhs) if column in wide else child
        for child, column in bounds
    ]
    return rows


def _date_spans(rows, columns):
    """``rows``' filter's bounds on the dates of ``columns``: each condition of
    the filter with the date it bounds (or None), and each date's bounds
    together, from its latest "on or after" to its earliest "on or before"
    (``{column: (after, before)}``). None of either where the filter is not
    its conditions all together."""
    where = rows.query.where
    if where.connector != "AND" or where.negated:
        return [], {}
    bounds = [(child, _date_bound(child, columns)) for child in where.children]
    spans = {}
    for child, column in bounds:
        if column is not None:
            after, before = spans.get(column, (None, None))
            if isinstance(child, GreaterThanOrEqual):
                after = child.rhs if after is None else max(after, child.rhs)
            else:
                before = child.rhs if before is None else min(before, child.rhs)
            spans[column] = (after, before)
    return bounds, spans


def _date_bound(lookup, columns=None):
    """The date of questions ``lookup`` bounds ("on or before" or "on or after" a
    day), or None; only of ``columns`` where given."""
    if not isinstance(lookup, (LessThanOrEqual, GreaterThanOrEqual)):
        return None
    lhs = lookup.lhs
    if isinstance(lhs, Stored):
        column = lhs.column
    else:
        column = getattr(getattr(lhs, "target", None), "column", None)
    if column in (columns or ("date_tabled", "answer_date")) and isinstance(
        lookup.rhs, datetime.date
    ):
        return column
    return None


def _walk(queryset, column, stats, wanted, upto, density, before, implied):
    """None (the caller counts the list and walks it to the page), or where
    the planner would not walk it, the first ``wanted`` keys read here.

    With ``implied`` bounds, the planner's estimate of the matches is
    several times too low (``newest_keys``), and by it a deep page of the
    list costs the same whether the date's index is walked newest first or
    read whole, oldest first, and sorted: it does the second. At a million
    questions, page 40 of "schools -children" answered by 2016 read 231,000
    rows (144 ms) for its page and 33,000 (21 ms) to count it; walked here,
    the first 1,001 matches are 34,000 rows down (16 ms).

    Only where the estimate (``density`` of matches a row, corrected) says
    the walk finds them within ``WALK_ROWS`` rows, and it stops there:
    another filter's share may be far from the planner's either way (a
    department's questions and "health" are many more; a member's and a
    word, fewer). Found fewer, every match is gathered. Not for the first
    pages: the caller's count and page cost less.
    """
    if not implied or upto * 2 <= wanted:
        return None
    if wanted / density <= WALK_ROWS:
        since, _ = _since(stats, WALK_ROWS, before)
        walked = queryset if since is None else _from_day(queryset, column, since)
        with _in_order():
            keys = list(walked.values_list("pk", flat=True)[:wanted])
        if len(keys) >= wanted or since is None:
            return keys
    with _bitmaps():
        return _gathered(queryset, wanted)


# The most rows a deep page's walk passes (``_walk``): about 30 ms at a
# million questions.
WALK_ROWS = 60_000


def _from_day(queryset, column, day):
    """``queryset``'s rows whose date ``column`` (a stored column) is ``day`` or later."""
    return queryset.filter(GreaterThanOrEqual(Stored(column, DateField()), day))


@contextlib.contextmanager
def _bitmaps():
    """The planner without plain index scans, for the queries within.

    A window or every match is read whole, and sorted: through bitmaps of
    the indexes (the words', intersected with the date's), each row once.
    Left to itself, the planner may instead read the window's dates through
    their index, visiting every row of it to test the words: at a million
    questions, 95,000 rows and 88 ms against 20 ms.
    """
    with _planner(enable_indexscan="off"):
        yield


# The planner without sorts or bitmaps: a list is read through its own
# date's index, in its order (``_in_order``, ``_tabled_from``).
IN_ORDER = {"enable_sort": "off", "enable_bitmapscan": "off"}


@contextlib.contextmanager
def _in_order():
    """The planner without sorts or bitmaps (``IN_ORDER``), for the queries
    within: the list is read through its own date's index, in its order
    (``_walk``)."""
    with _planner(**IN_ORDER):
        yield


@contextlib.contextmanager
def _planner(**settings):
    """The planner's ``settings`` for the queries within, then as they were."""
    outer = connection.in_atomic_block
    names = list(settings)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One query for all: each setting as it was, then set.
            cursor.execute(
                "SELECT "
                + ", ".join(["current_setting(%s), set_config(%s, %s, true)"] * len(names)),
                [part for name in names for part in (name, name, settings[name])],
            )
            before = dict(zip(names, cursor.fetchone()[::2], strict=True))
        yield
        if outer:
            # Set for the transaction, which goes on: put back as it was.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(before)),
                    [part for item in before.items() for part in item],
                )


def _gathered(queryset, wanted):
    """The keys of the first ``wanted`` rows of ``queryset`` in its order, every
    match read through the indexes and sorted (``_unindexed``)."""
    first, *rest = queryset.query.order_by
    return list(queryset.order_by(_unindexed(first), *rest).values_list("pk", flat=True)[:wanted])


def _unindexed(first):
    """The first date of an order (an ``OrderBy``) as an expression, which no
    index is in the order of: the rows are then gathered and sorted."""
    return OrderBy(
        _plain(first.expression), descending=first.descending, nulls_last=first.nulls_last
    )


def _plain(date):
    """The date expression ``date`` as ``date + 0``: the same value, in no index."""
    return Func(date, template="(%(expressions)s + 0)", output_field=DateField())


def _column_stats(column):
    """``(rows, null share, common values, their shares, histogram bounds)`` of a
    date column of questions, or None before ANALYZE has seen it."""

    def read():
        with connection.cursor() as cursor:
            cursor.execute(_COLUMN_STATS, [column])
            row = cursor.fetchone()
        # A column of few values has them all among the common ones, and no
        # histogram.
        return row if row and row[0] and row[0] > 0 and (row[4] or row[2]) else None

    return _remembered(_columns, column, read)


def _layout(stats):
    """``(common values with their shares, histogram bounds, the share of rows
    each histogram bin holds)`` from ``_column_stats``."""
    _, nulls, common, shares, bounds = stats
    common = list(zip(common or [], shares or [], strict=False))
    bounds = bounds or []
    # The rows the histogram spreads over its bins: those neither empty nor
    # among the common values.
    spread = max(1 - (nulls or 0) - sum(share for _, share in common), 0) if bounds else 0
    return common, bounds, spread / max(len(bounds) - 1, 1)


def _between(stats, after, before):
    """About how many rows have a date from ``after`` to ``before`` (either
    may be None, for no bound): every bin that reaches into the span, and
    the common values in it."""
    common, bounds, per_bin = _layout(stats)

    def within(low, high):
        return (after is None or high >= after) and (before is None or low <= before)

    share = per_bin * sum(1 for low, high in itertools.pairwise(bounds) if within(low, high))
    share += sum(part for value, part in common if within(value, value))
    return share * stats[0]


def _since(stats, rows, before=None):
    """The latest date with at least ``rows`` rows from it to ``before`` (or to
    the newest), by ANALYZE's common values and histogram, and how many rows
    lie from it to ``before`` (``(None, 0)``: no such date).

    The date is chosen by the bins wholly between the two. The rows counted
    add the bin ``before`` falls in, by the share of its days up to it: a
    walk from ``before`` down passes them too. Without them, "housing" asked
    by the members named Robertson and tabled by the end of 2024 was walked
    from October (10,500 rows counted, 19,700 there) for a promised 56,000
    rows, which took 102,000 and ran out of time (60 ms lost, at a million
    questions).
    """
    common, bounds, per_bin = _layout(stats)
    for since in sorted({*bounds, *(value for value, _ in common)}, reverse=True):
        if before is not None and since > before:
            continue
        # The bins wholly between the dates, and the common values.
        bins = sum(
            1
            for low, high in itertools.pairwise(bounds)
            if low >= since and (before is None or high <= before)
        )
        share = per_bin * bins
        share += sum(
            part for value, part in common if value >= since and (before is None or value <= before)
        )
        if share * stats[0] >= rows:
            return since, (share + per_bin * _part_before(bounds, since, before)) * stats[0]
    return None, 0


def _part_before(bounds, since, before):
    """The share of its days up to ``before`` (itself included) of the histogram
    bin from ``since`` on that ``before`` falls within; 0 where none does."""
    if before is None:
        return 0
    for low, high in itertools.pairwise(bounds):
        if since <= low <= before < high:
            return min(((before - low).days + 1) / max((high - low).days, 1), 1)
    return 0
