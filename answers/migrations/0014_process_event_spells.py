"""Each move keeps the working days spent in the stage it leaves, and who held it there.

The statistics page then counts a period's figures in the database instead
of reading every move of every process that moved in it. Moves already
recorded are filled in here by the rule the page used: from the previous
move (held by its owner, else the process's owner), or for a first move out
of "new", from when the question was logged (held by whoever it names).
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
        if event.from_stage in MEASURED and (not first or event.from_stage == "new"):
            event.stage_days = working_days_between(
                timezone.localdate(start), timezone.localdate(event.at)
            )
            event.stage_owner_id = owner
            changed.append(event)
        previous = event
    ProcessEvent.objects.bulk_update(changed, ["stage_days", "stage_owner"], batch_size=2000)


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
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
