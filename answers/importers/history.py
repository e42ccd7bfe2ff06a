"""Change history for rows written in bulk.

``bulk_create``/``bulk_update`` skip the signals django-simple-history
records history from. ``simple_history.utils.bulk_create_with_history`` fills
the gap by building one historical model instance per row in Python; for a
month of questions that doubles the import time (measured in
``bench/import_rate.py``: PostgreSQL 3,400 questions/s without history, 1,600
with it).

This module writes the same rows with one ``INSERT … SELECT`` per chunk
instead: the database copies each row as it now stands into its historical
table, so the record is exactly what was stored. If the historical model ever
has a column this cannot fill (a custom history field, a new
django-simple-history feature), it falls back to simple_history's own bulk
writer rather than guess.
"""

from django.db import connection
from simple_history.utils import get_history_manager_for_model

CREATED = "+"
CHANGED = "~"

# The columns django-simple-history adds to a historical table.
_HISTORY_ONLY = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
}

CHUNK_SIZE = 500


def _copyable_columns(model):
    """``[(historical column, source column)]``, or None when a column has no source."""
    history_model = model.history.model
    source = {field.attname: field.column for field in model._meta.concrete_fields}
    pairs = []
    for field in history_model._meta.concrete_fields:
        if field.attname in _HISTORY_ONLY:
            continue
        if field.attname not in source:
            return None
        pairs.append((field.column, source[field.attname]))
    return pairs


def _param(field, value):
    """A placeholder and its value for a constant in the SELECT list.

    PostgreSQL needs the type said (a bare NULL or string literal in a SELECT
    list is text); SQLite's CAST would turn a timestamp into a number.
    """
    if connection.vendor == "postgresql":
        return f"CAST(%s AS {field.db_type(connection)})", value
    return "%s", value


def record_history(model, objs, history_type, *, user=None, reason="", when):
    """Write a historical row for each saved object in ``objs``, as stored now."""
    if not objs:
        return
    history_model = model.history.model
    pairs = _copyable_columns(model)
    if pairs is None:
        get_history_manager_for_model(model).bulk_history_create(
            objs,
            batch_size=CHUNK_SIZE,
            update=history_type == CHANGED,
            default_user=user,
            default_change_reason=reason,
            default_date=when,
        )
        return
    meta = history_model._meta
    qn = connection.ops.quote_name
    constants = [
        (meta.get_field("history_date"), connection.ops.adapt_datetimefield_value(when)),
        (meta.get_field("history_change_reason"), reason or None),
        (meta.get_field("history_type"), history_type),
        (meta.get_field("history_user"), user.pk if user is not None else None),
    ]
    target = [qn(column) for column, _ in pairs] + [qn(field.column) for field, _ in constants]
    selected = [qn(column) for _, column in pairs]
    constant_params = []
    for field, value in constants:
        placeholder, value = _param(field, value)
        selected.append(placeholder)
        constant_params.append(value)
    pks = [obj.pk for obj in objs]
    pk_column = qn(model._meta.pk.column)
    # Identifiers come from model metadata, values are parameters.
    insert = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(target)}) "  # noqa: S608
        f"SELECT {', '.join(selected)} FROM {qn(model._meta.db_table)} WHERE "
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement, the keys as one array: a statement with thousands
            # of placeholders costs more to send than to run.
            cursor.execute(
                f"{insert}{pk_column} = ANY(%s) ORDER BY {pk_column}", [*constant_params, pks]
            )
            return
        for start in range(0, len(pks), CHUNK_SIZE):
            chunk = pks[start : start + CHUNK_SIZE]
            cursor.execute(
                f"{insert}{pk_column} IN ({', '.join(['%s'] * len(chunk))}) ORDER BY {pk_column}",
                [*constant_params, *chunk],
            )
