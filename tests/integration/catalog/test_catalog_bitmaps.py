"""The facet bitmaps follow the index, and values beyond the cached ones still count."""

from __future__ import annotations

from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renkei.catalog import bitmaps
from renkei.catalog.models import ProgramIndex

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
    assert bitmaps.bits_from_ids([]) == bitmaps.EMPTY


def test_bits_from_joined_reads_aggregated_id_lists():
    assert bitmaps.ids_from_bits(bitmaps.bits_from_joined("8,3,1000,0")) == [0, 3, 8, 1000]
    assert bitmaps.bits_from_joined("") == bitmaps.EMPTY
    assert bitmaps.bits_from_joined(None) == bitmaps.EMPTY


@settings(max_examples=200, deadline=None)
@given(
    order=st.permutations(range(1, 300)),
    chosen=st.sets(st.integers(1, 299)),
    offset=st.integers(0, 40),
    limit=st.integers(0, 30),
)
def test_take_gives_the_same_page_by_walking_or_by_listing(order, chosen, offset, limit):
    # a sparse set is listed and sorted by place, a dense one walked: both must give the page of `order`
    maps = bitmaps.FacetBitmaps(
        token="t",
        epoch="e",
        seq=0,
        universe=bitmaps.EMPTY,
        published=bitmaps.EMPTY,
        located=bitmaps.EMPTY,
        values={},
    )
    maps.orders["newest"] = array("q", order)
    expected = [i for i in order if i in chosen][offset : offset + limit]
    assert maps.take("newest", bitmaps.bits_from_ids(chosen), offset=offset, limit=limit) == expected


def _snapshot(maps: bitmaps.FacetBitmaps) -> tuple:
    return maps.universe, maps.published, maps.located, maps.values


def test_partial_reindexes_patch_the_cached_bitmaps_to_what_a_rebuild_gives(
    owner_org, other_org, make_program, concepts
):
    from django.db import transaction

    from renkei.catalog import services
    from renkei.catalog.search import program_index_rebuild

    a = make_program(owner_org, "A", mode="online", fields=[concepts.management], prefecture="06")
    b = make_program(other_org, "B", mode="onsite", skills=[concepts.python], latitude=38.25, longitude=140.3)
    program_index_rebuild()  # a full re-index starts an epoch that later changes are logged against
    before = bitmaps.facet_bitmaps()

    # when programs are added, changed, moved to draft and deleted (each re-indexed on its own)
    c = make_program(other_org, "C", mode="hybrid", fields=[concepts.nursing], municipality_code="06201")
    a.mode, a.provider = "hybrid", other_org
    services.program_save(program=a, fields=[concepts.informatics], skills=[concepts.quality], actor=None)
    services.program_set_status(program=b, status="draft", actor=None)
    services.program_delete(program=c, actor=None)

    # then the cached bitmaps are patched, not rebuilt, and equal a rebuild from scratch
    token, epoch, seq = bitmaps._state()
    assert (epoch, seq) == (before.epoch, before.seq + 4)
    patched = bitmaps._patched(before, token, epoch, seq)
    assert patched is not None
    fresh = bitmaps._build(token, epoch, seq)
    assert _snapshot(patched) == _snapshot(fresh)
    assert _snapshot(bitmaps.facet_bitmaps()) == _snapshot(fresh)
    assert bitmaps.ids_from_bits(fresh.published) == [a.pk]
    assert fresh.values["mode"] == {
        "hybrid": bitmaps.bits_from_ids([a.pk]),
        "onsite": bitmaps.bits_from_ids([b.pk]),
    }

    # and a state that was rolled back is never patched from: its token is not in the log
    with transaction.atomic():
        sid = transaction.savepoint()
        make_program(owner_org, "GONE", mode="online")
        seen = bitmaps.facet_bitmaps()  # this connection sees its own uncommitted re-index
        transaction.savepoint_rollback(sid)
    make_program(owner_org, "D", mode="onsite")
    make_program(owner_org, "E", mode="onsite")
    assert bitmaps._patched(seen, *bitmaps._state()) is None
    assert _snapshot(bitmaps.facet_bitmaps()) == _snapshot(bitmaps._build(*bitmaps._state()))


def test_a_full_reindex_or_too_many_changes_mean_a_rebuild(owner_org, make_program, monkeypatch):
    from renkei.catalog.search import program_index_rebuild

    make_program(owner_org, "A")
    program_index_rebuild()
    before = bitmaps.facet_bitmaps()
    program_index_rebuild()
    assert bitmaps._patched(before, *bitmaps._state()) is None  # a new epoch
    before = bitmaps.facet_bitmaps()
    monkeypatch.setattr(bitmaps, "PATCH_PROGRAMS", 1)
    make_program(owner_org, "B")
    make_program(owner_org, "C")
    assert bitmaps._patched(before, *bitmaps._state()) is None  # two programs touched, one allowed
    assert bitmaps.ids_from_bits(bitmaps.facet_bitmaps().universe) == sorted(
        ProgramIndex.objects.values_list("program_id", flat=True)
    )


def test_bits_from_int32_reads_big_endian_ids():
    data = b"".join(i.to_bytes(4, "big") for i in (7, 1, 70000, 2**32 - 1))
    assert bitmaps.ids_from_bits(bitmaps.bits_from_int32(data)) == [1, 7, 70000, 2**32 - 1]
    assert bitmaps.bits_from_int32(memoryview(data[:4])) == bitmaps.bits_from_ids([7])
    assert bitmaps.bits_from_int32(None) == bitmaps.EMPTY


def test_a_database_never_fully_reindexed_starts_an_epoch_with_its_first_change(owner_org, make_program):
    from renkei.catalog.models import SearchChange, SearchState

    # given the state the migrations leave (no epoch), with changes logged before epochs existed
    SearchState.objects.filter(pk=SearchState.PROGRAMS).update(epoch="", seq=2)
    for seq in (1, 2):
        SearchChange.objects.create(key=SearchState.PROGRAMS, seq=seq, token=f"old{seq}", program_ids="1")
    # when a program is saved, that change starts an epoch (and forgets the old log)
    make_program(owner_org, "A", mode="online")
    state = SearchState.objects.get(pk=SearchState.PROGRAMS)
    assert (state.epoch, state.seq) == (state.token, 0)
    before = bitmaps.facet_bitmaps()
    # then the next change is patched in rather than rebuilt
    make_program(owner_org, "B", mode="onsite")
    patched = bitmaps._patched(before, *bitmaps._state())
    assert patched is not None
    assert _snapshot(patched) == _snapshot(bitmaps._build(*bitmaps._state()))


def test_a_log_left_from_an_earlier_epoch_never_blocks_a_save(owner_org, make_program):
    from renkei.catalog.models import SearchChange, SearchState

    make_program(owner_org, "A")
    SearchChange.objects.create(key=SearchState.PROGRAMS, seq=1, token="stale", program_ids="1")
    make_program(owner_org, "B")  # logs change 1 of this epoch in place of the stale one
    assert list(SearchChange.objects.values_list("seq", "token")) == [
        (1, SearchState.objects.get(pk=SearchState.PROGRAMS).token)
    ]
