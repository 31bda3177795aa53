"""The facet bitmaps follow the index, and values beyond the cached ones still count."""

from __future__ import annotations

from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_bits_from_joined_reads_aggregated_id_lists():
    assert bitmaps.ids_from_bits(bitmaps.bits_from_joined("8,3,1000,0")) == [0, 3, 8, 1000]
    assert bitmaps.bits_from_joined("") == 0
    assert bitmaps.bits_from_joined(None) == 0


@settings(max_examples=200, deadline=None)
@given(
    order=st.permutations(range(1, 300)),
    chosen=st.sets(st.integers(1, 299)),
    offset=st.integers(0, 40),
    limit=st.integers(0, 30),
)
def test_take_gives_the_same_page_by_walking_or_by_listing(order, chosen, offset, limit):
    # a sparse set is listed and sorted by place, a dense one walked: both must give the page of `order`
    maps = bitmaps.FacetBitmaps(token="t", universe=0, published=0, located=0, values={})
    maps.orders["newest"] = array("q", order)
    expected = [i for i in order if i in chosen][offset : offset + limit]
    assert maps.take("newest", bitmaps.bits_from_ids(chosen), offset=offset, limit=limit) == expected
