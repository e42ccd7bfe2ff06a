"""The answer's state and date, copied onto the question by triggers.

``answers_question.answer_state`` (0 no answer, 1 holding, 2 answered) and
``answer_date`` are not model fields (answers.columns): the answer triggers
of migration 0006 now also write them, so the status filters and the
"newest answered" sort read partial indexes of one table instead of joining
every answer. Each answer write already rewrote its question's row for the
search vector, so this costs no extra row write.
"""

from django.db import migrations

POSTGRES = r"""
ALTER TABLE answers_question ADD COLUMN answer_state smallint NOT NULL DEFAULT 0;
ALTER TABLE answers_question ADD COLUMN answer_date date;

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

UPDATE answers_question q
SET answer_state = CASE WHEN a.is_holding THEN 1 ELSE 2 END, answer_date = a.date_answered
FROM answers_answer a WHERE a.question_id = q.id;

-- Awaiting and holding: the newest first, read from a small partial index.
CREATE INDEX question_awaiting_newest ON answers_question (date_tabled DESC NULLS LAST, id DESC)
    WHERE NOT is_withdrawn AND answer_state = 0;
CREATE INDEX question_holding_newest ON answers_question (date_tabled DESC NULLS LAST, id DESC)
    WHERE NOT is_withdrawn AND answer_state = 1;
-- Still owed an answer, by deadline (overdue, due today, due this week).
CREATE INDEX question_owed_due ON answers_question (due_date)
    WHERE NOT is_withdrawn AND answer_state < 2;
-- "Newest answered" in the sort's own order.
CREATE INDEX question_newest_answered
    ON answers_question (answer_date DESC NULLS LAST, date_tabled DESC NULLS LAST, id DESC);
"""

POSTGRES_REVERSE = r"""
DROP INDEX IF EXISTS question_newest_answered;
DROP INDEX IF EXISTS question_owed_due;
DROP INDEX IF EXISTS question_holding_newest;
DROP INDEX IF EXISTS question_awaiting_newest;
CREATE OR REPLACE FUNCTION answers_answer_search_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE answers_question q
    SET search_vector = answers_question_document(q.uin, q.heading, q.text, a.text, m.name)
    FROM (SELECT DISTINCT question_id FROM changed_answers) c
    LEFT JOIN answers_answer a ON a.question_id = c.question_id
    LEFT JOIN answers_question q2 ON q2.id = c.question_id
    LEFT JOIN answers_member m ON m.id = q2.asking_member_id
    WHERE q.id = c.question_id;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION answers_question_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := answers_question_document(
        NEW.uin, NEW.heading, NEW.text,
        (SELECT a.text FROM answers_answer a WHERE a.question_id = NEW.id),
        (SELECT m.name FROM answers_member m WHERE m.id = NEW.asking_member_id)
    );
    RETURN NEW;
END $$;
ALTER TABLE answers_question DROP COLUMN answer_date;
ALTER TABLE answers_question DROP COLUMN answer_state;
"""

_STATE = """
    answer_state = coalesce((SELECT CASE WHEN a.is_holding THEN 1 ELSE 2 END
                             FROM answers_answer a WHERE a.question_id = {id}), 0),
    answer_date = (SELECT a.date_answered FROM answers_answer a WHERE a.question_id = {id})
"""

SQLITE = [
    "ALTER TABLE answers_question ADD COLUMN answer_state smallint NOT NULL DEFAULT 0",
    "ALTER TABLE answers_question ADD COLUMN answer_date date NULL",
    f"""CREATE TRIGGER answers_answer_state_insert AFTER INSERT ON answers_answer BEGIN
        UPDATE answers_question SET {_STATE.format(id="new.question_id")}
        WHERE id = new.question_id;
    END""",
    f"""CREATE TRIGGER answers_answer_state_update AFTER UPDATE ON answers_answer BEGIN
        UPDATE answers_question SET {_STATE.format(id="old.question_id")}
        WHERE id = old.question_id;
        UPDATE answers_question SET {_STATE.format(id="new.question_id")}
        WHERE id = new.question_id;
    END""",
    f"""CREATE TRIGGER answers_answer_state_delete AFTER DELETE ON answers_answer BEGIN
        UPDATE answers_question SET {_STATE.format(id="old.question_id")}
        WHERE id = old.question_id;
    END""",
    f"UPDATE answers_question SET {_STATE.format(id='answers_question.id')}",
    """CREATE INDEX question_awaiting_newest ON answers_question (date_tabled DESC, id DESC)
    WHERE NOT is_withdrawn AND answer_state = 0""",
    """CREATE INDEX question_holding_newest ON answers_question (date_tabled DESC, id DESC)
    WHERE NOT is_withdrawn AND answer_state = 1""",
    """CREATE INDEX question_owed_due ON answers_question (due_date)
    WHERE NOT is_withdrawn AND answer_state < 2""",
    """CREATE INDEX question_newest_answered
    ON answers_question (answer_date DESC, date_tabled DESC, id DESC)""",
]

SQLITE_REVERSE = [
    "DROP INDEX IF EXISTS question_newest_answered",
    "DROP INDEX IF EXISTS question_owed_due",
    "DROP INDEX IF EXISTS question_holding_newest",
    "DROP INDEX IF EXISTS question_awaiting_newest",
    "DROP TRIGGER IF EXISTS answers_answer_state_delete",
    "DROP TRIGGER IF EXISTS answers_answer_state_update",
    "DROP TRIGGER IF EXISTS answers_answer_state_insert",
    "ALTER TABLE answers_question DROP COLUMN answer_date",
    "ALTER TABLE answers_question DROP COLUMN answer_state",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        with schema_editor.connection.cursor() as cursor:
            if vendor == "postgresql":
                cursor.execute(statements["postgresql"])
            elif vendor == "sqlite":
                for statement in statements["sqlite"]:
                    cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("answers", "0006_search")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
