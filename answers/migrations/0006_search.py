"""Full-text search, kept by the database on every write.

PostgreSQL: ``answers_question.search_vector``, a column the model does not
declare, holds the UIN and heading (weight A), the question (B), the
answer's text without its tags (C) and the asking member's name (D). A row
trigger fills it when a question is written;
statement triggers with transition tables refresh it, one UPDATE per
statement, when answers are written or deleted; a member's rename refreshes
their questions. A GIN index serves ``@@``; a trigram GIN index on the
heading serves similar questions.

SQLite: an FTS5 table ``answers_question_fts`` (porter stemming) with the
same five columns, rowid = question id, kept by row triggers. The answer's
plain text comes from ``pq_plain_text()`` and the member's name from
``pq_asker_name()``, functions registered on every SQLite connection
(answers.search.sqlite).
"""

from django.conf import settings
from django.db import migrations

POSTGRES = r"""
ALTER TABLE answers_question ADD COLUMN search_vector tsvector;

CREATE FUNCTION answers_question_document(
    uin text, heading text, body text, answer text, asker text
) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('english', coalesce(uin, '') || ' ' || coalesce(heading, '')), 'A')
        || setweight(to_tsvector('english', coalesce(body, '')), 'B')
        || setweight(
            to_tsvector('english', regexp_replace(coalesce(answer, ''), '<[^>]*>', ' ', 'g')), 'C'
        )
        -- "Member 1234" is a placeholder until an import names the member.
        || setweight(to_tsvector('english', CASE WHEN asker ~ '^Member [0-9]+$' THEN ''
                                                ELSE coalesce(asker, '') END), 'D')
$$;

CREATE FUNCTION answers_question_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := answers_question_document(
        NEW.uin, NEW.heading, NEW.text,
        (SELECT a.text FROM answers_answer a WHERE a.question_id = NEW.id),
        (SELECT m.name FROM answers_member m WHERE m.id = NEW.asking_member_id)
    );
    RETURN NEW;
END $$;

CREATE TRIGGER answers_question_search
    BEFORE INSERT OR UPDATE OF uin, heading, text, asking_member_id ON answers_question
    FOR EACH ROW EXECUTE FUNCTION answers_question_search_row();

CREATE FUNCTION answers_answer_search_rows() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER answers_answer_search_insert
    AFTER INSERT ON answers_answer REFERENCING NEW TABLE AS changed_answers
    FOR EACH STATEMENT EXECUTE FUNCTION answers_answer_search_rows();
CREATE TRIGGER answers_answer_search_update
    AFTER UPDATE ON answers_answer REFERENCING NEW TABLE AS changed_answers
    FOR EACH STATEMENT EXECUTE FUNCTION answers_answer_search_rows();
CREATE TRIGGER answers_answer_search_delete
    AFTER DELETE ON answers_answer REFERENCING OLD TABLE AS changed_answers
    FOR EACH STATEMENT EXECUTE FUNCTION answers_answer_search_rows();

-- A member's new name reaches the questions they asked.
CREATE FUNCTION answers_member_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE answers_question q
    SET search_vector = answers_question_document(
        q.uin, q.heading, q.text,
        (SELECT a.text FROM answers_answer a WHERE a.question_id = q.id), NEW.name
    )
    WHERE q.asking_member_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER answers_member_search
    AFTER UPDATE OF name ON answers_member
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION answers_member_search_row();

UPDATE answers_question q SET search_vector = answers_question_document(
    q.uin, q.heading, q.text,
    (SELECT a.text FROM answers_answer a WHERE a.question_id = q.id),
    (SELECT m.name FROM answers_member m WHERE m.id = q.asking_member_id)
);

CREATE INDEX question_search ON answers_question USING gin (search_vector);

-- The model orders undated questions last; an index in that order lets the
-- newest-first list read 25 rows instead of sorting the table.
DROP INDEX question_newest_tabled;
CREATE INDEX question_newest_tabled ON answers_question (date_tabled DESC NULLS LAST, id DESC);
DROP INDEX question_house_tabled;
CREATE INDEX question_house_tabled
    ON answers_question (house, date_tabled DESC NULLS LAST, id DESC);
-- One department's questions, newest first (the department filter).
CREATE INDEX question_department_newest
    ON answers_question (department_id, date_tabled DESC NULLS LAST, id DESC);
-- "Newest answered": DESC NULLS LAST, as the sort asks.
DROP INDEX answer_newest;
CREATE INDEX answer_newest ON answers_answer (date_answered DESC NULLS LAST);
CREATE INDEX question_heading_trigram ON answers_question USING gin (heading gin_trgm_ops);
"""

POSTGRES_REVERSE = r"""
DROP INDEX answer_newest;
CREATE INDEX answer_newest ON answers_answer (date_answered DESC);
DROP INDEX question_department_newest;
DROP INDEX question_house_tabled;
CREATE INDEX question_house_tabled ON answers_question (house, date_tabled DESC);
ALTER TABLE answers_question DROP COLUMN IF EXISTS search_vector;
DROP INDEX question_newest_tabled;
CREATE INDEX question_newest_tabled ON answers_question (date_tabled DESC, id DESC);
DROP INDEX IF EXISTS question_heading_trigram;
DROP INDEX IF EXISTS question_search;
DROP TRIGGER IF EXISTS answers_member_search ON answers_member;
DROP FUNCTION IF EXISTS answers_member_search_row();
DROP TRIGGER IF EXISTS answers_answer_search_delete ON answers_answer;
DROP TRIGGER IF EXISTS answers_answer_search_update ON answers_answer;
DROP TRIGGER IF EXISTS answers_answer_search_insert ON answers_answer;
DROP FUNCTION IF EXISTS answers_answer_search_rows();
DROP TRIGGER IF EXISTS answers_question_search ON answers_question;
DROP FUNCTION IF EXISTS answers_question_search_row();
DROP FUNCTION IF EXISTS answers_question_document(text, text, text, text, text);
"""

SQLITE = [
    """CREATE VIRTUAL TABLE answers_question_fts USING fts5(
        uin, heading, text, answer, asker, tokenize = 'porter unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER answers_question_fts_insert AFTER INSERT ON answers_question BEGIN
        INSERT INTO answers_question_fts (rowid, uin, heading, text, answer, asker)
        VALUES (new.id, new.uin, new.heading, new.text,
            coalesce((SELECT pq_plain_text(a.text) FROM answers_answer a
                      WHERE a.question_id = new.id), ''),
            coalesce((SELECT pq_asker_name(m.name) FROM answers_member m
                      WHERE m.id = new.asking_member_id), ''));
    END""",
    """CREATE TRIGGER answers_question_fts_update AFTER UPDATE OF uin, heading, text, asking_member_id
    ON answers_question BEGIN
        UPDATE answers_question_fts SET uin = new.uin, heading = new.heading, text = new.text,
            asker = coalesce((SELECT pq_asker_name(m.name) FROM answers_member m
                              WHERE m.id = new.asking_member_id), '')
        WHERE rowid = new.id;
    END""",
    """CREATE TRIGGER answers_question_fts_delete AFTER DELETE ON answers_question BEGIN
        DELETE FROM answers_question_fts WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER answers_answer_fts_insert AFTER INSERT ON answers_answer BEGIN
        UPDATE answers_question_fts SET answer = pq_plain_text(new.text)
        WHERE rowid = new.question_id;
    END""",
    """CREATE TRIGGER answers_answer_fts_update AFTER UPDATE OF text, question_id
    ON answers_answer BEGIN
        UPDATE answers_question_fts SET answer = '' WHERE rowid = old.question_id;
        UPDATE answers_question_fts SET answer = pq_plain_text(new.text)
        WHERE rowid = new.question_id;
    END""",
    """CREATE TRIGGER answers_answer_fts_delete AFTER DELETE ON answers_answer BEGIN
        UPDATE answers_question_fts SET answer = '' WHERE rowid = old.question_id;
    END""",
    """CREATE TRIGGER answers_member_fts_update AFTER UPDATE OF name ON answers_member
    WHEN old.name IS NOT new.name BEGIN
        UPDATE answers_question_fts SET asker = pq_asker_name(new.name)
        WHERE rowid IN (SELECT id FROM answers_question WHERE asking_member_id = new.id);
    END""",
    # One department's questions, newest first (SQLite sorts NULL lowest, so
    # DESC puts undated questions last, as the model orders them).
    """CREATE INDEX question_department_newest
    ON answers_question (department_id, date_tabled DESC, id DESC)""",
    """INSERT INTO answers_question_fts (rowid, uin, heading, text, answer, asker)
    SELECT q.id, q.uin, q.heading, q.text, coalesce(pq_plain_text(a.text), ''),
        coalesce(pq_asker_name(m.name), '')
    FROM answers_question q
    LEFT JOIN answers_answer a ON a.question_id = q.id
    LEFT JOIN answers_member m ON m.id = q.asking_member_id""",
]

SQLITE_REVERSE = [
    "DROP INDEX IF EXISTS question_department_newest",
    "DROP TRIGGER IF EXISTS answers_member_fts_update",
    "DROP TRIGGER IF EXISTS answers_answer_fts_delete",
    "DROP TRIGGER IF EXISTS answers_answer_fts_update",
    "DROP TRIGGER IF EXISTS answers_answer_fts_insert",
    "DROP TRIGGER IF EXISTS answers_question_fts_delete",
    "DROP TRIGGER IF EXISTS answers_question_fts_update",
    "DROP TRIGGER IF EXISTS answers_question_fts_insert",
    "DROP TABLE IF EXISTS answers_question_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        with schema_editor.connection.cursor() as cursor:
            if vendor == "postgresql":
                # No parameters: one round trip for the whole script.
                cursor.execute(statements["postgresql"])
            elif vendor == "sqlite":
                for statement in statements["sqlite"]:
                    cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("answers", "0005_notes_versioned_minister_dates_removed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
