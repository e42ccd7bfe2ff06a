"""Indexes of each asking member's and each answering post's questions by the answer's date.

As for a department's (migration 0025): the questions a member asked, or a
minister answered, between two days were read from the index of every
answer by date, each row fetched to test who asked or answered it. At a
million questions, those asked by the eleven members named Williams and
answered on time in 2021 and 2022 read 150,000 rows to keep 3,800 (210 ms);
a minister's answered on time since 2021, 200 ms.

Each index holds the questions with an answer, by asker or by answering
post, newest answered first, with what the status and timeliness filters
test beside it. About 46 MB each at a million questions, built in about a
second each. PostgreSQL only: on SQLite such lists take at most
about 120 ms at 100,000 questions.
"""

from django.db import migrations

POSTGRES = [
    f"""
CREATE INDEX question_{name}_answered ON answers_question
    ({column}, answer_date DESC NULLS LAST, date_tabled DESC NULLS LAST, id DESC)
    INCLUDE (due_date, answer_state, is_withdrawn)
    WHERE answer_date IS NOT NULL
"""
    for name, column in [("asker", "asking_member_id"), ("minister", "answer_minister_id")]
]
REVERSE = ["DROP INDEX question_asker_answered", "DROP INDEX question_minister_answered"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("answers", "0025_question_department_answered")]

    operations = [migrations.RunPython(_run(POSTGRES), _run(REVERSE))]
