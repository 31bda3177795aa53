"""Rules for initiatives, indicators, targets and actuals, written once (see `renkei.core.rules`)."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from renkei.core.messages import Msg
from renkei.core.rules import Broken

ONE_OWNER = Msg(
    "所有者は、取組・機関・ネットワークのいずれか一つだけを指定してください。",
    "Give exactly one owner: an initiative, an organisation or a network.",
)
PERIOD_REVERSED = Msg("最終年度が開始年度より前です。", "The last fiscal year is before the first.")
BASELINE_TOGETHER = Msg(
    "基準値と基準年度は両方指定するか、両方空にしてください。",
    "Give the baseline value and its fiscal year together, or neither.",
)
ACTUAL_STATES = ("entered", "checked", "published")


def unknown_computation(key: str) -> Msg:
    return Msg(f"計算 {key} は登録されていません。", f"No computation is registered as {key}.")


def computation_needs(subject: str) -> Msg:
    ja = {"organisation": "機関", "network": "ネットワーク"}.get(subject, subject)
    article = "an" if subject[:1] in "aeiou" else "a"
    return Msg(
        f"この計算は{ja}が所有する指標にだけ使えます。",
        f"This computation counts the records of {article} {subject}: the indicator's owner must be one.",
    )


STATE_JA = {"entered": "入力済", "checked": "確認済", "published": "公開"}


def state_step(current: str, new: str) -> Msg:
    return Msg(
        "検証状態は「入力済→確認済→公開」の順にしか進められません"
        f"（{STATE_JA.get(current, current)}→{STATE_JA.get(new, new)}）。",
        f"The verification state moves entered → checked → published, one step at a time ({current} → {new}).",
    )


def check_owner(
    *, organisation: object | None, network: object | None, initiative: object | None = None
) -> list[Broken]:
    """Exactly one owner."""
    given = [o for o in (organisation, network, initiative) if o is not None]
    return [] if len(given) == 1 else [Broken(None, ONE_OWNER, "owner")]


def check_period(*, starts_fy: int | None, ends_fy: int | None) -> list[Broken]:
    if starts_fy is not None and ends_fy is not None and ends_fy < starts_fy:
        return [Broken("ends_fy", PERIOD_REVERSED, "period")]
    return []


def check_indicator(
    *,
    computation: str,
    known: Collection[str],
    subject: str | None,
    owner_organisation: object | None,
    owner_network: object | None,
    baseline_value: Decimal | None,
    baseline_fy: int | None,
) -> list[Broken]:
    """A computation must be registered and fit the owner; baseline value and year go together."""
    broken: list[Broken] = []
    if computation:
        if computation not in known:
            broken.append(Broken("computation", unknown_computation(computation), "computation"))
        elif (subject == "organisation" and owner_organisation is None) or (
            subject == "network" and owner_network is None
        ):
            broken.append(Broken("computation", computation_needs(subject), "computation"))
    if (baseline_value is None) != (baseline_fy is None):
        field = "baseline_fy" if baseline_fy is None else "baseline_value"
        broken.append(Broken(field, BASELINE_TOGETHER, "baseline"))
    return broken


def check_state_change(*, current: str, new: str) -> list[Broken]:
    """Verification moves one step forward (entered → checked → published), or back to entered to correct."""
    if new == current or new == "entered":
        return []
    if ACTUAL_STATES.index(new) == ACTUAL_STATES.index(current) + 1:
        return []
    return [Broken("state", state_step(current, new), "state")]
