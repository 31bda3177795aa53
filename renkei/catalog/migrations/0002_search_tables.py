"""Full-text index tables holding Renkei's own terms (renkei.text.index_terms), one per back-end.

SQLite: FTS5 tables (unicode61, diacritics kept; never the trigram tokenizer), one to match on every
column and a small one (title, summary) to rank with bm25.
PostgreSQL: a table of tsvector('simple') columns with GIN indexes (no server extension): `document`
to match, `rank_vector` (title, summary) to rank with ts_rank.
rowid / program_id = catalog_program.id. Rebuilt by `renkei reindex`.
"""

from django.db import migrations

SQLITE_CREATE = [
    # matching: every term of the program
    "CREATE VIRTUAL TABLE IF NOT EXISTS catalog_program_fts USING fts5("
    "title, summary, body, tokenize='unicode61 remove_diacritics 0')",
    # ranking: bm25 over the short columns only
    "CREATE VIRTUAL TABLE IF NOT EXISTS catalog_program_rank_fts USING fts5("
    "title, summary, tokenize='unicode61 remove_diacritics 0')",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS catalog_program_fts", "DROP TABLE IF EXISTS catalog_program_rank_fts"]
POSTGRES_CREATE = [
    "CREATE TABLE IF NOT EXISTS catalog_program_tsv ("
    "program_id bigint PRIMARY KEY, document tsvector NOT NULL, rank_vector tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS catalog_program_tsv_gin ON catalog_program_tsv USING gin (document)",
    "CREATE INDEX IF NOT EXISTS catalog_program_tsv_rank_gin ON catalog_program_tsv USING gin (rank_vector)",
]
POSTGRES_DROP = ["DROP TABLE IF EXISTS catalog_program_tsv"]
# (concept, program) indexes on the field and skill through tables: the facet bitmaps group by concept.
THROUGH_INDEXES = [
    "CREATE INDEX IF NOT EXISTS catalog_program_fields_concept_program ON catalog_program_fields (concept_id, program_id)",
    "CREATE INDEX IF NOT EXISTS catalog_program_skills_concept_program ON catalog_program_skills (concept_id, program_id)",
]
THROUGH_DROP = [
    "DROP INDEX IF EXISTS catalog_program_fields_concept_program",
    "DROP INDEX IF EXISTS catalog_program_skills_concept_program",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in THROUGH_INDEXES:
        schema_editor.execute(sql)
    for sql in {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}.get(vendor, []):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in THROUGH_DROP:
        schema_editor.execute(sql)
    for sql in {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
        migrations.RunSQL("INSERT INTO catalog_searchstate (key, token) VALUES ('programs', 'initial')",
                          "DELETE FROM catalog_searchstate WHERE key = 'programs'"),
    ]
