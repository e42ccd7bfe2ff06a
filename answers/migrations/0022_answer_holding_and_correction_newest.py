"""Holding answers and corrections, newest first, for the admin's filters.

The answer changelist's "holding" and "correction" filters read every
answer to find a few hundred (holding) or a few thousand (corrections) of
a million: 130 to 190 ms. Each now has a partial index in the list's order.
Cost on write: an index entry per holding answer and per correction.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('answers', '0021_unanswered_newest_answered'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='answer',
            index=models.Index(condition=models.Q(('is_holding', True)), fields=['-date_answered', '-id'], name='answer_holding_newest'),
        ),
        migrations.AddIndex(
            model_name='answer',
            index=models.Index(condition=models.Q(('is_correction', True)), fields=['-date_answered', '-id'], name='answer_correction_newest'),
        ),
    ]
