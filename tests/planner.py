"""Steering PostgreSQL's planner in tests, so that a small table is read as a large one."""

import contextlib

from django.db import connection


@contextlib.contextmanager
def planner_without(*ways):
    """PostgreSQL's planner without these ways of reading a table (``seqscan``,
    ``indexscan``, ``bitmapscan``, ``sort``): a few hundred questions then are
    read as a million would be."""
    with connection.cursor() as cursor:
        for way in ways:
            cursor.execute(f"SET enable_{way} = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for way in ways:
                cursor.execute(f"RESET enable_{way}")


def plan(sql):
    """The planner's plan for ``sql`` (a query as run, its values in it), as text."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def forget_figures():
    """Have ``answers.search.postgres`` read the planner's figures afresh (the
    words' shares, the dates' histograms, the indexes' sizes), which it keeps
    for a while."""
    from answers.search import postgres

    postgres._shares["read"] = None
    postgres._columns.clear()
    postgres._indexes.clear()


def analyse():
    """ANALYZE the questions, and have the next list or search read the figures afresh."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE answers_question")
    forget_figures()
