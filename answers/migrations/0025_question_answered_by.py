"""Indexes of each department's, asking member's and answering post's
answered questions by the answer's date.

A department's questions answered between two days (on time, late, or at
all), or a member's, or a minister's, were read from the index of every
answer by date, each row fetched to test who it belonged to: at a million
questions, a department's answered on time in 2021 and 2022 read 150,000
rows to keep 3,100, for the count and again for the page (220 ms); those
asked by the eleven members named Williams, 150,000 to keep 3,800 (210 ms);
a minister's answered on time since 2021, 200 ms. Walked along their
tabling dates instead, the planner expects the matches spread over all
their years, and they are together.

Each index holds the questions with an answer, by department, by asker and
by answering post, newest answered first (the list's "newest answered"
order), with what the status and timeliness filters test beside it: a list
is counted from the index alone, and its page read in order or sorted from
their span of answers. About 46 MB each at a million questions, built in a
second or two each. PostgreSQL only: on SQLite such lists take at most
about 120 ms at 100,000 questions.
"""

from django.db import migrations

BY = [
    ("department", "department_id"),
    ("asker", "asking_member_id"),
    ("minister", "answer_minister_id"),
]
POSTGRES = [
    f"""
CREATE INDEX question_{name}_answered ON answers_question
    ({column}, answer_date DESC NULLS LAST, date_tabled DESC NULLS LAST, id DESC)
    INCLUDE (due_date, answer_state, is_withdrawn)
    WHERE answer_date IS NOT NULL
"""
    for name, column in BY
]
REVERSE = [f"DROP INDEX question_{name}_answered" for name, _ in BY]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("answers", "0024_question_pending")]

    operations = [migrations.RunPython(_run(POSTGRES), _run(REVERSE))]
