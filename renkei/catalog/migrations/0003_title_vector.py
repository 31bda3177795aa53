"""PostgreSQL: a tsvector of the title alone with its GIN index, for the first relevance tier.

Filled from the title lexemes already in `rank_vector` (weight A), so no re-index is needed. A weight
restriction in the query (`'term':A`) would make PostgreSQL re-check every candidate row; a column of
its own keeps the lookup inside the index. SQLite uses a column filter on its FTS5 table instead.
"""

from django.db import migrations

POSTGRES_ADD = [
    "ALTER TABLE catalog_program_tsv ADD COLUMN IF NOT EXISTS title_vector tsvector NOT NULL DEFAULT ''",
    "UPDATE catalog_program_tsv SET title_vector = ts_filter(rank_vector, '{a}')",
    "CREATE INDEX IF NOT EXISTS catalog_program_tsv_title_gin ON catalog_program_tsv USING gin (title_vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS catalog_program_tsv_title_gin",
    "ALTER TABLE catalog_program_tsv DROP COLUMN IF EXISTS title_vector",
]


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_ADD:
            schema_editor.execute(sql)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_tables")]

    operations = [migrations.RunPython(add, remove, elidable=False)]
