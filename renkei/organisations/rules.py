"""Rules for organisations and for places (used by every record with an address), written once.

Pure functions over plain values (see `renkei.core.rules`): the model's `clean()`, the importers, the
API and the services call them and place what they return.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from decimal import Decimal

from renkei.core.messages import Msg
from renkei.core.rules import Broken, check_together

COORDINATES_TOGETHER = Msg(
    "緯度と経度は両方とも書くか、両方とも空にしてください。",
    "Give both latitude and longitude, or neither.",
)
OWN_PARENT = Msg("組織を自分自身の親組織にはできません。", "An organisation cannot be its own parent.")
PARENT_CYCLE = Msg(
    "親組織をたどると自分自身に戻ります（循環しています）。",
    "Following the parents leads back to this organisation (a cycle).",
)


def municipality_outside(municipality_code: str, prefecture: str) -> Msg:
    return Msg(
        f"市区町村コード {municipality_code} は都道府県 {prefecture} のものではありません。",
        f"Municipality {municipality_code} is not in prefecture {prefecture}.",
    )


def check_place(
    *,
    prefecture: str | None,
    municipality_code: str | None,
    latitude: Decimal | None,
    longitude: Decimal | None,
) -> list[Broken]:
    """A municipality lies in the prefecture given with it; coordinates come in pairs."""
    broken = check_together(
        "latitude", latitude, "longitude", longitude, COORDINATES_TOGETHER, code="coordinates"
    )
    if prefecture and municipality_code and not municipality_code.startswith(prefecture):
        broken.append(
            Broken("municipality_code", municipality_outside(municipality_code, prefecture), "municipality")
        )
    return broken


def check_parent(*, this: Hashable | None, parent_chain: Sequence[Hashable]) -> list[Broken]:
    """`parent_chain` is the parent, its parent and so on (ids or keys): this organisation is none of them."""
    if this is None or not parent_chain:
        return []
    if parent_chain[0] == this:
        return [Broken("parent", OWN_PARENT, "parent")]
    if this in parent_chain:
        return [Broken("parent", PARENT_CYCLE, "parent")]
    return []
