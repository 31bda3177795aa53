"""Japanese-aware matching of short texts (names, titles) through the one text pipeline.

For lists too small for a search index of their own (organisations, shared teaching content): the
query is parsed as the catalog parses it (`renkei.text.parse_query`: normalised words, Japanese
bigrams, Sudachi forms, OR, exclusions, phrases) and matched against the terms of each row's texts,
computed once per distinct text and process.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.db.models import QuerySet

from renkei.text import Query, index_terms, matches


@functools.lru_cache(maxsize=65536)
def text_terms(text: str) -> frozenset[str]:
    """The index terms of one text (short texts recur: memoised per process)."""
    return frozenset(index_terms(text))


def matching_pks(qs: QuerySet, query: Query, columns: Sequence[str]) -> list[int]:
    """The ids of the rows of `qs` whose `columns`, taken together, match `query`."""
    found = []
    for pk, *texts in qs.order_by().values_list("pk", *columns):
        terms = frozenset().union(*(text_terms(text) for text in texts if text))
        if matches(query, terms):
            found.append(pk)
    return found
