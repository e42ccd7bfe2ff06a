"""An index of the days each answered question was waiting for its answer.

A list tabled by a day and answered from an earlier one holds the questions
tabled between the two and those tabled before the earlier day and answered
on or after it. The planner takes the two bounds as unrelated: a department's
questions tabled by mid-2017 and answered since 2017 are planned as a fifth
of those tabled by then, and are one in thirty, and they were counted along
the tabling date's index from the oldest question up (270,000 rows read for
790: 300 ms at a million questions).

Each answered question's span from tabling to answer is held in a GiST
index, which finds those waiting on a given day (a few thousand) in about a
millisecond; the earliest of them was tabled on the first day any answer
given from that day was, and the list is bounded by it (``search.tabled_since``).

Questions whose answer is dated before their tabling are not held (no such
span). The index is about 60 MB at a million questions and builds in about
25 seconds, during which questions cannot be written. PostgreSQL only.
"""

from django.db import migrations

POSTGRES = [
    """
CREATE INDEX question_pending ON answers_question
    USING gist (daterange(date_tabled, answer_date, '[]'))
    WHERE answer_date >= date_tabled
""",
]
REVERSE = ["DROP INDEX question_pending"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("answers", "0023_search_by_lists")]

    operations = [migrations.RunPython(_run(POSTGRES), _run(REVERSE))]
