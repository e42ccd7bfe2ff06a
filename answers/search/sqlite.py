"""SQLite full-text search with FTS5: the table ``answers_question_fts``.

The table (migration 0006) holds each question's UIN, heading, question,
answer as plain text and asking member's name, rowid = question id, kept by
triggers; Porter stemming as PostgreSQL's English configuration does.
``bm25()`` ranks with column weights in the same order as PostgreSQL's A-D.
The triggers call two functions registered on every connection here.
"""

import re

from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.dispatch import receiver

from ..text import html_to_text
from . import START, STOP
from .query import parse, to_fts5

TABLE = "answers_question_fts"
# uin, heading, text, answer, asker: lower bm25() is better, so it is negated.
RANK = f"-bm25({TABLE}, 10.0, 10.0, 4.0, 2.0, 1.0)"
_PLACEHOLDER = re.compile(r"^Member \d+$")


def asker_name(name):
    """A member's name as searched; placeholder names ("Member 1234") are not."""
    return "" if not name or _PLACEHOLDER.match(name) else name


@receiver(connection_created, dispatch_uid="answers_search_sqlite_functions")
def register_functions(sender, connection, **kwargs):
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function("pq_plain_text", 1, html_to_text, deterministic=True)
    connection.connection.create_function("pq_asker_name", 1, asker_name, deterministic=True)


def _expression(text):
    return to_fts5(parse(text))


def matching(queryset, text):
    expression = _expression(text)
    if expression is None:
        return queryset.none()
    ids = RawSQL(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [expression])  # noqa: S608, S611 - fixed SQL; the search is a parameter
    return queryset.filter(Q(pk__in=ids))


def _joined(queryset, text, select):
    table = queryset.model._meta.db_table
    return queryset.extra(  # noqa: S610 - fixed SQL, the search is a parameter
        tables=[TABLE],
        where=[f'{TABLE}.rowid = "{table}"."id"', f"{TABLE} MATCH %s"],
        params=[_expression(text)],
        select=select,
    )


def ranks(queryset, text, limit, dated=None, day=None):
    """``[(pk, rank, date_tabled)]`` of the ``limit`` most recently added matches
    (``dated`` and ``day`` are for PostgreSQL's way of finding them).

    The newest matches are chosen first and only they are ranked: asked in
    one query, SQLite would rank every match before keeping the newest.
    """
    newest = queryset.select_related(None).order_by("-pk").values("pk")[:limit]
    return list(
        _joined(queryset.model._default_manager.filter(pk__in=newest), text, {"search_rank": RANK})
        .order_by()
        .values_list("pk", "search_rank", "date_tabled")
    )


def with_snippets(queryset, text):
    # From the question, or from the answer when only the answer matches; as
    # on PostgreSQL the heading (shown above it) is not repeated.
    question, answer = (
        f"snippet({TABLE}, {column}, char(2), char(3), ' … ', 24)" for column in (2, 3)
    )
    snippet = f"CASE WHEN instr({question}, char(2)) = 0 AND instr({answer}, char(2)) > 0 THEN {answer} ELSE {question} END"
    assert (START, STOP) == ("\x02", "\x03")  # noqa: S101 - the markers char() writes
    return _joined(queryset, text, {"search_snippet": snippet})


def rebuild():
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608 - fixed name
        cursor.execute(
            f"""
            INSERT INTO {TABLE} (rowid, uin, heading, text, answer, asker)
            SELECT q.id, q.uin, q.heading, q.text, coalesce(pq_plain_text(a.text), ''),
                coalesce(pq_asker_name(m.name), '')
            FROM answers_question q
            LEFT JOIN answers_answer a ON a.question_id = q.id
            LEFT JOIN answers_member m ON m.id = q.asking_member_id
            """  # noqa: S608 - fixed names
        )
