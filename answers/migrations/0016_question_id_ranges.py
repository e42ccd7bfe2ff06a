"""A block-range index of question ids, for searches that look at the newest first.

A search ranks the most recently added matches (answers.search). For a word
or phrase in one question in a hundred, the text index gives every match in
the record, and each is read from the table before the newest are kept:
eleven thousand reads at a million questions to keep two thousand. The
search now looks first at a range of the newest ids wide enough, by the
words' frequencies, to hold the matches it needs. This index gives that
range as table blocks, and nearly nothing to write (a new question only
widens the last range it falls in). PostgreSQL only: SQLite's search does
not use it.

One entry per 8 blocks (570 kB at a million questions) rather
than the default 128: the planner intersects the cheaper index first, and
with a coarse block-range index first the intersection forgets which rows
of a block matched, so every row of those blocks would be read and checked
against the search. A finer one costs more to read and comes second.

It indexes ``id + 0``, not ``id``, so that only the search's ranges, which
say ``id + 0``, can use it. On ``id`` itself the planner would offer it for
every ``id = ANY(...)`` too, costing it as one scan where PostgreSQL 15 runs
one scan of the whole index for each key: 1.6 seconds for a list page's
1,200 keys.

The range's width comes from each word's share of questions, which ANALYZE
keeps for the most common lexemes of the search vectors. By default it
keeps those in more than about one question in 150, and of any other word
says only that it is rarer: up to 6,800 matches at a million questions.
Kept for ten times as many (down to about one question in 3,000), a word
is either known or rare enough to search at once. ANALYZE then reads ten
times as many sample rows for this column: 6 seconds at a million questions.
"""

from django.db import migrations

POSTGRES = [
    """
CREATE INDEX question_id_ranges ON answers_question USING brin ((id + 0))
    WITH (pages_per_range = 8, autosummarize = on)
""",
    "ALTER TABLE answers_question ALTER COLUMN search_vector SET STATISTICS 1000",
]
REVERSE = [
    "DROP INDEX IF EXISTS question_id_ranges",
    "ALTER TABLE answers_question ALTER COLUMN search_vector SET STATISTICS -1",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("answers", "0015_fewer_indexes")]

    operations = [migrations.RunPython(_run(POSTGRES), _run(REVERSE))]
