"""Report sentences in the shape progress reports take, in Japanese and English (pure, no Django).

Model: 外国人留学生数は2,048人（平成25年度）から3,548人（令和元年度）に増加し、令和5年度目標の3,500人を上回った
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from renkei.core.jdates import format_fiscal_year


@dataclass(frozen=True, slots=True)
class Facts:
    """What a sentence says about one indicator."""

    name_ja: str
    name_en: str
    unit_ja: str
    higher: bool
    start_fy: int | None
    start: Decimal | None
    last_fy: int | None
    last: Decimal | None
    target_fy: int | None = None
    target: Decimal | None = None
    on_track: bool = False
    unit_en: str = ""


def number(value: Decimal | int | float | None) -> str:
    """2,048 / 2.9 / 0.25: thousands separated, no trailing zeros."""
    if value is None:
        return "—"
    d = Decimal(value)
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.normalize():,f}"


_number = number


def fy_ja(fy: int) -> str:
    return format_fiscal_year(fy, style="ja")


def fy_en(fy: int) -> str:
    return format_fiscal_year(fy, style="en")


def _meets(f: Facts) -> bool:
    if f.last is None or f.target is None:
        return False
    return f.last >= f.target if f.higher else f.last <= f.target


def sentence_ja(f: Facts) -> str:
    """One sentence (without the final 。)."""
    u = f.unit_ja
    if f.last is None or f.last_fy is None:
        return f"{f.name_ja}の実績はまだありません"
    if f.start is not None and f.start_fy is not None and f.start_fy != f.last_fy:
        verb = "増加し" if f.last > f.start else "減少し" if f.last < f.start else "横ばいで推移し"
        text = f"{f.name_ja}は{number(f.start)}{u}（{fy_ja(f.start_fy)}）から{number(f.last)}{u}（{fy_ja(f.last_fy)}）に{verb}"
        if verb == "横ばいで推移し":
            text = f"{f.name_ja}は{fy_ja(f.start_fy)}から{fy_ja(f.last_fy)}まで{number(f.last)}{u}で横ばいで推移し"
        closing_plain = text[:-1] + "した"  # 増加し → 増加した
    else:
        text = f"{f.name_ja}は{number(f.last)}{u}（{fy_ja(f.last_fy)}）であり"
        closing_plain = f"{f.name_ja}は{number(f.last)}{u}（{fy_ja(f.last_fy)}）であった"
    if f.target is None or f.target_fy is None:
        return closing_plain
    goal = f"{fy_ja(f.target_fy)}目標の{number(f.target)}{u}"
    if _meets(f):
        if f.last == f.target:
            return f"{text}、{goal}に達した"
        return f"{text}、{goal}を{'上回った' if f.higher else '下回った'}"
    if f.last_fy >= f.target_fy:
        return f"{text}、{goal}には届かなかった"
    return f"{text}、{goal}に向けて{'順調に推移している' if f.on_track else '取組を進めている'}"


def sentence_en(f: Facts) -> str:
    """The English counterpart (with the final full stop)."""
    u = f" {f.unit_en}" if f.unit_en else ""

    def number(value: Decimal | None) -> str:
        return f"{_number(value)}{u}"

    if f.last is None or f.last_fy is None:
        return f"{f.name_en}: no actual yet."
    if f.start is not None and f.start_fy is not None and f.start_fy != f.last_fy:
        verb = "increased" if f.last > f.start else "decreased" if f.last < f.start else "remained at"
        if verb == "remained at":
            text = f"{f.name_en} remained at {number(f.last)} from {fy_en(f.start_fy)} to {fy_en(f.last_fy)}"
        else:
            text = f"{f.name_en} {verb} from {number(f.start)} ({fy_en(f.start_fy)}) to {number(f.last)} ({fy_en(f.last_fy)})"
    else:
        text = f"{f.name_en} stood at {number(f.last)} in {fy_en(f.last_fy)}"
    if f.target is None or f.target_fy is None:
        return f"{text}."
    goal = f"the {fy_en(f.target_fy)} target of {number(f.target)}"
    if _meets(f):
        if f.last == f.target:
            return f"{text}, reaching {goal}."
        return f"{text}, {'exceeding' if f.higher else 'staying below'} {goal}."
    if f.last_fy >= f.target_fy:
        return f"{text}, short of {goal}."
    return f"{text}, {'on track towards' if f.on_track else 'working towards'} {goal}."
