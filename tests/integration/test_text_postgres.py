"""renkei.text on a real PostgreSQL: the index terms stay whole tokens and the rendered tsquery finds what
the Python evaluator finds (tests/unit/test_text.py checks the same on Python and SQLite FTS5).

It talks to the server directly (no Django, no test database) and skips when none is reachable.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.text_cases import PAIR_TEXT, VARIANTS, jp_chars

from renkei.text import Group, Query, Term, index_terms, parse_query, to_tsquery

# --- PostgreSQL (skipped when unreachable) -----------------------------------------------------------


@pytest.fixture(scope="module")
def pg() -> Iterator[object]:
    psycopg = pytest.importorskip("psycopg")
    try:
        conn = psycopg.connect(
            "host=127.0.0.1 user=postgres dbname=postgres", connect_timeout=2, autocommit=True
        )
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL not reachable")
    with conn:
        yield conn


def test_postgres_keeps_gram_terms_whole(pg: object) -> None:
    chars = list(jp_chars())
    text = " ".join(f"{c}u a{c}b" for c in chars)
    rows = pg.execute("SELECT token FROM ts_debug('simple', %s) WHERE alias <> 'blank'", (text,))  # type: ignore[attr-defined]
    assert [r[0] for r in rows] == [t for c in chars for t in (f"{c}u", f"a{c}b")]


@pytest.mark.parametrize(("query", "doc", "expected"), VARIANTS)
def test_variants_postgres(pg: object, query: str, doc: str, expected: bool) -> None:
    tsq = to_tsquery(parse_query(query))
    row = pg.execute(  # type: ignore[attr-defined]
        "SELECT to_tsvector('simple', %s) @@ to_tsquery('simple', %s)", (" ".join(index_terms(doc)), tsq)
    ).fetchone()
    assert row[0] is expected


def test_postgres_escaping(pg: object) -> None:
    nasty = Query((Group(((Term("it's"), Term("x\\y")),)),))
    row = pg.execute(  # type: ignore[attr-defined]
        "SELECT to_tsvector('simple', %s) @@ to_tsquery('simple', %s)", ("it s x y", to_tsquery(nasty))
    ).fetchone()
    assert row[0] is True


def test_postgres_keeps_pair_terms_whole(pg: object) -> None:
    pairs = [t for t in index_terms(PAIR_TEXT) if t.startswith("ヲ")]
    assert len(pairs) == 11  # every two adjacent words of the text
    rows = pg.execute("SELECT token FROM ts_debug('simple', %s) WHERE alias <> 'blank'", (" ".join(pairs),))  # type: ignore[attr-defined]
    assert [r[0] for r in rows] == pairs  # one token each
