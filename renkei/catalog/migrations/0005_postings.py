"""PostgreSQL: postings (term, field → Roaring bitmap of program ids) derived from the tsvector table,
filled here from the vectors already indexed (no re-index needed), with the delta and stale tables
that partial re-indexes write. See renkei.catalog.postings.

Searches read the postings now, so the GIN indexes on the tsvector columns go: nothing queries them,
and every write paid for them.

The term column sorts in the "C" collation (code point order), so a prefix is one range of the primary
key. The bitmaps are stored uncompressed (STORAGE EXTERNAL): they are compact already, and a search
reads them without decompressing. SQLite keeps answering from FTS5; nothing to do there.
"""

from django.db import migrations

TABLE = "catalog_program_postings"
DELTA_TABLE = "catalog_program_postings_delta"
STALE_TABLE = "catalog_program_postings_stale"
TSV_TABLE = "catalog_program_tsv"
GIN_INDEXES = {
    "document": "catalog_program_tsv_gin",
    "rank_vector": "catalog_program_tsv_rank_gin",
    "title_vector": "catalog_program_tsv_title_gin",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from renkei.catalog import postings

    schema_editor.execute(
        f'CREATE TABLE {TABLE} (term text COLLATE "C" NOT NULL, field smallint NOT NULL, '
        "bits bytea NOT NULL, PRIMARY KEY (term, field))"
    )
    schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN bits SET STORAGE EXTERNAL")
    schema_editor.execute(
        f'CREATE TABLE {DELTA_TABLE} (term text COLLATE "C" NOT NULL, field smallint NOT NULL, '
        "program_id integer NOT NULL, PRIMARY KEY (term, field, program_id))"
    )
    schema_editor.execute(f"CREATE INDEX {DELTA_TABLE}_program ON {DELTA_TABLE} (program_id)")
    schema_editor.execute(f"CREATE TABLE {STALE_TABLE} (program_id integer PRIMARY KEY)")
    postings.rebuild()
    for name in GIN_INDEXES.values():
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for column, name in GIN_INDEXES.items():
            schema_editor.execute(f"CREATE INDEX {name} ON {TSV_TABLE} USING gin ({column})")
        for table in (TABLE, DELTA_TABLE, STALE_TABLE):
            schema_editor.execute(f"DROP TABLE {table}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_search_changes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
