"""What the statistics page counts, kept where the database can count it.

Each move keeps the working days spent in the stage it leaves, who held it
there and the team (the question's department), so that a period's figures
are counted from the moves table alone instead of reading every move of
every process that moved in it. Moves already recorded are filled in here by
the rule the page used: from the previous move (held by its owner, else the
process's owner), or for a first move out of "new", from when the question
was logged (held by whoever it names).

The moves and the answers of a period are read from indexes that hold what
the page counts of them (on PostgreSQL: the moves' and questions' rows are
not visited).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# The stages the statistics measure (answers.workflow.stats.MEASURED).
MEASURED = {"new", "commissioned", "drafting", "in_clearance", "cleared"}


def fill(apps, schema_editor):
    from django.utils import timezone

    from answers.deadlines import working_days_between

    ProcessEvent = apps.get_model("answers", "ProcessEvent")
    events = ProcessEvent.objects.select_related("process__question").order_by(
        "process_id", "at", "id"
    )
    changed = []
    previous = None
    for event in events.iterator(chunk_size=2000):
        if previous is None or previous.process_id != event.process_id:
            start, owner, first = event.process.question.created_at, event.owner_id, True
        else:
            start, owner, first = previous.at, previous.owner_id or event.process.owner_id, False
        event.department_id = event.process.question.department_id
        changed.append(event)
        if event.from_stage in MEASURED and (not first or event.from_stage == "new"):
            event.stage_days = working_days_between(
                timezone.localdate(start), timezone.localdate(event.at)
            )
            event.stage_owner_id = owner
        previous = event
    ProcessEvent.objects.bulk_update(
        changed, ["stage_days", "stage_owner", "department"], batch_size=2000
    )


# Substantive answers by date, with what the statistics count of them.
ANSWERED_POSTGRES = """
CREATE INDEX question_answered_on ON answers_question (answer_date)
    INCLUDE (id, department_id, due_date) WHERE answer_state = 2
"""
ANSWERED_SQLITE = """
CREATE INDEX question_answered_on ON answers_question (answer_date, department_id, due_date)
    WHERE answer_state = 2
"""


def answered_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statement = {"postgresql": ANSWERED_POSTGRES, "sqlite": ANSWERED_SQLITE}.get(vendor)
    if statement:
        schema_editor.execute(statement)


def drop_answered_index(apps, schema_editor):
    if schema_editor.connection.vendor in ("postgresql", "sqlite"):
        schema_editor.execute("DROP INDEX IF EXISTS question_answered_on")


class Migration(migrations.Migration):

    dependencies = [
        ('answers', '0013_withdrawn_newest'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='processevent',
            name='stage_days',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='processevent',
            name='stage_owner',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='processevent',
            name='department',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='answers.department'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(answered_index, drop_answered_index),
        migrations.AddIndex(
            model_name='processevent',
            index=models.Index(condition=models.Q(('stage_days__isnull', False)), fields=['at'], include=('from_stage', 'department', 'stage_owner', 'stage_days'), name='processevent_spells'),
        ),
        migrations.AddIndex(
            model_name='processevent',
            index=models.Index(condition=models.Q(('move__in', ['submit', 'return'])), fields=['at'], include=('move', 'process', 'department', 'owner'), name='processevent_drafts'),
        ),
    ]
