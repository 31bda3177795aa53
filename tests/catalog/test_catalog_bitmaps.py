"""The facet bitmaps follow the index, and values beyond the cached ones still count."""

from __future__ import annotations

import pytest

from renkei.catalog import bitmaps

pytestmark = pytest.mark.django_db


def test_counts_follow_the_index(owner_org, make_program, search):
    make_program(owner_org, "A", mode="online")
    assert search("").facet("mode").values[0].count == 1
    # when another program is saved, the cached bitmaps are rebuilt (the index token changed)
    make_program(owner_org, "B", mode="online")
    assert {v.value: v.count for v in search("").facet("mode").values} == {"online": 2}


def test_rare_values_beyond_the_cached_ones_still_count_when_selected(
    owner_org, other_org, make_program, search, monkeypatch
):
    monkeypatch.setattr(bitmaps, "TOP_VALUES", 1)
    make_program(owner_org, "A", mode="online")
    make_program(owner_org, "B", mode="online")
    make_program(other_org, "C", mode="onsite")
    # then the facet lists only the most common value...
    assert [v.value for v in search("").facet("provider").values] == ["owner-u"]
    # ...and a selected rare value is loaded and counted
    result = search("", facets={"provider": ["other-u"]})
    assert result.total == 1
    assert {v.value: v.count for v in result.facet("provider").values} == {"owner-u": 2, "other-u": 1}


def test_bitset_helpers():
    assert bitmaps.ids_from_bits(bitmaps.bits_from_ids([0, 3, 8, 1000])) == [0, 3, 8, 1000]
    assert bitmaps.bits_from_ids([]) == 0
