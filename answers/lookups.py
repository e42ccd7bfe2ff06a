"""``field__any=[...]``: a list of values as one parameter on PostgreSQL.

A lookup by thousands of keys (the Parliament ids of an imported file)
written as ``IN (%s, %s, …)`` costs more to build, send and parse than to
run. On PostgreSQL ``__any`` sends ``= ANY(%s)`` with the values as one
array, so a whole file is one query; elsewhere it is ``__in``, and callers
keep to the database's limit on parameters (:func:`key_chunks`).

``field__among=[...]`` is the same list for a search on PostgreSQL, as the
text index holds the column (``ARRAY[field] && array``: :class:`AmongOf`).
"""

from django.db import connection
from django.db.models import Field, ForeignObject
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In

# Values per query where each is a parameter: well under SQLite's limit.
CHUNK_SIZE = 500


class AnyOf(In):
    lookup_name = "any"
    # How PostgreSQL is asked: the column, the array, the array's type.
    template = "{lhs} = ANY(%s::{type}[])"

    def as_postgresql(self, compiler, connection, template=None):
        if not self.rhs_is_direct_value():
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(value, connection, prepared=True) for value in self.rhs]
        sql = (template or self.template).format(lhs=lhs, type=field.db_type(connection))
        return sql, [*lhs_params, values]


class AmongOf(AnyOf):
    """``field__among=[...]``: ``ARRAY[field] && array`` on PostgreSQL, for a search.

    The text index holds the asker and the answering post each as an array
    of one (migration 0023), so that a list of them is one scan of it, each
    question's words checked once against all of them. Written as
    ``= ANY(array)``, a GIN index is scanned once per value, every scan
    reading the words' entries again: "health" by the eleven members named
    Williams read its 182,000 entries eleven times. Nothing else reads the
    column this way: lists and pages by a member, without words, keep
    ``__any`` and the member's own B-tree index; and so does a search's
    range of ids walked, where the text index is not read
    (``search.postgres._newest_sql``).
    """

    lookup_name = "among"
    template = "ARRAY[{lhs}] && %s::{type}[]"

    def as_postgresql(self, compiler, connection):
        if getattr(compiler.query, "walk_search", False):
            return super().as_postgresql(compiler, connection, AnyOf.template)
        return super().as_postgresql(compiler, connection)


# Relations keep lookups of their own, so they register them too (for ids only).
for lookup in (AnyOf, AmongOf):
    Field.register_lookup(lookup)
    ForeignObject.register_lookup(lookup)


def only_keys(rows, keys):
    """``rows`` (a queryset) with these primary keys only, as one ``pk__any``.

    Where ``rows`` already has a list of keys (``filters.QuestionFilter``
    bounds a list by the few questions that waited), that list is narrowed
    to ``keys`` in place of a second. Given both, PostgreSQL 15 costs an
    index scan by the two lengths multiplied (a descent for each pair), and
    reads the rows another way: the 645 matches of a search among the 3,325
    questions that waited, found by walking 420,000 rows of the tabling
    date's index at a million questions (200 ms).
    """
    keys = list(keys)
    index = _keys_at(rows)
    if index is None:
        return rows.filter(pk__any=keys)
    listed = rows.query.where.children[index]
    kept = set(listed.rhs)
    rows = rows.all()
    rows.query.where.children[index] = AnyOf(listed.lhs, [k for k in keys if k in kept])
    return rows


def by_keys(rows):
    """Whether ``rows`` (a queryset) are bounded by a list of their primary keys
    (``pk__any``), and so are few."""
    return _keys_at(rows) is not None


def _keys_at(rows):
    """Where among ``rows``' conditions their list of primary keys is, or None."""
    where = rows.query.where
    if where.connector != "AND" or where.negated:
        return None
    for index, child in enumerate(where.children):
        lhs = getattr(child, "lhs", None)
        if (
            type(child) is AnyOf
            and getattr(lhs, "target", None) == rows.model._meta.pk
            and getattr(lhs, "alias", None) == rows.query.base_table
        ):
            return index
    return None


def key_chunks(values):
    """``values`` in lists short enough for one ``__any`` lookup each: one list on PostgreSQL."""
    values = list(values)
    size = (len(values) or 1) if connection.vendor == "postgresql" else CHUNK_SIZE
    for start in range(0, len(values), size):
        yield values[start : start + size]


def one_of(keys):
    """A condition's right-hand side for ``field__in``: ``keys``, each probed once.

    On PostgreSQL a set of keys, ``unnest``ed from one array: a nested loop
    then looks each key up by index. Written as ``= ANY(array)`` (``__any``),
    PostgreSQL 15 also checks the whole array on every probe of a join into
    the table, one index descent per key: 381 keys probed 381 times took
    20 ms. Elsewhere, the list itself.
    """
    keys = list(keys)
    if connection.vendor != "postgresql":
        return keys
    return RawSQL("SELECT unnest(%s::bigint[])", [keys])
