"""Rules for partnerships, agreements and their cooperation conditions, written once.

Pure functions (no database): `Model.clean()` (and so the admin), the importers, the API and the
services call them. Number ranges are the model fields' validators; the agreement lifecycle (which
status may follow which) is `LIFECYCLE` here, applied by `renkei.partnerships.services`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Hashable, Sequence

from renkei.core.messages import Msg
from renkei.core.rules import Broken

# --- the agreement lifecycle (docs/decisions/0008-partnership-agreement-lifecycle.md) ------------------

DRAFT = "draft"
INTERNAL_REVIEW = "internal_review"
WITH_PARTNER = "with_partner"
SIGNED = "signed"
IN_EFFECT = "in_effect"
EXPIRING = "expiring"
RENEWED = "renewed"
AMENDED = "amended"
TERMINATED = "terminated"
EXPIRED = "expired"
WITHDRAWN = "withdrawn"

#: status → the statuses a service may move a version to.
LIFECYCLE: dict[str, frozenset[str]] = {
    DRAFT: frozenset({INTERNAL_REVIEW, WITHDRAWN}),
    INTERNAL_REVIEW: frozenset({DRAFT, WITH_PARTNER, WITHDRAWN}),
    WITH_PARTNER: frozenset({INTERNAL_REVIEW, SIGNED, WITHDRAWN}),
    SIGNED: frozenset({IN_EFFECT, AMENDED, RENEWED, TERMINATED, EXPIRED}),
    IN_EFFECT: frozenset({EXPIRING, AMENDED, RENEWED, TERMINATED, EXPIRED}),
    EXPIRING: frozenset({AMENDED, RENEWED, TERMINATED, EXPIRED}),
    RENEWED: frozenset(),
    AMENDED: frozenset(),
    TERMINATED: frozenset(),
    EXPIRED: frozenset({RENEWED}),
    WITHDRAWN: frozenset(),
}
#: a version in one of these has been signed: its content never changes again.
SIGNED_STATES = frozenset({SIGNED, IN_EFFECT, EXPIRING, RENEWED, AMENDED, TERMINATED, EXPIRED})
#: a version in one of these is still being written: its content may change.
OPEN_STATES = frozenset({DRAFT, INTERNAL_REVIEW, WITH_PARTNER})
#: a version in one of these binds the parties today (or did until it was replaced).
LIVE_STATES = frozenset({SIGNED, IN_EFFECT, EXPIRING})

SIGNED_IMMUTABLE = Msg(
    "署名済みの版は変更できません。改定（新しい版）を作成してください。",
    "A signed version cannot be changed: make an amendment (a new version) instead.",
)
SIGNED_NOT_DELETABLE = Msg(
    "署名済みの版は削除できません。終了または失効として記録してください。",
    "A signed version cannot be deleted: record it as terminated or expired instead.",
)
ENDS_BEFORE_START = Msg("終了日が開始日より前です。", "It ends before it starts.")
LEFT_BEFORE_JOINED = Msg("離脱日が参加日より前です。", "It left before it joined.")
UNIT_OF_HOME = Msg(
    "参画部局は自機関（ホーム側）の部局を選んでください。",
    "A team unit must be a unit of the home institution.",
)
SAME_INSTITUTION = Msg(
    "派遣元と受入先は別の機関にしてください。", "The sending and receiving institutions must differ."
)
ACADEMIC_YEAR_FORMAT = Msg(
    "学年度は 2024/2025 の形で、続く2年を書いてください。",
    "Write an academic year as 2024/2025 (two consecutive years).",
)
ACADEMIC_YEARS_ORDER = Msg(
    "最終学年度が開始学年度より前です。", "The last academic year is before the first."
)
EQF_LEVELS = Msg("EQF レベルは 1〜8 の整数の一覧です。", "EQF levels are a list of whole numbers 1–8.")
EQF_NOT_FOR = Msg(
    "EQF レベルは学生の修学派遣にだけ指定できます。", "EQF levels apply to student studies only."
)
ISCED_FORMAT = Msg(
    "分野は ISCED-F 2013 のコード（2〜4桁の数字）の一覧です。",
    "Subject areas are a list of ISCED-F 2013 codes (2 to 4 digits).",
)
LANGUAGE_SKILLS = Msg(
    "語学要件は言語コード（例 en）と CEFR レベル（A1〜C2）の組の一覧です。",
    "Language requirements are a list of a language code (e.g. en) and a CEFR level (A1–C2).",
)
MONTHS_FOR_STUDENTS = Msg(
    "学生の派遣は年間総月数、教職員の派遣は年間総日数で書きます。",
    "Student mobility counts total months a year, staff mobility total days a year.",
)
PARTIES_TWO = Msg("署名には2者以上の当事者が必要です。", "Signing needs two or more parties.")
PARTY_NOT_SIGNED = Msg("署名日のない当事者がいます。", "A party has no signing date.")
SIGNED_NEEDS_DATES = Msg(
    "署名済みの版には開始日が必要です。", "A signed version needs the date it takes effect."
)


def bad_transition(current: str, wanted: str) -> Msg:
    return Msg(
        f"状態「{current}」から「{wanted}」には移れません。",
        f"A version cannot move from '{current}' to '{wanted}'.",
    )


def check_transition(*, current: str, wanted: str) -> list[Broken]:
    if wanted in LIFECYCLE.get(current, frozenset()):
        return []
    return [Broken("status", bad_transition(current, wanted), "transition")]


def check_dates(*, starts: dt.date | None, ends: dt.date | None, field: str = "ends_on") -> list[Broken]:
    if starts and ends and ends < starts:
        return [Broken(field, ENDS_BEFORE_START, "dates")]
    return []


def check_team_member(
    *, home: Hashable, unit_chain: Sequence[Hashable], joined_on: dt.date | None, left_on: dt.date | None
) -> list[Broken]:
    """A team unit belongs to the partnership's home institution (`unit_chain`: the unit's ancestors)."""
    broken: list[Broken] = []
    if home not in unit_chain:
        broken.append(Broken("unit", UNIT_OF_HOME, "unit"))
    if joined_on and left_on and left_on < joined_on:
        broken.append(Broken("left_on", LEFT_BEFORE_JOINED, "dates"))
    return broken


_ACADEMIC_YEAR = re.compile(r"\A(\d{4})/(\d{4})\Z")
_ISCED = re.compile(r"\A\d{2,4}\Z")
_LANGUAGE = re.compile(r"\A[a-z]{2,3}(?:-[A-Za-z]{2,8})?\Z")
CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
STUDENT_TYPES = frozenset({"student-studies", "student-traineeship"})


def _academic_year(value: str) -> int | None:
    match = _ACADEMIC_YEAR.match(value or "")
    if not match or int(match[2]) != int(match[1]) + 1:
        return None
    return int(match[1])


def check_cooperation_condition(
    *,
    mobility_type: str,
    sending_hei: Hashable,
    receiving_hei: Hashable,
    first_year: str,
    last_year: str,
    total_months_per_year: object,
    total_days_per_year: object,
    eqf_levels: object,
    subject_areas: object,
    language_skills: object,
) -> list[Broken]:
    """The EWP IIA v7 shape of one direction of mobility (one `*-mobility-spec`)."""
    broken: list[Broken] = []
    if sending_hei is not None and sending_hei == receiving_hei:
        broken.append(Broken("receiving_hei", SAME_INSTITUTION, "direction"))
    first, last = _academic_year(first_year), _academic_year(last_year)
    if first is None:
        broken.append(Broken("receiving_first_academic_year_id", ACADEMIC_YEAR_FORMAT, "format"))
    if last_year and last is None:
        broken.append(Broken("receiving_last_academic_year_id", ACADEMIC_YEAR_FORMAT, "format"))
    if first is not None and last is not None and last < first:
        broken.append(Broken("receiving_last_academic_year_id", ACADEMIC_YEARS_ORDER, "dates"))
    student = mobility_type in STUDENT_TYPES
    if (student and total_days_per_year is not None) or (not student and total_months_per_year is not None):
        field = "total_days_per_year" if student else "total_months_per_year"
        broken.append(Broken(field, MONTHS_FOR_STUDENTS, "unit"))
    if not isinstance(eqf_levels, list) or any(
        not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 8 for v in eqf_levels
    ):
        broken.append(Broken("eqf_levels", EQF_LEVELS, "format"))
    elif eqf_levels and mobility_type != "student-studies":
        broken.append(Broken("eqf_levels", EQF_NOT_FOR, "choice"))
    if not isinstance(subject_areas, list) or any(
        not isinstance(v, str) or not _ISCED.match(v) for v in subject_areas
    ):
        broken.append(Broken("subject_areas", ISCED_FORMAT, "format"))
    if not _language_skills_ok(language_skills):
        broken.append(Broken("recommended_language_skills", LANGUAGE_SKILLS, "format"))
    return broken


def _language_skills_ok(value: object) -> bool:
    if not isinstance(value, list):
        return False
    for item in value:
        if not isinstance(item, dict) or set(item) - {"language", "cefr_level"}:
            return False
        if not isinstance(item.get("language"), str) or not _LANGUAGE.match(item["language"]):
            return False
        if item.get("cefr_level") not in CEFR_LEVELS:
            return False
    return True


def check_signing(*, parties: int, unsigned_parties: int, valid_from: dt.date | None) -> list[Broken]:
    """What a version needs before it is recorded as signed."""
    broken: list[Broken] = []
    if parties < 2:
        broken.append(Broken(None, PARTIES_TWO, "parties"))
    if unsigned_parties:
        broken.append(Broken(None, PARTY_NOT_SIGNED, "parties"))
    if valid_from is None:
        broken.append(Broken("valid_from", SIGNED_NEEDS_DATES, "dates"))
    return broken


def check_unchanged(*, changed: Collection[str]) -> list[Broken]:
    """A signed version (or a party or condition of one) keeps its content."""
    return [Broken(None, SIGNED_IMMUTABLE, "immutable")] if changed else []


DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
DOCUMENT_NOT_SIGNED = Msg(
    "署名済み文書を添付できるのは署名済みの版だけです。",
    "Only a signed version can have its signed document attached.",
)
DOCUMENT_EMPTY = Msg("ファイルが空です。", "The file is empty.")
DOCUMENT_NOT_PDF = Msg(
    "PDFファイル（拡張子 .pdf、内容が %PDF- で始まるもの）だけを添付できます。",
    "Only a PDF file can be attached (name ending in .pdf, content starting with %PDF-).",
)


def document_too_large(size: int, limit: int) -> Msg:
    if limit >= 1024 * 1024:
        ja_limit, en_limit = f"{limit / (1024 * 1024):g} MB", f"{limit / (1024 * 1024):g} MB"
    else:
        ja_limit, en_limit = f"{limit:,} バイト", f"{limit:,} bytes"
    return Msg(
        f"ファイルが大きすぎます（{size:,} バイト）。上限は {ja_limit}です。",
        f"The file is too large ({size:,} bytes); the limit is {en_limit}.",
    )


def check_document(*, signed: bool, name: str, size: int, head: bytes, limit: int) -> list[Broken]:
    """A signed document: a PDF by name and by content, not empty, within the size limit, and only for a
    signed version."""
    if not signed:
        return [Broken("document", DOCUMENT_NOT_SIGNED, "transition")]
    if not name.lower().endswith(".pdf") or not head.startswith(b"%PDF-"):
        return [Broken("document", DOCUMENT_NOT_PDF, "type")]
    if size == 0:
        return [Broken("document", DOCUMENT_EMPTY, "size")]
    if size > limit:
        return [Broken("document", document_too_large(size, limit), "size")]
    return []
