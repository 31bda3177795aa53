"""Japanese-aware text pipeline: one normalisation for indexing, querying, tagging and matching.

Pure Python plus SudachiPy; imports no Django and nothing else from ``renkei``.
"""

from renkei.text.normalise import contains_normalised, normalise
from renkei.text.query import (
    Group,
    Phrase,
    Query,
    Term,
    matches,
    parse_query,
    phrase_text,
    query_terms,
    to_fts5,
    to_fts5_exclusions,
    to_tsquery,
    word_group,
)
from renkei.text.tokens import index_terms, terms_for_matching

__all__ = [
    "Group",
    "Phrase",
    "Query",
    "Term",
    "contains_normalised",
    "index_terms",
    "matches",
    "normalise",
    "parse_query",
    "phrase_text",
    "query_terms",
    "terms_for_matching",
    "to_fts5",
    "to_fts5_exclusions",
    "to_tsquery",
    "word_group",
]
