"""Columns the database keeps itself, read in queries but never by Python.

Triggers (migrations 0006 and 0007) keep some columns of
``answers_question`` from other tables: the search vector, and a copy of the
answer's state, date and minister's post (migrations 0007 and 0018), so that
the status filters, the "Answered by" filter and the "newest answered" sort
read one table's indexes instead of joining a million answers. They are not
model fields, so no save writes them; queries refer to them with
:class:`Stored`. The one writer that sends them is the API
importer's bulk insert on PostgreSQL (migration 0011), with values computed
by the same rules, so that each new question is written once.
"""

from django.db import models
from django.db.models.expressions import Expression


class Stored(Expression):
    """A column of the query's base table that the model does not declare."""

    def __init__(self, column, output_field):
        super().__init__(output_field=output_field)
        self.column = column

    def __repr__(self):
        return f"Stored({self.column!r})"

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return (
            f"{compiler.quote_name_unless_alias(alias)}.{connection.ops.quote_name(self.column)}",
            [],
        )


class AnswerState:
    """``answers_question.answer_state``: what the question's answer is."""

    NONE = 0  # no answer yet
    HOLDING = 1  # a holding answer
    SUBSTANTIVE = 2  # answered


def answer_state():
    return Stored("answer_state", models.SmallIntegerField())


def answer_date():
    """``answers_question.answer_date``: the answer's date, NULL without one."""
    return Stored("answer_date", models.DateField())


def answer_minister():
    """``answers_question.answer_minister_id``: the answering minister's post, NULL without one."""
    return Stored("answer_minister_id", models.BigIntegerField())
