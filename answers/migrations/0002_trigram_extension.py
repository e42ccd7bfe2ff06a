"""pg_trgm powers similar-question detection on PostgreSQL; SQLite skips it."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("answers", "0001_initial")]

    operations = [TrigramExtension()]
