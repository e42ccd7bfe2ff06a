"""The text index holds each question's department, asker and answering post too.

A search within a department, by a member or answered by a minister read two
indexes into bitmaps and intersected them: every entry of the words (182,000
for "health" at a million questions) and every question of the department
(143,000 for Health), 10 to 15 ms each, though a few hundred questions
matched both. One GIN index over the three columns and the search vector
(``btree_gin`` holds the plain columns) intersects its own entries before
any bitmap is made: "veteran" in a department, 30 ms to 4 ms; "health" in
another, 37 ms to 7.5 ms; answered by a minister, 43 ms to 6 ms.

It replaces the index on the vector alone, which a search without those
filters reads from this one as quickly. Its cost on write is three entries
more per question beside the vector's lexemes, and 5% more size (130 MB at a
million questions). Rebuilding it takes 18 seconds at a million questions,
during which questions cannot be written. PostgreSQL only: SQLite searches
with FTS5.

The department, member or minister is compared as a ``bigint``, as the
columns are (answers.filters): the index's operators are for equal types.
"""

from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations

POSTGRES = [
    """
CREATE INDEX question_search_filtered ON answers_question
    USING gin (department_id, asking_member_id, answer_minister_id, search_vector)
""",
    "DROP INDEX question_search",
    "ALTER INDEX question_search_filtered RENAME TO question_search",
]
REVERSE = [
    "CREATE INDEX question_search_vector ON answers_question USING gin (search_vector)",
    "DROP INDEX question_search",
    "ALTER INDEX question_search_vector RENAME TO question_search",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("answers", "0018_answer_minister_on_question")]

    operations = [
        # Skipped, as every CreateExtension is, on databases other than PostgreSQL.
        BtreeGinExtension(),
        migrations.RunPython(_run(POSTGRES), _run(REVERSE)),
    ]
