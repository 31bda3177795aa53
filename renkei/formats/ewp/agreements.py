"""From the partnerships' agreements to IIA v7 and IIA approval v2 (filled once the models land)."""

from __future__ import annotations

from collections.abc import Iterable

from renkei.formats.ewp.model import Approval, Iia


def iias(hei_id: str, iia_ids: Iterable[str] | None) -> list[Iia]:
    return []


def approvals(hei_id: str, iia_ids: Iterable[str] | None) -> list[Approval]:
    return []
