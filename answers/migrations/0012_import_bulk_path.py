"""Question inserts that bring their own search vector, and a cheaper row trigger.

``answers_question_search_row()`` (migration 0007) passed the asking
member's name to ``answers_question_document()`` as a subquery. A SQL
function given a subquery for a parameter it uses twice is not inlined, so
every inserted or edited question ran it through the SQL-function executor:
about 120 µs a row, on top of computing the vector. It now reads the name
into a variable first, and the function is inlined; the vector, answer state
and answer date are the same.

The answers' statement trigger finds the questions to rewrite from the
answers the statement wrote, through the questions' primary key, before
joining anything else. Its old join read every answer to match them up,
which at a few thousand rows cost more than the rewrite; written before
their questions (as the importer does), answers now cost it one index probe
each.

The row trigger is split in two. On UPDATE of the UIN, heading, text or
asker it runs as before. On INSERT it runs only when the row has no vector:
the API importer's bulk path sends the vector, answer state and answer date
with the row (answers.importers.api_writer and .bulk), and is not charged
for a trigger call per row. Every other insert (the models do
not declare the column) arrives without one and is filled as before.

A partial index on the UIN of questions without a Parliament id (logged from
page text) lets the importer match them without visiting every question that
shares a reused UIN.
"""

from django.db import migrations, models

FUNCTION = r"""
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

STATEMENT_FUNCTION = r"""
CREATE OR REPLACE FUNCTION answers_answer_search_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE answers_question q
    SET search_vector = answers_question_document(q.uin, q.heading, q.text, a.text, m.name),
        answer_state = CASE WHEN a.id IS NULL THEN 0 WHEN a.is_holding THEN 1 ELSE 2 END,
        answer_date = a.date_answered
    FROM answers_question q2
    LEFT JOIN answers_answer a ON a.question_id = q2.id
    LEFT JOIN answers_member m ON m.id = q2.asking_member_id
    WHERE q2.id IN (SELECT question_id FROM changed_answers) AND q.id = q2.id;
    RETURN NULL;
END $$;
"""

POSTGRES = (
    FUNCTION
    + STATEMENT_FUNCTION
    + r"""
DROP TRIGGER answers_question_search ON answers_question;
CREATE TRIGGER answers_question_search
    BEFORE INSERT ON answers_question
    FOR EACH ROW WHEN (NEW.search_vector IS NULL)
    EXECUTE FUNCTION answers_question_search_row();
CREATE TRIGGER answers_question_search_update
    BEFORE UPDATE OF uin, heading, text, asking_member_id ON answers_question
    FOR EACH ROW EXECUTE FUNCTION answers_question_search_row();
"""
)

# Migration 0007's functions and 0006's trigger.
POSTGRES_REVERSE = r"""
CREATE OR REPLACE FUNCTION answers_answer_search_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE answers_question q
    SET search_vector = answers_question_document(q.uin, q.heading, q.text, a.text, m.name),
        answer_state = CASE WHEN a.id IS NULL THEN 0 WHEN a.is_holding THEN 1 ELSE 2 END,
        answer_date = a.date_answered
    FROM (SELECT DISTINCT question_id FROM changed_answers) c
    LEFT JOIN answers_answer a ON a.question_id = c.question_id
    LEFT JOIN answers_question q2 ON q2.id = c.question_id
    LEFT JOIN answers_member m ON m.id = q2.asking_member_id
    WHERE q.id = c.question_id;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS answers_question_search_update ON answers_question;
DROP TRIGGER answers_question_search ON answers_question;
CREATE TRIGGER answers_question_search
    BEFORE INSERT OR UPDATE OF uin, heading, text, asking_member_id ON answers_question
    FOR EACH ROW EXECUTE FUNCTION answers_question_search_row();

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
    dependencies = [("answers", "0011_similar_heading_knn")]

    operations = [
        migrations.RunPython(_run(POSTGRES), _run(POSTGRES_REVERSE)),
        migrations.AddIndex(
            model_name="question",
            index=models.Index(
                condition=models.Q(parliament_id__isnull=True),
                fields=["uin"],
                name="question_uin_unlinked",
            ),
        ),
    ]
