"""Rules for programs and their runs, written once (see `renkei.core.rules`).

Used by `Program.clean()` / `ProgramRun.clean()` (and so the admin), the importers, the API and the
services. Places follow `renkei.organisations.rules.check_place`; number ranges are the model
fields' validators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Hashable, Sequence
from decimal import Decimal

from renkei.core.messages import Msg
from renkei.core.rules import Broken
from renkei.organisations.rules import check_place

AUDIENCES_FROM_LIST = Msg("対象は一覧から選んでください。", "Choose audiences from the list.")
RUN_ENDS_BEFORE_START = Msg("終了日が開始日より前です。", "The run ends before it starts.")
DEADLINE_AFTER_START = Msg("申込締切が開始日より後です。", "The application deadline is after the start.")


def unit_outside(unit: Hashable, provider: Hashable) -> Msg:
    return Msg(
        f"実施部局 {unit} は提供機関 {provider} の部局ではありません。",
        f"Unit {unit} does not belong to provider {provider}.",
    )


def check_unit_of_provider(
    *, provider: Hashable, unit: Hashable | None, unit_chain: Sequence[Hashable]
) -> list[Broken]:
    """The unit running a program is its provider or one of the provider's units. `unit_chain` is
    the unit, its parent, and so on up to the top (ids or keys, as long as all are of one kind)."""
    if unit is None or unit == provider or provider in unit_chain:
        return []
    return [Broken("unit", unit_outside(unit, provider), "unit")]


def check_program(
    *,
    audiences: object,
    audience_choices: Collection[str],
    prefecture: str | None,
    municipality_code: str | None,
    latitude: Decimal | None,
    longitude: Decimal | None,
) -> list[Broken]:
    """The rules of a program's own values (the unit is checked by `check_unit_of_provider`)."""
    broken: list[Broken] = []
    if not isinstance(audiences, list) or any(a not in audience_choices for a in audiences):
        broken.append(Broken("audiences", AUDIENCES_FROM_LIST, "choice"))
    broken += check_place(
        prefecture=prefecture, municipality_code=municipality_code, latitude=latitude, longitude=longitude
    )
    return broken


def check_program_run(
    *, starts_on: dt.date | None, ends_on: dt.date | None, application_deadline: dt.date | None
) -> list[Broken]:
    broken: list[Broken] = []
    if starts_on and ends_on and ends_on < starts_on:
        broken.append(Broken("ends_on", RUN_ENDS_BEFORE_START, "dates"))
    if starts_on and application_deadline and application_deadline > starts_on:
        broken.append(Broken("application_deadline", DEADLINE_AFTER_START, "dates"))
    return broken
