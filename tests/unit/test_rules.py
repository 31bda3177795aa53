"""The rules of programs, runs, places and organisations: pure functions, one message catalogue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from renkei.catalog.rules import check_program, check_program_run, check_unit_of_provider
from renkei.core.keys import KEY_RE
from renkei.organisations.rules import check_parent, check_place

AUDIENCES = {"students", "working_adults"}


def _codes(broken):
    return [(b.field, b.code) for b in broken]


def test_a_valid_program_breaks_no_rule() -> None:
    assert check_program(audiences=["students"], audience_choices=AUDIENCES, prefecture="06",
                         municipality_code="06201", latitude=Decimal(38), longitude=Decimal(140)) == []  # fmt: skip


def test_program_rules_name_the_field_and_say_it_in_both_languages() -> None:
    broken = check_program(audiences=["aliens"], audience_choices=AUDIENCES, prefecture="06",
                           municipality_code="04100", latitude=Decimal(38), longitude=None)  # fmt: skip
    assert _codes(broken) == [
        ("audiences", "choice"),
        ("longitude", "coordinates"),
        ("municipality_code", "municipality"),
    ]
    for item in broken:
        assert item.message.ja != item.message.en
        assert item.message.ja
        assert item.message.en
    assert "04100" in broken[2].message.text("ja")
    assert "prefecture 06" in broken[2].message.text("en")


@pytest.mark.parametrize(
    ("starts", "ends", "deadline", "expected"),
    [
        (dt.date(2030, 4, 1), dt.date(2030, 5, 1), dt.date(2030, 3, 1), []),
        (dt.date(2030, 4, 1), dt.date(2030, 3, 1), None, [("ends_on", "dates")]),
        (dt.date(2030, 4, 1), None, dt.date(2030, 4, 2), [("application_deadline", "dates")]),
        (None, dt.date(2030, 3, 1), dt.date(2030, 4, 2), []),
    ],
)
def test_run_dates(starts, ends, deadline, expected) -> None:
    assert (
        _codes(check_program_run(starts_on=starts, ends_on=ends, application_deadline=deadline)) == expected
    )


def test_the_unit_of_a_program_belongs_to_its_provider() -> None:
    assert check_unit_of_provider(provider="a", unit=None, unit_chain=[]) == []
    assert check_unit_of_provider(provider="a", unit="a", unit_chain=["a"]) == []
    assert check_unit_of_provider(provider="a", unit="a.law", unit_chain=["a.law", "a"]) == []
    assert _codes(check_unit_of_provider(provider="b", unit="a.law", unit_chain=["a.law", "a"])) == [
        ("unit", "unit")
    ]


def test_parents_never_loop() -> None:
    assert check_parent(this=1, parent_chain=[]) == []
    assert check_parent(this=1, parent_chain=[2, 3]) == []
    assert _codes(check_parent(this=1, parent_chain=[1])) == [("parent", "parent")]
    own, cycle = check_parent(this=1, parent_chain=[1])[0], check_parent(this=1, parent_chain=[2, 1])[0]
    assert own.message != cycle.message


def test_places() -> None:
    assert check_place(prefecture="", municipality_code="06201", latitude=None, longitude=None) == []
    assert _codes(
        check_place(prefecture=None, municipality_code="", latitude=None, longitude=Decimal(1))
    ) == [("latitude", "coordinates")]


@pytest.mark.parametrize(
    ("key", "valid"),
    [
        ("tohoku-u", True),
        ("yamagata-u.social-co-creation-office", True),
        ("u_tokyo.grad-school.agri", True),
        ("a", True),
        ("Tohoku", False),
        (".tohoku", False),
        ("tohoku.", False),
        ("two words", False),
        ("大学", False),
        ("", False),
    ],
)
def test_one_key_syntax(key, valid) -> None:
    assert bool(KEY_RE.fullmatch(key)) is valid
