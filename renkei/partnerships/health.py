"""Partnership health: a score from 0 to 100 with the reasons that make it, from plain values.

Pure (no database): the selectors gather the facts, `assess()` weighs them. The weights are simple
and shown with every reason, so a reader can check the arithmetic:

- activity: none recorded −40; the last one more than 24 months ago −30 (dormant), 12–24 months −15;
  a recurring series (yearly meetings, joint conferences) softens a stale date by half, and the reason
  names it (its occurrences are not dated one by one: the series may well go on);
- mobility against the quota of the latest counted fiscal year: outbound below half the places −15,
  inbound below half −10;
- an agreement ending within 180 days with no successor −10;
- funded joint-fund projects (counted or declared) +10, at most 100 in all.
Dormant: no activity (and no contact) in the last 24 months.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from renkei.core.messages import Msg


@dataclass
class Reason:
    points: int
    message: Msg


@dataclass
class Health:
    score: int
    dormant: bool
    reasons: list[Reason] = field(default_factory=list)

    @property
    def band(self) -> str:
        return "good" if self.score >= 75 else "watch" if self.score >= 50 else "poor"


def _months(later: dt.date, earlier: dt.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def assess(
    *,
    today: dt.date,
    last_activity: dt.date | None,
    last_contact: dt.date | None,
    series_since: dt.date | None,
    quota_year: tuple[int, int, int, int, int] | None,
    funded_projects: int,
    declared_projects: int,
    expiring: Sequence[tuple[str | Msg, dt.date]],
) -> Health:
    """`quota_year`: (fiscal year, outbound, outbound places, inbound, inbound places); `series_since`:
    the start of the earliest recurring series among the activities, None when there is none."""
    reasons: list[Reason] = []
    latest = max([d for d in (last_activity, last_contact) if d is not None], default=None)
    dormant = latest is None or _months(today, latest) > 24
    if last_activity is None:
        reasons.append(Reason(-40, Msg("活動の記録がありません", "no activity recorded")))
    else:
        months = _months(today, last_activity)
        since = f"{last_activity:%Y-%m}"
        recurring = series_since is not None
        series = Msg(
            f"（{series_since:%Y-%m} から続く定例の活動のほか）" if series_since else "",
            f" besides a recurring series (since {series_since:%Y-%m})" if series_since else "",
        )
        if months > 24:
            points = -15 if recurring else -30
            reasons.append(
                Reason(
                    points,
                    Msg(
                        f"{since} 以降、活動の記録がありません{series.ja}",
                        f"no activity recorded since {since}{series.en}",
                    ),
                )
            )
        elif months > 12:
            points = -8 if recurring else -15
            reasons.append(
                Reason(
                    points,
                    Msg(f"最後の活動は {since}{series.ja}", f"last activity recorded in {since}{series.en}"),
                )
            )
        else:
            reasons.append(Reason(0, Msg(f"最近の活動あり（{since}）", f"recent activity ({since})")))
    if quota_year is not None:
        year, out, out_places, inb, in_places = quota_year
        if out_places:
            text = Msg(
                f"{year}年度 派遣 {out}/{out_places} 枠",
                f"outbound {out} of {out_places} places used (FY{year})",
            )
            reasons.append(Reason(-15 if out * 2 < out_places else 0, text))
        if in_places:
            text = Msg(
                f"{year}年度 受入 {inb}/{in_places} 枠",
                f"inbound {inb} of {in_places} places used (FY{year})",
            )
            reasons.append(Reason(-10 if inb * 2 < in_places else 0, text))
    for title, until in expiring:
        # a Msg gives the title in each language (the English reason names the English title)
        title_ja, title_en = (title.ja, title.en) if isinstance(title, Msg) else (title, title)
        reasons.append(
            Reason(
                -10,
                Msg(
                    f"「{title_ja}」が {until:%Y-%m-%d} に期限（後継の版なし）",
                    f"'{title_en}' ends on {until:%Y-%m-%d} with no successor",
                ),
            )
        )
    if funded_projects or declared_projects:
        parts_ja, parts_en = [], []
        if funded_projects:
            parts_ja.append(f"記録 {funded_projects} 件")
            parts_en.append(f"{funded_projects} recorded")
        if declared_projects:
            parts_ja.append(f"公表値 {declared_projects} 件")
            parts_en.append(f"{declared_projects} declared")
        reasons.append(
            Reason(
                10,
                Msg(
                    "共同ファンドの採択プロジェクト：" + "、".join(parts_ja),
                    "joint-fund projects funded: " + ", ".join(parts_en),
                ),
            )
        )
    score = max(
        0,
        min(
            100,
            100
            + sum(r.points for r in reasons if r.points < 0)
            + sum(r.points for r in reasons if r.points > 0),
        ),
    )
    return Health(score=score, dormant=dormant, reasons=reasons)
