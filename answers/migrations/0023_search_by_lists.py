"""The text index holds the asker and the answering post as arrays of one.

A search by a member's name is by everyone of that name: "Williams" is
eleven members. Written as ``asking_member_id = ANY(...)``, the list is one
scan of a GIN index per member, and each scan reads the words' entries
again: "health" (182,000 entries at a million questions) by the eleven
Williamses took 42 ms in the index alone, and by one member, the planner
preferred to intersect the member's B-tree index with every entry of the
word (90 ms). Held as ``ARRAY[asking_member_id]``, the members are one key
of the index (``&&``, any of them), read together with the words in one
scan: 42 ms to 23 ms, and one member with "health" 5 ms. The same for the
answering post, a minister's name being any of their posts. A search says
it so (``answers.lookups``, ``__among``); a list without words keeps the
member's B-tree index.

The index has as many entries as before; rebuilding it takes about 40
seconds at a million questions, during which questions cannot be written.
PostgreSQL only: SQLite searches with FTS5.
"""

from django.db import migrations

POSTGRES = [
    """
CREATE INDEX question_search_lists ON answers_question USING gin (
    department_id, (ARRAY[asking_member_id]), (ARRAY[answer_minister_id]), search_vector
)
""",
    "DROP INDEX question_search",
    "ALTER INDEX question_search_lists RENAME TO question_search",
]
REVERSE = [
    """
CREATE INDEX question_search_values ON answers_question
    USING gin (department_id, asking_member_id, answer_minister_id, search_vector)
""",
    "DROP INDEX question_search",
    "ALTER INDEX question_search_values RENAME TO question_search",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


def _analyse(apps, schema_editor):
    """Statistics of the arrays (an index's expressions are analysed with its
    table), so that the planner knows how many questions a list of members
    holds. Not of an empty table: analysed empty, it is planned as empty
    until analysed again, and the triggers' statements of a first import,
    planned once for the session, joined every question to every other."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM answers_question)")
        if cursor.fetchone()[0]:
            cursor.execute("ANALYZE answers_question")


class Migration(migrations.Migration):
    dependencies = [("answers", "0022_answer_holding_and_correction_newest")]

    operations = [
        migrations.RunPython(_run(POSTGRES), _run(REVERSE)),
        migrations.RunPython(_analyse, migrations.RunPython.noop),
    ]
