"""Rules of surveys, invitations, needs and proposals, written once (see `renkei.core.rules`).

Pure functions over plain values: the models' `clean()` (and so the admin), the public survey form,
the importer of Google Forms exports, the API and the services call the same ones. Number ranges are
the model fields' validators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from renkei.core.messages import Msg
from renkei.core.rules import Broken

SINGLE, MULTIPLE, SCALE, NUMBER, TEXT, SKILLS = "single", "multiple", "scale", "number", "text", "skills"
CHOICE_KINDS = (SINGLE, MULTIPLE)

TWO_CHOICES = Msg(
    "選択式の設問には選択肢を2つ以上設定してください。", "A choice question needs at least two choices."
)
CHOICE_VALUES = Msg(
    "選択肢はそれぞれ重複しない値と日本語の表示名を持つ必要があります。",
    "Each choice needs a value of its own and a Japanese label.",
)
SCALE_RANGE = Msg(
    "尺度の最小値は最大値より小さくしてください。", "The scale's minimum must be below its maximum."
)
NUMBER_RANGE = Msg("数値の最小値が最大値を超えています。", "The number's minimum is above its maximum.")
REQUIRED = Msg("この設問は回答必須です。", "This question must be answered.")
NOT_A_CHOICE = Msg("選択肢から選んでください。", "Choose from the list.")
NOT_A_NUMBER = Msg("半角数字で入力してください。", "Enter a number (digits).")
TOO_LONG = Msg("回答が長すぎます（4,000字まで）。", "The answer is too long (4,000 characters at most).")
UNKNOWN_SKILL = Msg("スキルは一覧から選んでください。", "Choose skills from the list.")
SECTION_OF_OTHER_SURVEY = Msg(
    "セクションは同じアンケートのものを選んでください。", "The section belongs to another survey."
)

INVITATION_EXPIRED = Msg(
    "この回答用リンクは有効期限が切れています。事務局に新しいリンクを依頼してください。",
    "This survey link has expired. Ask the secretariat for a new one.",
)
INVITATION_REVOKED = Msg(
    "この回答用リンクは取り消されました。事務局にお問い合わせください。",
    "This survey link was withdrawn. Please contact the secretariat.",
)
ALREADY_SUBMITTED = Msg(
    "このアンケートはすでに提出済みです。回答は一度だけ提出できます。内容を変更したい場合は事務局にご連絡ください。",
    "This survey has already been submitted. Answers can be submitted once only; to change them, "
    "please contact the secretariat.",
)
SURVEY_CLOSED = Msg("このアンケートは受付を終了しています。", "This survey is no longer accepting answers.")
CLOSES_BEFORE_OPENS = Msg("締切日が開始日より前です。", "The survey closes before it opens.")

NEED_STATUS_STEP = Msg(
    "この状態には変更できません（未対応 → マッチ済み → 対応済み／取り下げ）。",
    "The need cannot move to this status (open → matched → addressed / withdrawn).",
)
PROPOSAL_STATUS_STEP = Msg(
    "この状態には変更できません（提案 → 開発中 → 開講）。",
    "The proposal cannot move to this status (proposed → in development → launched).",
)
LAUNCHED_NEEDS_PROGRAM = Msg(
    "開講済みにするには、公開されたプログラムを指定してください。",
    "A launched proposal names the program that was published.",
)
MAX_TEXT = 4000

# status → the statuses it may move to (the same status is always allowed: an edit of other fields)
NEED_STEPS: dict[str, frozenset[str]] = {
    "open": frozenset({"matched", "addressed", "withdrawn"}),
    "matched": frozenset({"open", "addressed", "withdrawn"}),
    "addressed": frozenset(),
    "withdrawn": frozenset({"open"}),
}
PROPOSAL_STEPS: dict[str, frozenset[str]] = {
    "proposed": frozenset({"in_development", "withdrawn"}),
    "in_development": frozenset({"proposed", "launched", "withdrawn"}),
    "launched": frozenset(),
    "withdrawn": frozenset({"proposed"}),
}
# a survey is drafted, opened to answers, closed (and may be opened again)
SURVEY_STEPS: dict[str, frozenset[str]] = {
    "draft": frozenset({"open"}),
    "open": frozenset({"closed"}),
    "closed": frozenset({"open"}),
}
SURVEY_STATUS_STEP = Msg(
    "この状態には変更できません（下書き → 受付中 → 締切、締切後は再開できます）。",
    "The survey cannot move to this status (draft → open → closed; a closed survey may be opened again).",
)
SURVEY_NO_QUESTIONS = Msg(
    "設問のないアンケートは公開できません。先に設問を追加してください。",
    "A survey without questions cannot be opened. Add its questions first.",
)
SURVEY_CLOSING_PASSED = Msg(
    "締切日を過ぎているため公開できません。締切日を変更してから公開してください。",
    "The closing date has passed, so the survey cannot be opened. Change the closing date first.",
)


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    """What the answer rules need of a question."""

    key: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None
    skills: frozenset[str] = field(default_factory=frozenset)


def check_question(
    *, kind: str, choices: object, scale_min: int | None, scale_max: int | None,
    number_min: int | None, number_max: int | None,
) -> list[Broken]:  # fmt: skip
    broken: list[Broken] = []
    if kind in CHOICE_KINDS:
        if not isinstance(choices, list) or len(choices) < 2:
            broken.append(Broken("choices", TWO_CHOICES, "choices"))
        else:
            values = [c.get("value") if isinstance(c, dict) else None for c in choices]
            labels = [c.get("ja") if isinstance(c, dict) else None for c in choices]
            if (
                not all(isinstance(v, str) and v for v in values)
                or len(set(values)) != len(values)
                or not all(isinstance(label, str) and label for label in labels)
            ):
                broken.append(Broken("choices", CHOICE_VALUES, "choices"))
    if kind == SCALE and (scale_min is None or scale_max is None or scale_min >= scale_max):
        broken.append(Broken("scale_max", SCALE_RANGE, "scale"))
    if kind == NUMBER and number_min is not None and number_max is not None and number_min > number_max:
        broken.append(Broken("number_max", NUMBER_RANGE, "number"))
    return broken


def check_survey(*, opens_on: dt.date | None, closes_on: dt.date | None) -> list[Broken]:
    if opens_on and closes_on and closes_on < opens_on:
        return [Broken("closes_on", CLOSES_BEFORE_OPENS, "dates")]
    return []


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def clean_answer(spec: QuestionSpec, value: Any) -> tuple[Any, Msg | None]:
    """One answer as stored (str, int, list of str) and what is wrong with it, if anything."""
    if _empty(value):
        return None, None
    if spec.kind in (SINGLE,):
        text = str(value)
        return (text, None) if text in spec.choices else (None, NOT_A_CHOICE)
    if spec.kind in (MULTIPLE, SKILLS):
        values = [str(v) for v in (value if isinstance(value, list | tuple) else [value]) if not _empty(v)]
        allowed = spec.choices if spec.kind == MULTIPLE else spec.skills
        if any(v not in allowed for v in values):
            return None, NOT_A_CHOICE if spec.kind == MULTIPLE else UNKNOWN_SKILL
        return list(dict.fromkeys(values)), None
    if spec.kind in (SCALE, NUMBER):
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            return None, NOT_A_NUMBER
        if (
            number != number.to_integral_value()
            or not str(value).strip().lstrip("-").replace(",", "").isascii()
        ):
            return None, NOT_A_NUMBER
        whole = int(number)
        if (spec.low is not None and whole < spec.low) or (spec.high is not None and whole > spec.high):
            low = "" if spec.low is None else spec.low
            high = "" if spec.high is None else spec.high
            return None, Msg(
                f"{low}〜{high} の範囲で入力してください。", f"Enter a number from {low} to {high}."
            )
        return whole, None
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        return None, TOO_LONG
    return text, None


def check_answers(
    *, questions: Sequence[QuestionSpec], answers: Mapping[str, Any], final: bool
) -> tuple[dict[str, Any], list[Broken]]:
    """The answers cleaned, and the broken rules keyed by question key. A draft (`final` False) may
    leave required questions empty; unknown keys are dropped."""
    cleaned: dict[str, Any] = {}
    broken: list[Broken] = []
    for spec in questions:
        value, problem = clean_answer(spec, answers.get(spec.key))
        if problem is not None:
            broken.append(Broken(spec.key, problem, "answer"))
        elif value is None:
            if final and spec.required:
                broken.append(Broken(spec.key, REQUIRED, "required"))
        else:
            cleaned[spec.key] = value
    return cleaned, broken


def check_invitation(
    *, expires_at: dt.datetime, revoked: bool, submitted: bool, survey_open: bool, now: dt.datetime
) -> Msg | None:
    """Why a respondent may not answer through this invitation now (None: they may)."""
    if submitted:
        return ALREADY_SUBMITTED
    if revoked:
        return INVITATION_REVOKED
    if expires_at <= now:
        return INVITATION_EXPIRED
    if not survey_open:
        return SURVEY_CLOSED
    return None


NEED_TOO_LONG = Msg(
    "ニーズの文章が長すぎます（4,000字まで）。", "The need's text is too long (4,000 characters at most)."
)


def check_need_text(text: str) -> list[Broken]:
    return [Broken("text", NEED_TOO_LONG, "too_long")] if len(text or "") > MAX_TEXT else []


def check_survey_status(
    *, stored: str, new: str, questions: int, closes_on: dt.date | None, today: dt.date
) -> list[Broken]:
    """Whether a survey may move from `stored` to `new`: along its steps; opened only with questions and
    before its closing date."""
    if new not in SURVEY_STEPS.get(stored, frozenset()):
        return [Broken("status", SURVEY_STATUS_STEP, "status")]
    if new == "open" and questions == 0:
        return [Broken("status", SURVEY_NO_QUESTIONS, "no_questions")]
    if new == "open" and closes_on is not None and closes_on < today:
        return [Broken("closes_on", SURVEY_CLOSING_PASSED, "closed_on")]
    return []


def check_need_status(*, stored: str | None, new: str) -> list[Broken]:
    if stored is None or stored == new or new in NEED_STEPS.get(stored, frozenset()):
        return []
    return [Broken("status", NEED_STATUS_STEP, "status")]


def check_proposal(*, stored_status: str | None, status: str, program_published: bool | None) -> list[Broken]:
    broken: list[Broken] = []
    if (
        stored_status is not None
        and stored_status != status
        and status not in PROPOSAL_STEPS.get(stored_status, frozenset())
    ):
        broken.append(Broken("status", PROPOSAL_STATUS_STEP, "status"))
    if status == "launched" and not program_published:
        broken.append(Broken("program", LAUNCHED_NEEDS_PROGRAM, "program"))
    return broken
