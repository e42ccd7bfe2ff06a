"""The question row trigger computes its search vector without per-row subqueries in the call.

Migration 0007's ``answers_question_search_row()`` passed the asking
member's name to ``answers_question_document()`` as a subquery. A SQL
function given a subquery for a parameter it uses twice is not inlined, so
every inserted or edited question ran the function through the SQL-function
executor: about 160 µs a row, more than computing the vector itself. Reading
the name into a variable first lets the planner inline the function; the
vector, answer state and answer date are the same.
"""

from django.db import migrations

POSTGRES = r"""
CREATE OR REPLACE FUNCTION answers_question_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    answer record;
    asker text;
BEGIN
    SELECT a.text, a.is_holding, a.date_answered INTO answer
    FROM answers_answer a WHERE a.question_id = NEW.id;
    SELECT m.name INTO asker FROM answers_member m WHERE m.id = NEW.asking_member_id;
    NEW.search_vector := answers_question_document(
        NEW.uin, NEW.heading, NEW.text, answer.text, asker
    );
    NEW.answer_state := CASE WHEN answer.date_answered IS NULL THEN 0
                             WHEN answer.is_holding THEN 1 ELSE 2 END;
    NEW.answer_date := answer.date_answered;
    RETURN NEW;
END $$;
"""

# Migration 0007's version.
POSTGRES_REVERSE = r"""
CREATE OR REPLACE FUNCTION answers_question_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    answer record;
BEGIN
    SELECT a.text, a.is_holding, a.date_answered INTO answer
    FROM answers_answer a WHERE a.question_id = NEW.id;
    NEW.search_vector := answers_question_document(
        NEW.uin, NEW.heading, NEW.text, answer.text,
        (SELECT m.name FROM answers_member m WHERE m.id = NEW.asking_member_id)
    );
    NEW.answer_state := CASE WHEN answer.date_answered IS NULL THEN 0
                             WHEN answer.is_holding THEN 1 ELSE 2 END;
    NEW.answer_date := answer.date_answered;
    RETURN NEW;
END $$;
"""


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("answers", "0010_member_page_indexes")]

    operations = [migrations.RunPython(_run(POSTGRES), _run(POSTGRES_REVERSE))]
