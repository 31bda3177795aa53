"""PostgreSQL: rebuild the term table narrow, with a tsvector of the title alone.

* `title_vector` (filled from the title lexemes already in `rank_vector`, weight A, so no re-index is
  needed) with its GIN index: the first relevance tier. A weight restriction in the query (`'term':A`)
  would make PostgreSQL re-check every candidate row; a column of its own keeps the lookup in the index.
* `toast_tuple_target = 128`: the vectors are stored out of line, so a heap row is ~100 bytes instead
  of ~2.5 KB. A lookup reads the program ids of its matches from the heap (a GIN index holds no
  columns); at 100k programs a common word then visits ~1,000 heap pages instead of ~15,000.

The table is copied rather than altered so that the old wide rows do not stay behind as dead space.
SQLite uses a column filter on its FTS5 table instead; nothing to do there.
"""

from django.db import migrations

TABLE = "catalog_program_tsv"
INDEXES = {
    "document": "catalog_program_tsv_gin",
    "rank_vector": "catalog_program_tsv_rank_gin",
    "title_vector": "catalog_program_tsv_title_gin",
}


def _rebuild(schema_editor, *, title: bool, toast_target: int | None) -> None:
    columns = "program_id bigint PRIMARY KEY, document tsvector NOT NULL, rank_vector tsvector NOT NULL"
    select = "program_id, document, rank_vector"
    if title:
        columns += ", title_vector tsvector NOT NULL"
        select += ", ts_filter(rank_vector, '{a}')"
    options = f" WITH (toast_tuple_target = {toast_target})" if toast_target else ""
    for sql in [
        *(f"DROP INDEX IF EXISTS {name}" for name in INDEXES.values()),
        f"ALTER TABLE {TABLE} RENAME TO {TABLE}_old",
        f"ALTER TABLE {TABLE}_old RENAME CONSTRAINT {TABLE}_pkey TO {TABLE}_old_pkey",
        f"CREATE TABLE {TABLE} ({columns}){options}",
        f"INSERT INTO {TABLE} SELECT {select} FROM {TABLE}_old",
        f"DROP TABLE {TABLE}_old",
        *(
            f"CREATE INDEX {name} ON {TABLE} USING gin ({column})"
            for column, name in INDEXES.items()
            if title or column != "title_vector"
        ),
        f"ANALYZE {TABLE}",
    ]:
        schema_editor.execute(sql)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(schema_editor, title=True, toast_target=128)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(schema_editor, title=False, toast_target=None)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_tables")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
