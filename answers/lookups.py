"""``field__any=[...]``: a list of values as one parameter on PostgreSQL.

A lookup by thousands of keys (the Parliament ids of an imported file)
written as ``IN (%s, %s, …)`` costs more to build, send and parse than to
run. On PostgreSQL ``__any`` sends ``= ANY(%s)`` with the values as one
array, so a whole file is one query; elsewhere it is ``__in``, and callers
keep to the database's limit on parameters (:func:`key_chunks`).
"""

from django.db import connection
from django.db.models import Field, ForeignObject
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In

# Values per query where each is a parameter: well under SQLite's limit.
CHUNK_SIZE = 500


class AnyOf(In):
    lookup_name = "any"

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value():
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(value, connection, prepared=True) for value in self.rhs]
        return f"{lhs} = ANY(%s::{field.db_type(connection)}[])", [*lhs_params, values]


# Relations keep lookups of their own, so they register it too (for ids only).
Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)


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
