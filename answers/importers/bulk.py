"""Inserting many new rows at once: COPY on PostgreSQL, ``bulk_create`` elsewhere.

The API importer writes thousands of questions and answers a file. On
PostgreSQL it takes their primary keys from the tables' sequences first
(:func:`assign_pks`), so that answers can be written before their questions
and each question row is written once (see ``api_writer``), and sends the
rows with ``COPY`` (:func:`insert`): no SQL text to build and parse, and no
per-value adaptation in Python.

A question's search vector costs the database more than the rest of its row
(``to_tsvector`` over its heading, text and answer). :class:`SearchDocuments`
computes the vectors of the next chunk on a second connection, on another
core, while this one writes the current chunk. The vector depends only on
the texts given (``answers_question_document()`` is immutable), so where it
is computed does not matter; a question inserted without one gets it from
the row trigger as before.
"""

import contextlib
import gc
import operator
from concurrent.futures import ThreadPoolExecutor

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models

# Field types whose Python values psycopg writes as the column expects, without
# Field.get_db_prep_save (which costs more than the COPY itself).
_PLAIN_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.BooleanField,
    models.CharField,
    models.DateField,  # and DateTimeField
    models.ForeignKey,  # and OneToOneField
    models.IntegerField,  # and the positive and big ones
    models.TextField,
)

# Rows a bulk_create statement writes where COPY is not available: well under
# SQLite's bound-parameter limit.
BATCH_SIZE = 500


@contextlib.contextmanager
def cyclic_gc_paused():
    """Python's cycle collector off for a bulk job, then as it was before.

    A file of ten thousand questions makes millions of small objects (the
    decoded JSON, the parsed items, the model instances), kept until the
    import ends; as they pile up the collector scans them again and again,
    about a seventh of an import's time, to find nothing it may free. What
    it would free (an instance and its cached answer refer to each other) is
    freed when it next runs.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def copy_available():
    return connection.vendor == "postgresql"


def take_pks(model, count):
    """``count`` primary keys from the table's sequence (PostgreSQL), in one query."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def assign_pks(model, objs):
    """Give ``objs`` primary keys from the table's sequence (PostgreSQL), in one query."""
    for obj, pk in zip(objs, take_pks(model, len(objs)), strict=True):
        obj.pk = pk


def insert(model, objs, *, now, extra_columns=(), extra_values=()):
    """Insert the new ``objs``; the ORM instances are then saved ones.

    ``auto_now`` and ``auto_now_add`` fields are stamped ``now``, the
    import's one moment. On PostgreSQL the rows go by COPY, with primary keys
    taken from the sequence where they have none, and may carry columns the
    model does not declare: ``extra_columns``, with ``extra_values`` one
    tuple per object. Elsewhere ``bulk_create`` writes them.
    """
    if not objs:
        return
    fields = model._meta.concrete_fields
    stamped = [
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for obj in objs:
        for attname in stamped:
            setattr(obj, attname, now)
    if not copy_available():
        if extra_columns:
            raise ValueError("columns the model does not declare need COPY (PostgreSQL)")
        model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
        return
    assign_pks(model, [obj for obj in objs if obj.pk is None])
    qn = connection.ops.quote_name
    columns = ", ".join([*(qn(f.column) for f in fields), *map(qn, extra_columns)])
    if all(isinstance(f, _PLAIN_FIELDS) for f in fields):
        row_of = operator.attrgetter(*(f.attname for f in fields))
    else:

        def row_of(obj):
            return tuple(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields)

    # Identifiers come from model metadata; the values travel as COPY data.
    sql = f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        if extra_columns:
            for obj, extra in zip(objs, extra_values, strict=True):
                copy.write_row(row_of(obj) + tuple(extra))
        else:
            for obj in objs:
                copy.write_row(row_of(obj))
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def _documents(rows):
    """Search vectors (as text) of ``rows``: ``(uin, heading, text, answer html, asker name)``."""
    # This thread's own connection, not the importer's.
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS search_document_input "
            "(n integer, uin text, heading text, body text, answer text, asker text)"
        )
        cursor.execute("TRUNCATE search_document_input")
        with cursor.copy("COPY search_document_input FROM STDIN") as copy:
            for n, row in enumerate(rows):
                copy.write_row((n, *row))
        cursor.execute(
            "SELECT answers_question_document(uin, heading, body, answer, asker)::text "
            "FROM search_document_input ORDER BY n"
        )
        return [vector for (vector,) in cursor.fetchall()]


def _close():
    connections[DEFAULT_DB_ALIAS].close()


class SearchDocuments:
    """Questions' search vectors, computed in a thread on its own connection.

    ``submit(rows)`` queues one chunk's rows; ``vectors(handle)`` returns
    their vectors as text, in order, or None when the importer's own
    connection should leave them to the row trigger: when the second
    connection has failed, or has not started on them yet (it is behind,
    so the work is shared rather than waited for). The connection is opened
    at once, in the thread. Use as a context manager, so that it is closed.
    """

    def __init__(self):
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-documents")
        self._failed = False
        self._executor.submit(self._connect)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self._executor.submit(_close).result()
        finally:
            self._executor.shutdown(cancel_futures=True)

    def submit(self, rows):
        rows = list(rows)
        if self._failed or not rows:
            return None
        return self._executor.submit(self._compute, rows)

    def vectors(self, handle):
        if handle is None or handle.cancel():  # cancelled: not started yet
            return None
        return handle.result()

    def _connect(self):
        import psycopg

        try:
            connections[DEFAULT_DB_ALIAS].ensure_connection()
        except (DatabaseError, psycopg.Error):
            self._failed = True

    def _compute(self, rows):
        import psycopg

        if self._failed:
            return None
        try:
            return _documents(rows)
        except (DatabaseError, psycopg.Error):
            # Not worth failing the import for: the trigger computes them.
            self._failed = True
            return None
