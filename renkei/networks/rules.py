"""Rules about the networks' records (see `renkei.core.rules`)."""

from __future__ import annotations

import datetime as dt

from renkei.core.messages import Msg
from renkei.core.rules import Broken

MEMBERSHIP_ENDS_BEFORE_START = Msg(
    "終了日が開始日より前です（加入期間の終わりは始まりと同じ日かその後にしてください）。",
    "The membership ends before it starts (its end date must be on or after its start date).",
)


def check_membership(*, start_date: dt.date | None, end_date: dt.date | None) -> list[Broken]:
    if start_date and end_date and end_date < start_date:
        return [Broken("end_date", MEMBERSHIP_ENDS_BEFORE_START, "dates")]
    return []
