"""Open data: the public question list as CSV, JSON and an Atom/RSS feed.

Every format is the same FilterSet over the same public queryset as the HTML
list, so a link copied from a filtered page gives the same questions in any
format. Only public fields leave: no internal notes, no non-public actions.
"""

import datetime
import logging
from itertools import chain, islice

from django.contrib.syndication.views import Feed
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.query import ValuesListIterable
from django.http import JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from . import search
from .filters import QuestionFilter
from .lookups import only_keys
from .models import Question, QuestionStatus
from .people import long_date
from .text import html_to_text
from .views import COUNT_LIMIT, paginate_list

logger = logging.getLogger(__name__)

# --- CSV: one set of rules for every export, public and staff ----------------

# A byte-order mark first, so that Excel reads the file as UTF-8 and shows
# accents and pound signs as they are.
BOM = "\ufeff"
# Spreadsheet programs run a cell starting with one of these as a formula (a
# tab or carriage return first hides the rest from a quick look). A leading
# apostrophe makes them show the cell as the text it is.
FORMULA_STARTS = frozenset("=+-@\t\r")
# The last line of an export that failed after it started: a file cut short
# says so, instead of passing for a complete one.
CSV_INCOMPLETE = (
    "ERROR: the export stopped part-way because of a server error; this file is "
    "incomplete. Please download it again."
)
# Rows are written into a buffer and sent in pieces of about this many
# characters: one write per row would cost more than the row itself.
_CHUNK_CHARACTERS = 64 * 1024
# Rows read from the database at a time (a server-side cursor on PostgreSQL).
# Few enough that the first of them arrive quickly, read in index order
# with their joins, and many enough that the round trips cost little: a
# million rows take 10,000 of them, about a second.
CSV_CHUNK_ROWS = 100
# How long an export may spend finding out whether its matches are few
# (``_by_keys_if_few``), in milliseconds.
FEW_MS = 50
# The feed's entries, and how long reading the newest of them in the list's
# order may take before the matches are counted first (a search's newest
# 50 are met within a few milliseconds where there are many).
FEED_ENTRIES = 50
NEWEST_MS = 30
# ... and then walking the list's own index, in its order, before they are
# counted (``QuestionsFeed.items``).
WALKED_MS = 10
# Rows read at a time after the first chunk, for a plain-values export.
_LATER_CHUNK_ROWS = 2000
# ... and in its first chunk: the download starts with the first rows found.
# A hundred of a sparse filter's matches, walked in the list's order, took
# 70 ms to find at a million questions ("health" answered by one minister).
_FIRST_CHUNK_ROWS = 10


def csv_cell(value):
    """One cell as a spreadsheet shows it: never run as a formula; None is empty.

    A cell starting with one of ``FORMULA_STARTS`` gets a leading apostrophe.
    """
    if value is None:
        return ""
    if value.__class__ is str and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def csv_line(values):
    """One CSV line, cells neutralised as ``csv_cell`` says and quoted as csv.writer would.

    Every export writes its rows through this (``_csv_body``). Written out
    rather than through the csv module, which costs two and a half times as
    much on rows of long texts: it runs for every cell of every row.
    """
    cells = []
    for value in values:
        if value is None:
            cells.append("")
        elif value.__class__ is not str:
            cells.append(str(value))
        else:
            if value[:1] in FORMULA_STARTS:
                value = "'" + value
            if '"' in value:
                value = '"' + value.replace('"', '""') + '"'
            elif "," in value or "\n" in value or "\r" in value:
                value = '"' + value + '"'
            cells.append(value)
    return ",".join(cells) + "\r\n"


def stream(queryset, chunk_size=None):
    """The rows of ``queryset`` as the database produces them, ``chunk_size`` at a time.

    On PostgreSQL inside a transaction held while the rows are read: Django's
    chunked reads declare a server-side cursor, and outside a transaction
    the cursor is declared WITH HOLD, which PostgreSQL fills with every row
    before the first can be read (2.5 seconds for the matches of "health" at
    a million questions, 16 for all of them). Inside one, the cursor is
    planned to start quickly and reads as it goes. Leaving early (the client
    went away) ends the transaction, and the cursor with it. The cursor is
    planned to send its first rows soon, not to finish soonest.
    """
    chunk_size = chunk_size or CSV_CHUNK_ROWS
    if queryset.query.is_empty():
        # Nothing can match (a search of only stop words, say): no SQL to run.
        return
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield from queryset.iterator(chunk_size=chunk_size)
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Plan for the first rows: PostgreSQL plans a cursor to read a
            # tenth of its rows quickly, which for a hundred thousand
            # matches can be a sort of all of them before the first is sent.
            cursor.execute("SET LOCAL cursor_tuple_fraction = 0.01")
        if queryset._iterable_class is not ValuesListIterable:
            yield from queryset.iterator(chunk_size=chunk_size)
            return
        # Plain values need nothing from the ORM once the SQL is written:
        # read them straight from the cursor, a few rows first so that the
        # download starts at once, then bigger pieces, fewer round trips.
        sql, params = queryset.query.sql_with_params()
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            size = min(chunk_size, _FIRST_CHUNK_ROWS)
            while rows := cursor.fetchmany(size):
                yield from rows
                size = max(chunk_size, _LATER_CHUNK_ROWS)


def csv_response(header, queryset, *, filename, row=None):
    """Stream the rows of ``queryset`` as a CSV download (``row(record)`` each, or the record).

    Its first record is read here, before the response exists (on
    PostgreSQL with a query of its own, so that the export and its
    transaction start only when the body is first read): if the database
    fails, the view raises and the client gets a 500, never a 200 with a
    header row and nothing else, and so does a fault in making that
    record's row. Rows are made as they are sent, so the
    first bytes leave as soon as the database answers, however large the
    export. After that, a failure ends the body with ``CSV_INCOMPLETE`` and
    re-raises, so the server also cuts the connection short. Closing the
    response (the server always does, even when the client goes away)
    closes the export, and with it its cursor and transaction.
    """
    records = stream(queryset)
    if connection.vendor == "postgresql":
        first = list(queryset[:1])
        if first and row is not None:
            row(first[0])
        rows = records if row is None else map(row, records)
    else:
        # No transaction to hold here: the export's own first record is read.
        head = list(islice(records, 1))
        if row is None:
            rows = chain(head, records)
        else:
            rows = chain([row(head[0])] if head else [], map(row, records))
    response = StreamingHttpResponse(
        _CsvBody(_csv_body(header, rows), records),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _CsvBody:
    def __init__(self, body, source):
        self._body = body
        self._source = source

    def __iter__(self):
        return self._body

    def close(self):
        self._body.close()
        if close := getattr(self._source, "close", None):
            close()


def _csv_body(header, rows):
    parts = [BOM, csv_line(header)]
    size = 0
    written = 0
    try:
        for row in rows:
            line = csv_line(row)
            parts.append(line)
            size += len(line)
            written += 1
            # The first row goes at once, so the download visibly starts;
            # then pieces of about _CHUNK_CHARACTERS.
            if size >= _CHUNK_CHARACTERS or written == 1:
                yield "".join(parts).encode()
                parts.clear()
                size = 0
    except Exception:
        logger.exception("A CSV export failed after %d rows.", written)
        parts.append(csv_line([CSV_INCOMPLETE]))
        yield "".join(parts).encode()
        raise
    yield "".join(parts).encode()


# --- the public question list as open data -----------------------------------

CSV_COLUMNS = [
    "id",
    "url",
    "house",
    "uin",
    "heading",
    "date_tabled",
    "due_date",
    "department",
    "asking_member",
    "asking_member_party",
    "asking_member_constituency",
    "question_text",
    "status",
    "answered_by",
    "minister_role",
    "date_answered",
    "answer_text",
]

# The stored fields a row is made from, read with values_list(): no model
# objects, so a large export costs one query and little Python per row.
ROW_FIELDS = (
    "pk",
    "house",
    "uin",
    "heading",
    "date_tabled",
    "due_date",
    "department__name",
    "asking_member__name",
    "asking_member__party",
    "asking_member__constituency",
    "text",
    "is_withdrawn",
    "answer__pk",
    "answer__is_holding",
    "answer__minister__member__name",
    "answer__minister__title",
    "answer__date_answered",
    "answer__text",
)


def _filtered(request):
    return QuestionFilter(request.GET or None, queryset=Question.objects.for_list())


def _filter_errors(filterset):
    """A 400 naming every bad parameter, or None when the filters are valid."""
    if filterset.is_bound and not filterset.form.is_valid():
        return JsonResponse(
            {"errors": {k: [str(e) for e in v] for k, v in filterset.form.errors.items()}},
            status=400,
        )
    return None


def _public_rows(filterset):
    """The matching questions as ``ROW_FIELDS`` tuples, or ranked search results.

    A search ranks its results itself and hands back question objects, best
    first (``answers.search.Ranked``), rather than a queryset: those become the
    same tuples through ``_row_of``.
    """
    qs = filterset.qs
    return qs.values_list(*ROW_FIELDS) if isinstance(qs, QuerySet) else qs


def _row_of(question):
    """A question object as the ``ROW_FIELDS`` tuple ``values_list`` would give."""
    department, member = question.department, question.asking_member
    answer = question.get_answer()
    minister = answer.minister if answer else None
    return (
        question.pk,
        question.house,
        question.uin,
        question.heading,
        question.date_tabled,
        question.due_date,
        department.name if department else None,
        member.name if member else None,
        member.party if member else None,
        member.constituency if member else None,
        question.text,
        question.is_withdrawn,
        answer.pk if answer else None,
        answer.is_holding if answer else None,
        minister.member.name if minister else None,
        minister.title if minister else None,
        answer.date_answered if answer else None,
        answer.text if answer else None,
    )


def _tuples(rows):
    return rows if isinstance(rows, QuerySet) else (_row_of(question) for question in rows)


def absolute_url_for(request, name):
    """A function from an id to the absolute URL of ``name`` with it, reversed once."""
    marker = 987654321
    head, tail = request.build_absolute_uri(reverse(name, args=[marker])).rsplit(str(marker), 1)
    return lambda pk: f"{head}{pk}{tail}"


def _detail_url(request):
    """A function from question id to the question's absolute URL, reversed once."""
    return absolute_url_for(request, "question_detail")


def public_row(row, url_for):
    """One question as open data, in ``CSV_COLUMNS`` order: public fields only, ISO dates.

    ``row`` holds the ``ROW_FIELDS`` values of one question.
    """
    (
        pk,
        house,
        uin,
        heading,
        date_tabled,
        due_date,
        department,
        member,
        party,
        constituency,
        text,
        is_withdrawn,
        answer_pk,
        is_holding,
        minister,
        minister_title,
        date_answered,
        answer_text,
    ) = row
    has_answer = answer_pk is not None
    return [
        pk,
        url_for(pk),
        house,
        uin or None,
        heading,
        date_tabled.isoformat() if date_tabled else None,
        due_date.isoformat() if due_date else None,
        department,
        member,
        party or None,
        constituency or None,
        text,
        QuestionStatus.of(
            is_withdrawn=is_withdrawn, has_answer=has_answer, answer_is_holding=is_holding
        ).value,
        minister,
        minister_title or None,
        date_answered.isoformat() if date_answered else None,
        html_to_text(answer_text) if has_answer else None,
    ]


def _by_keys_if_few(matches, filterset):
    """``matches`` (``filterset``'s every match), read by their keys where they are
    few (a rare word, a narrow filter): planned to give its first rows soon,
    the database would otherwise walk the ordering's index through the whole
    table looking for them (at a million questions, a department's answers
    from a minister who gave none there, newest answered first: 850 ms to
    find nothing). They are counted as the list counts them
    (``QuestionFilter.countable``), for at most ``FEW_MS``: a count that
    takes longer is reading many matches (a common word's since a day, read
    oldest first, 110 ms), and those are soon met in the list's order."""
    counted = filterset.countable(matches).order_by()  # in any order
    keys = search.keys_in_time(counted, COUNT_LIMIT + 1, FEW_MS)
    if keys is not None and len(keys) <= COUNT_LIMIT:
        return only_keys(matches, keys)
    return matches


def questions_csv(request):
    """Every question matching the filters, streamed: constant memory however many.

    A search's every match, in the chosen order (newest tabled first unless
    another is chosen), not only the most recent ones a page ranks.
    """
    filterset = _filtered(request)
    if (errors := _filter_errors(filterset)) is not None:
        return errors
    url_for = _detail_url(request)
    # Every match, not only the ranked ones a page of search results shows.
    matches = _by_keys_if_few(filterset.every_match(), filterset)
    return csv_response(
        CSV_COLUMNS,
        matches.values_list(*ROW_FIELDS),
        filename="questions.csv",
        row=lambda record: public_row(record, url_for),
    )


def questions_json(request):
    """A page of questions matching the filters, with links to the next and previous pages."""
    filterset = _filtered(request)
    if (errors := _filter_errors(filterset)) is not None:
        return errors
    page, page_error = paginate_list(request, filterset, _public_rows(filterset))
    if page_error:
        return JsonResponse({"errors": {"page": [page_error]}}, status=400)

    def link(number):
        params = request.GET.copy()
        params["page"] = number
        return request.build_absolute_uri(f"{reverse('questions_json')}?{params.urlencode()}")

    url_for = _detail_url(request)
    return JsonResponse(
        {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "results": [
                dict(zip(CSV_COLUMNS, public_row(row, url_for), strict=True))
                for row in _tuples(page.object_list)
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


# --- the feed -----------------------------------------------------------------


class TextSummaryAtomFeed(Atom1Feed):
    """Atom whose summaries are declared plain text.

    Django's Atom feed marks every summary ``type="html"``, so a feed reader
    would render any markup in a question or answer. Ours are text: whatever
    they contain is shown as the characters it is.
    """

    def add_item_elements(self, handler, item):
        summary = item["description"]
        super().add_item_elements(handler, {**item, "description": None})
        if summary is not None:
            handler.addQuickElement("summary", summary, {"type": "text"})


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class QuestionsFeed(Feed):
    """The 50 newest questions matching the filters, as Atom."""

    feed_type = TextSummaryAtomFeed
    title = "PQ Tracker: written questions"
    subtitle = "New UK parliamentary written questions and their answers."

    def get_object(self, request):
        self.request = request
        return _filtered(request)

    def link(self, obj):
        query = self.request.GET.urlencode()
        return reverse("question_list") + (f"?{query}" if query else "")

    def feed_url(self, obj):
        query = self.request.GET.urlencode()
        return reverse("questions_feed") + (f"?{query}" if query else "")

    def items(self, obj):
        # The newest matches of a search, not the best: a feed is read for what
        # is new. Their keys first, so that only 50 rows are joined: in the
        # list's order, soon met where there are many (``NEWEST_MS``), then
        # walked along the list's own index (``WALKED_MS``): the planner,
        # expecting few, may read every match of a date's bound and sort
        # them ("schools" answered by 2014: 71,000 answers read, 58 ms at a
        # million questions, where the tabling date's index, walked from the
        # end of 2014, meets 50 in 1,000 rows); otherwise counted first, and
        # a few read by their keys.
        matches = obj.every_match()
        newest = search.keys_in_time(matches, FEED_ENTRIES, NEWEST_MS)
        if newest is None:
            newest = search.keys_in_time(matches, FEED_ENTRIES, WALKED_MS, walked=True)
        if newest is not None:
            return only_keys(matches, newest)
        matches = _by_keys_if_few(matches, obj)
        return matches.filter(pk__in=matches.values("pk")[:FEED_ENTRIES])

    def item_title(self, item):
        return item.heading

    def item_description(self, item):
        answer = item.get_answer()
        parts = [item.text]
        if answer:
            who = answer.minister.member.name if answer.minister else "The department"
            parts.append(
                f"Answered by {who} on {long_date(answer.date_answered)}: {html_to_text(answer.text)}"
            )
        else:
            parts.append("Not answered yet.")
        return "\n\n".join(parts)

    # Parliament's dates, not when the record was imported: published when
    # tabled, updated when answered.
    def item_pubdate(self, item):
        return _start_of(item.date_tabled) if item.date_tabled else item.created_at

    def item_updateddate(self, item):
        answer = item.get_answer()
        if answer is not None:
            return _start_of(answer.date_answered)
        return self.item_pubdate(item)

    def item_author_name(self, item):
        return item.asking_member.name if item.asking_member else None

    def item_categories(self, item):
        return [item.department.name] if item.department else []
