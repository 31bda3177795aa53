"""Runs whose dates have passed: today is a date too. Ended runs and programs with no future run are
marked (受付終了 / 終了), sorted after the current ones, and the start-month facet offers the current and
future months unless an older one is chosen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from renkei.catalog.models import Program, ProgramRun, RunState

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 5)


def run(starts: dt.date, ends: dt.date | None = None, deadline: dt.date | None = None) -> ProgramRun:
    return ProgramRun(starts_on=starts, ends_on=ends, application_deadline=deadline)


@pytest.mark.parametrize(
    ("starts", "ends", "deadline", "state"),
    [
        (dt.date(2027, 1, 10), None, None, RunState.OPEN),
        (dt.date(2027, 1, 10), None, dt.date(2026, 12, 1), RunState.CLOSED),  # deadline gone
        (dt.date(2026, 11, 1), dt.date(2027, 2, 1), None, RunState.CLOSED),  # under way
        (dt.date(2026, 11, 1), dt.date(2026, 11, 30), None, RunState.ENDED),
        (dt.date(2026, 12, 4), None, None, RunState.ENDED),  # a one-day run, yesterday
        (TODAY, None, None, RunState.OPEN),  # starts today
    ],
)
def test_a_run_knows_where_it_stands_today(starts, ends, deadline, state):
    assert run(starts, ends, deadline).state(TODAY) == state


def test_a_program_with_no_future_run_is_marked(owner_org, make_program):
    today = timezone.localdate()
    make_program(owner_org, "PAST", runs=[today - dt.timedelta(days=90)])
    make_program(owner_org, "BOTH", runs=[today - dt.timedelta(days=90), today + dt.timedelta(days=9)])
    make_program(owner_org, "NONE")
    programs = {p.code: p for p in Program.objects.prefetch_related("runs")}
    assert programs["PAST"].schedule_state() == RunState.ENDED
    assert programs["PAST"].next_run() is None  # no longer the first run, shown as if it were next
    assert programs["BOTH"].schedule_state() == ""
    assert programs["BOTH"].next_run().starts_on == today + dt.timedelta(days=9)
    assert programs["NONE"].schedule_state() == ""


def test_ended_programs_come_after_current_ones_in_every_sort(owner_org, make_program, search):
    today = timezone.localdate()
    # the ended program is the newest and its title sorts first: still it comes last
    make_program(owner_org, "SOON", title_ja="統計の講座 B", runs=[today + dt.timedelta(days=30)])
    make_program(owner_org, "OPEN", title_ja="統計の講座 C")  # no dates announced: current
    make_program(owner_org, "OLD", title_ja="統計の講座 A", runs=[today - dt.timedelta(days=200)])
    for sort in ("newest", "title", "relevance"):
        result = search("統計", sort=sort)
        assert [p.code for p in result.items][-1] == "OLD", sort
        assert result.total == 3


def test_the_start_month_facet_offers_current_and_future_months(owner_org, make_program, search):
    today = timezone.localdate()
    make_program(owner_org, "OLD", runs=[today - dt.timedelta(days=400)])
    make_program(owner_org, "NEW", runs=[today + dt.timedelta(days=40)])
    old_month = f"{today - dt.timedelta(days=400):%Y-%m}"
    new_month = f"{today + dt.timedelta(days=40):%Y-%m}"
    offered = [v.value for v in search().facet("start").values]
    assert offered == [new_month]
    # a month gone by stays reachable once chosen (an old link), with its count
    chosen = search(facets={"start": [old_month]}).facet("start").values
    assert {v.value: (v.count, v.selected) for v in chosen}[old_month] == (1, True)
