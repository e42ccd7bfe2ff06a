"""The answering minister's post, copied onto the question by the answer triggers.

"Answered by" joined every answer to its question: counting 2,001 of the
busiest minister's 74,000 answered questions walked both tables together by
question (30 ms at a million questions), and with a search or a department
besides it read hundreds of thousands of rows. ``answer_minister_id`` is kept
beside ``answer_state`` and ``answer_date`` (migration 0007) by the same
triggers, and a partial index holds each post's questions in the list's
order with their state: the filter reads one index, as "Asked by" does.

The answer triggers already rewrite the question's row, so an answer write
costs no extra row write; the index takes one entry per answered question.
There is no foreign key: the triggers keep the copy, as they keep the date.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION answers_question_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    answer record;
    asker text;
BEGIN
    SELECT a.text, a.is_holding, a.date_answered, a.minister_id INTO answer
    FROM answers_answer a WHERE a.question_id = NEW.id;
    SELECT m.name INTO asker FROM answers_member m WHERE m.id = NEW.asking_member_id;
    NEW.search_vector := answers_question_document(
        NEW.uin, NEW.heading, NEW.text, answer.text, asker
    );
    NEW.answer_state := CASE WHEN answer.date_answered IS NULL THEN 0
                             WHEN answer.is_holding THEN 1 ELSE 2 END;
    NEW.answer_date := answer.date_answered;
    NEW.answer_minister_id := answer.minister_id;
    RETURN NEW;
END $$;
"""

STATEMENT_FUNCTION = r"""
CREATE OR REPLACE FUNCTION answers_answer_search_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE answers_question q
    SET search_vector = answers_question_document(q.uin, q.heading, q.text, a.text, m.name),
        answer_state = CASE WHEN a.id IS NULL THEN 0 WHEN a.is_holding THEN 1 ELSE 2 END,
        answer_date = a.date_answered,
        answer_minister_id = a.minister_id
    FROM answers_question q2
    LEFT JOIN answers_answer a ON a.question_id = q2.id
    LEFT JOIN answers_member m ON m.id = q2.asking_member_id
    WHERE q2.id IN (SELECT question_id FROM changed_answers) AND q.id = q2.id;
    RETURN NULL;
END $$;
"""

POSTGRES = (
    "ALTER TABLE answers_question ADD COLUMN answer_minister_id bigint;"
    + FUNCTION
    + STATEMENT_FUNCTION
    + r"""
UPDATE answers_question q SET answer_minister_id = a.minister_id
FROM answers_answer a WHERE a.question_id = q.id AND a.minister_id IS NOT NULL;

CREATE INDEX question_minister_newest
    ON answers_question (answer_minister_id, date_tabled DESC NULLS LAST, id DESC)
    INCLUDE (answer_state, is_withdrawn)
    WHERE answer_minister_id IS NOT NULL;
"""
)

# Migration 0012's functions.
POSTGRES_REVERSE = r"""
DROP INDEX IF EXISTS question_minister_newest;
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
ALTER TABLE answers_question DROP COLUMN answer_minister_id;
"""


def _state(key):
    return f"""
    answer_state = coalesce((SELECT CASE WHEN a.is_holding THEN 1 ELSE 2 END
                             FROM answers_answer a WHERE a.question_id = {key}), 0),
    answer_date = (SELECT a.date_answered FROM answers_answer a WHERE a.question_id = {key})
"""


def _sqlite_triggers(state):
    return [
        "DROP TRIGGER IF EXISTS answers_answer_state_insert",
        "DROP TRIGGER IF EXISTS answers_answer_state_update",
        "DROP TRIGGER IF EXISTS answers_answer_state_delete",
        f"""CREATE TRIGGER answers_answer_state_insert AFTER INSERT ON answers_answer BEGIN
            UPDATE answers_question SET {state("new.question_id")}
            WHERE id = new.question_id;
        END""",
        f"""CREATE TRIGGER answers_answer_state_update AFTER UPDATE ON answers_answer BEGIN
            UPDATE answers_question SET {state("old.question_id")}
            WHERE id = old.question_id;
            UPDATE answers_question SET {state("new.question_id")}
            WHERE id = new.question_id;
        END""",
        f"""CREATE TRIGGER answers_answer_state_delete AFTER DELETE ON answers_answer BEGIN
            UPDATE answers_question SET {state("old.question_id")}
            WHERE id = old.question_id;
        END""",
    ]


def _state_and_minister(key):
    return _state(key) + (
        f", answer_minister_id = "
        f"(SELECT a.minister_id FROM answers_answer a WHERE a.question_id = {key})"
    )


SQLITE = [
    "ALTER TABLE answers_question ADD COLUMN answer_minister_id bigint NULL",
    *_sqlite_triggers(_state_and_minister),
    """UPDATE answers_question SET answer_minister_id =
        (SELECT a.minister_id FROM answers_answer a WHERE a.question_id = answers_question.id)""",
    # SQLite sorts NULL lowest, so DESC already puts undated questions last.
    """CREATE INDEX question_minister_newest
        ON answers_question (answer_minister_id, date_tabled DESC, id DESC)
        WHERE answer_minister_id IS NOT NULL""",
]

SQLITE_REVERSE = [
    "DROP INDEX IF EXISTS question_minister_newest",
    *_sqlite_triggers(_state),
    "ALTER TABLE answers_question DROP COLUMN answer_minister_id",
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
    dependencies = [("answers", "0017_withdrawn_by_department")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
