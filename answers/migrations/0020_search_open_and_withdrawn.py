"""A second, small text index of the questions not answered, or withdrawn.

Searching the withdrawn, those awaiting an answer or a holding answer, or
those owed or overdue, read every entry of the words from the whole
record's text index (182,000 for "health" at a million questions, 20 ms)
to keep the few hundred among those questions. This index holds only them:
about 26,000 at a million questions, 4.7 MB. "health" among the withdrawn,
49 ms to 24 ms.

Its cost on write: a question's words are indexed twice while it is owed an
answer or withdrawn. Most of the record is answered, and an import of past
questions adds little to it. PostgreSQL only: SQLite searches with FTS5.
"""

from django.db import migrations

POSTGRES = [
    """
CREATE INDEX question_search_open ON answers_question USING gin (search_vector)
    WHERE is_withdrawn OR answer_state < 2
""",
]
REVERSE = ["DROP INDEX IF EXISTS question_search_open"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("answers", "0019_search_with_filters")]

    operations = [migrations.RunPython(_run(POSTGRES), _run(REVERSE))]
