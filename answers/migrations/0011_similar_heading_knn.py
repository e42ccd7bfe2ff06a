"""Similar questions read the nearest headings from a GiST index.

The trigram GIN index on the heading (migration 0006) answers "which headings
are similar", every one of them; a GiST index answers "the nearest first",
so a fixed number of candidates costs the same at any size. The department
comes first in it (``btree_gist``), so one department's nearest headings are
read directly. PostgreSQL only; SQLite compares words (answers.similar).
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

FORWARD = """
CREATE INDEX question_heading_nearest
    ON answers_question USING gist (department_id, heading gist_trgm_ops);
DROP INDEX IF EXISTS question_heading_trigram;
"""

REVERSE = """
CREATE INDEX question_heading_trigram ON answers_question USING gin (heading gin_trgm_ops);
DROP INDEX IF EXISTS question_heading_nearest;
"""


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("answers", "0010_member_page_indexes")]

    operations = [
        # Skipped, as every CreateExtension is, on databases other than PostgreSQL.
        BtreeGistExtension(),
        migrations.RunPython(_run(FORWARD), _run(REVERSE)),
    ]
