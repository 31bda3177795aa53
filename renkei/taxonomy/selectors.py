"""Reads of taxonomies: the tagger's concept dictionary."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from django.db.models import Count, Max

from renkei.taxonomy.models import Concept
from renkei.taxonomy.tagging import ConceptDictionary

STARTER_SCHEME = "renkei-starter"

_lock = threading.Lock()
_dictionaries: dict[tuple, tuple[tuple, ConceptDictionary]] = {}


def concept_dictionary(
    *, scheme_keys: Iterable[str] = (STARTER_SCHEME,), kinds: Iterable[str] = ()
) -> ConceptDictionary:
    """The compiled terms of the concepts to tag with (``auto_tag`` on), loaded once per process.

    Cached per (schemes, kinds) and rebuilt when the concepts' count or latest ``updated_at`` changes,
    which costs one aggregate query per call. Writes that bypass ``updated_at`` (``QuerySet.update``)
    are not seen until the next change; the taxonomy services always set it. Concepts of earlier
    schemes in ``scheme_keys`` claim a shared term first.
    """
    scheme_keys, kinds = tuple(scheme_keys), tuple(sorted(kinds))
    concepts = Concept.objects.filter(scheme__key__in=scheme_keys, auto_tag=True)
    if kinds:
        concepts = concepts.filter(kind__in=kinds)
    stamp_row = concepts.aggregate(count=Count("id"), latest=Max("updated_at"))
    stamp = (stamp_row["count"], stamp_row["latest"])
    key = (scheme_keys, kinds)
    cached = _dictionaries.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        cached = _dictionaries.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        rank = {k: i for i, k in enumerate(scheme_keys)}
        rows = sorted(
            concepts.values_list(
                "scheme__key", "sort_order", "code", "label_ja", "label_en", "synonyms_ja", "synonyms_en"
            ),
            key=lambda r: (rank[r[0]], r[1], r[2]),
        )
        dictionary = ConceptDictionary.build(
            (code, [label_ja, label_en, *f"{syn_ja}\n{syn_en}".splitlines()])
            for _, _, code, label_ja, label_en, syn_ja, syn_en in rows
        )
        _dictionaries[key] = (stamp, dictionary)
        return dictionary
