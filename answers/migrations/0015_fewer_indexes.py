"""Indexes nothing reads, dropped: every import writes each of them.

- ``answers_question``: department and asking member each lead an index of
  the list's order (migrations 0006 and 0010) that serves what a plain index
  would; the UIN keeps one plain index (exact matches only, so no
  pattern-matching copy on PostgreSQL); who logged a question is indexed only
  where set. (The tabling date keeps its plain index beside the newest-first
  one: PostgreSQL reads an index for an order only when its NULLs fall the
  same way, and the admin sorts the column both ways.)
- ``answers_answer``: the minister leads answer_minister_newest; nothing
  filters on the holding flag of answers; answer_newest (newest first,
  undated last) is left to the plain date index, since every answer has a
  date and nothing orders them undated last any more.
- The historical tables are read by record (id, or question for answers):
  their other indexes, history dates included, are dropped.

On SQLite, Django alters an index by rebuilding the table, which would drop
the full-text search triggers: the indexes are dropped by name instead, on
both databases, and only the model state records the change.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# The fields whose own indexes go, by model.
FIELDS = {
    "answer": ["minister"],
    "historicalanswer": ["date_answered", "history_date", "minister"],
    "historicalfollowupaction": ["history_date"],
    "historicalinternalnote": ["history_date"],
    "historicalquestion": [
        "asking_member",
        "date_tabled",
        "department",
        "due_date",
        "history_date",
        "logged_by",
        "parliament_id",
        "uin",
    ],
    "question": ["asking_member", "department", "logged_by", "uin"],
}


def _plain_indexes(schema_editor, model, field):
    """Names of the indexes Django made for ``field`` alone (``<table>_<column>…``)."""
    column = model._meta.get_field(field).column
    prefix = f"{model._meta.db_table}_{column}"
    return [
        name
        for name in schema_editor._constraint_names(model, [column], index=True)
        if name.startswith(prefix)
    ]


def drop_indexes(apps, schema_editor):
    for model_name, fields in FIELDS.items():
        model = apps.get_model("answers", model_name)
        for field in fields:
            for name in _plain_indexes(schema_editor, model, field):
                schema_editor.execute(schema_editor._delete_index_sql(model, name))


def create_indexes(apps, schema_editor):
    for model_name, fields in FIELDS.items():
        model = apps.get_model("answers", model_name)
        for field in fields:
            if not _plain_indexes(schema_editor, model, field):
                schema_editor.execute(
                    schema_editor._create_index_sql(model, fields=[model._meta.get_field(field)])
                )


class Migration(migrations.Migration):
    dependencies = [
        ("answers", "0014_process_event_spells"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="answer",
            name="answer_holding",
        ),
        migrations.RemoveIndex(
            model_name="answer",
            name="answer_newest",
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="answer",
                    name="minister",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="answers",
                        to="answers.minister",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalanswer",
                    name="date_answered",
                    field=models.DateField(),
                ),
                migrations.AlterField(
                    model_name="historicalanswer",
                    name="history_date",
                    field=models.DateTimeField(),
                ),
                migrations.AlterField(
                    model_name="historicalanswer",
                    name="minister",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="answers.minister",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalfollowupaction",
                    name="history_date",
                    field=models.DateTimeField(),
                ),
                migrations.AlterField(
                    model_name="historicalinternalnote",
                    name="history_date",
                    field=models.DateTimeField(),
                ),
                migrations.AlterField(
                    model_name="historicalquestion",
                    name="asking_member",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="answers.member",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalquestion",
                    name="date_tabled",
                    field=models.DateField(blank=True, null=True),
                ),
                migrations.AlterField(
                    model_name="historicalquestion",
                    name="department",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="answers.department",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalquestion",
                    name="due_date",
                    field=models.DateField(blank=True, editable=False, null=True),
                ),
                migrations.AlterField(
                    model_name="historicalquestion",
                    name="history_date",
                    field=models.DateTimeField(),
                ),
                migrations.AlterField(
                    model_name="historicalquestion",
                    name="logged_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalquestion",
                    name="parliament_id",
                    field=models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="Parliament question id"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalquestion",
                    name="uin",
                    field=models.CharField(blank=True, max_length=30, verbose_name="UIN"),
                ),
                migrations.AlterField(
                    model_name="question",
                    name="asking_member",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="questions_asked",
                        to="answers.member",
                    ),
                ),
                migrations.AlterField(
                    model_name="question",
                    name="department",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="questions",
                        to="answers.department",
                    ),
                ),
                migrations.AlterField(
                    model_name="question",
                    name="logged_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="questions_logged",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="question",
                    name="uin",
                    field=models.CharField(blank=True, max_length=30, verbose_name="UIN"),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
        ),
        migrations.AddIndex(
            model_name="question",
            index=models.Index(fields=["uin"], name="question_uin"),
        ),
        migrations.AddIndex(
            model_name="question",
            index=models.Index(
                condition=models.Q(("logged_by__isnull", False)),
                fields=["logged_by"],
                name="question_logged_by",
            ),
        ),
    ]
