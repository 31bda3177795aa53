"""Survey answers imported from a form tool's export (Google Forms and the like), through the shared
import pipeline (`renkei.importing`).

A Google Forms export has a first column タイムスタンプ / Timestamp, maybe メールアドレス / Email Address,
then one column per question headed by the question's text; a multiple-choice answer is its labels
joined by ", ", a scale a number. A *mapping* (file header → a question or a respondent field) is
proposed from the headers (`propose_mapping`), confirmed or changed by the coordinator, and kept on the
survey (`Survey.import_mapping`) so that the next file of the same form maps the same way.

The importer is made per survey and mapping (`survey_responses_importer`, registered with
`register_factory`): it turns the file's table into one row per respondent, checks every answer with
the rules the survey link uses (`rules.check_answers`: choices, scale ranges, numbers, skills,
required answers) and one submission per respondent, and writes the responses in one transaction;
each created response then makes its employer profile and needs through `services.response_apply`,
as a submission through the link does (the needs are tagged), and the new needs are matched in one run:
a background job from the web, queued when the import commits (`renkei.matching.jobs`).
A row is recognised again by its timestamp and respondent: importing the same file again changes
nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import override

from renkei.core import policy
from renkei.core.policy import Action
from renkei.importing import Column, ImportRejected, ImportSpec, Msg, Problem, Ref, RowContext, field_column
from renkei.importing.cells import nfkc
from renkei.importing.planning import fold
from renkei.importing.plans import CREATE, UPDATE, Plan
from renkei.importing.problems import CellError
from renkei.importing.readers import Table
from renkei.importing.spec import register_factory
from renkei.importing.xlsx_formulas import FormulaResult
from renkei.matching import jobs, rules, services
from renkei.matching.models import Invitation, Question, Response, Survey
from renkei.matching.segments import EmployeesBand, Industry
from renkei.organisations.models import Organisation, Prefecture

NAME = "survey_responses"
IGNORE = ""
TIMESTAMP, ORGANISATION, RESPONDENT = "timestamp", "organisation", "respondent_name"
INDUSTRY, BAND, MUNICIPALITY = "industry", "employees_band", "municipality_code"
ANSWERS = "answers"
QUESTION = "q:"
FIELDS = (TIMESTAMP, ORGANISATION, RESPONDENT, INDUSTRY, BAND, MUNICIPALITY)
FIELD_LABELS = {
    TIMESTAMP: ("タイムスタンプ（回答日時）", "Timestamp (when answered)"),
    ORGANISATION: ("回答した組織（名称またはキー）", "Respondent organisation (name or key)"),
    RESPONDENT: ("回答者（氏名またはメールアドレス）", "Respondent (name or e-mail)"),
    INDUSTRY: ("業種（日本標準産業分類の大分類）", "Industry (JSIC major group)"),
    BAND: ("従業員数", "Employees"),
    MUNICIPALITY: ("所在地（市区町村名またはコード）", "Location (municipality name or code)"),
}
# header words (folded) that name a respondent field in common form exports
FIELD_WORDS = {
    TIMESTAMP: ("タイムスタンプ", "timestamp", "回答日時", "送信日時", "submittedat"),
    ORGANISATION: ("会社名", "企業名", "事業所名", "団体名", "組織名", "法人名", "貴社名", "organisation",
                   "organization", "company", "companyname", "organisationkey", "組織キー"),
    RESPONDENT: ("メールアドレス", "emailaddress", "email", "eメール", "回答者", "氏名", "お名前", "name",
                 "respondent", "ご担当者名"),
    INDUSTRY: ("業種", "industry", "産業分類", "業種jsic"),
    BAND: ("従業員数", "従業員規模", "employees", "numberofemployees", "companysize"),
    MUNICIPALITY: ("市区町村", "市区町村コード", "所在地", "所在市町村", "municipality", "municipalitycode",
                   "location"),
}  # fmt: skip
LABEL = ("アンケート回答", "Survey responses")

NOT_ALLOWED = Msg(
    "このアンケートに回答を取り込む権限がありません。",
    "You are not allowed to import answers into this survey.",
)
NO_SURVEY = Msg("アンケートが見つかりません。", "No such survey.")
UNMAPPED = Msg(
    "この列の対応（どの設問・項目か）が決まっていません。取り込み画面で対応を確認してください。",
    "This column is not mapped to a question or field. Confirm the mapping on the import page.",
)
TWICE = Msg(
    "同じ設問・項目に2つの列が対応しています。", "Two columns are mapped to the same question or field."
)
NEEDS_FIELD = Msg(
    "この項目の列が必要です（回答を識別するため）。列の対応で指定してください。",
    "A column for this field is needed (to recognise each answer). Map one in the mapping.",
)
DATETIME = Msg(
    "日時として読めません（例: 2026/11/05 10:23:45）。",
    "Not a date and time (e.g. 2026/11/05 10:23:45).",
)
FORMULA = Msg(
    "数式のセルは取り込めません。値として貼り付けてください。", "A formula cell: paste its value instead."
)
CONTROL = Msg("制御文字が含まれています。", "The cell contains control characters.")
SAME_RESPONDENT = "同じ回答者の行が{}行目にもあります。回答は1組織1件です。"
SAME_RESPONDENT_EN = "The same respondent is in row {} too; one response per organisation."
ALREADY_IMPORTED = Msg(
    "この回答はすでに取り込まれていて、内容が異なります。提出済みの回答は変更できません（変更は事務局の画面で行ってください）。",
    "This answer was imported already, with different content. Submitted answers are fixed "
    "(the secretariat changes them on its pages).",
)
DRAFT_THROUGH_LINK = Msg(
    "この回答者は回答用リンクで下書きを保存しています。リンクから提出してもらうか、下書きを削除してから取り込んでください。",
    "This respondent has saved a draft through the survey link. Let them submit it, or delete the draft "
    "before importing.",
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_DATETIME_FORMATS = (
    "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S",
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%Y/%m/%d", "%Y-%m-%d",
)  # fmt: skip


# --- the mapping ----------------------------------------------------------------------------------------


def targets(survey: Survey, lang: str) -> list[tuple[str, str]]:
    """What a column may be: ignored, a respondent field, or a question (value, label in `lang`)."""
    pick = 1 if lang == "en" else 0
    ignore = "（取り込まない）" if pick == 0 else "(do not import)"
    rows = [(IGNORE, ignore)] + [(name, FIELD_LABELS[name][pick]) for name in FIELDS]
    for question in survey.questions.all():
        text = (question.text_en or question.text_ja) if pick else question.text_ja
        rows.append((f"{QUESTION}{question.key}", f"{'Q' if pick else '設問'}: {text}"))
    return rows


def propose_mapping(survey: Survey, header: list[Any]) -> dict[str, str]:
    """folded header → target for each header cell: the survey's kept mapping first, then the
    question's text (ja or en) or key, then the usual words of form tools for the respondent fields."""
    allowed = {value for value, _label in targets(survey, "ja")}
    kept = {k: v for k, v in (survey.import_mapping or {}).items() if v in allowed}  # questions may go
    by_question: dict[str, str] = {}
    for question in survey.questions.all():
        for form in (question.text_ja, question.text_en, question.key):
            if form:
                by_question.setdefault(fold(form), f"{QUESTION}{question.key}")
    by_word = {fold(word): name for name, words in FIELD_WORDS.items() for word in words}
    proposed: dict[str, str] = {}
    taken: set[str] = set()
    for cell in header:
        folded = fold(cell)
        if not folded or folded in proposed:
            continue
        target = kept.get(folded)
        if target is None:
            target = by_question.get(folded) or by_word.get(folded) or IGNORE
        if target and target in taken:
            target = IGNORE
        proposed[folded] = target
        if target:
            taken.add(target)
    return proposed


def check_mapping(survey: Survey, header: list[Any], mapping: Mapping[str, str]) -> list[Problem]:
    """What is wrong with a mapping of this header: a column left unmapped, two columns on one target,
    an unknown target, the timestamp or organisation or a required question without a column."""
    allowed = {value for value, _label in targets(survey, "ja")}
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for cell in header:
        folded = fold(cell)
        if not folded:
            continue
        written = str(cell).strip()
        if folded not in mapping:
            problems.append(Problem(UNMAPPED, column=written, code="unmapped"))
            continue
        target = mapping[folded]
        if target not in allowed:
            problems.append(Problem(UNMAPPED, column=written, code="unmapped"))
        elif target and target in seen:
            problems.append(Problem(TWICE, column=written, code="mapped_twice"))
        elif target:
            seen[target] = written
    for name in (TIMESTAMP, ORGANISATION):
        if name not in seen:
            problems.append(Problem(NEEDS_FIELD, column=FIELD_LABELS[name][0], code="missing_column"))
    for question in survey.questions.all():
        if question.required and f"{QUESTION}{question.key}" not in seen:
            problems.append(Problem(
                Msg(f"回答必須の設問「{question.text_ja}」に対応する列がありません。",
                    f"The required question “{question.text_en or question.text_ja}” has no column."),
                code="missing_question",
            ))  # fmt: skip
    return problems


# --- cells ----------------------------------------------------------------------------------------------


def _strptime(text: str) -> dt.datetime | None:
    for form in _DATETIME_FORMATS:
        try:
            return dt.datetime.strptime(text, form)  # noqa: DTZ007 - made aware by the caller
        except ValueError:
            continue
    return None


def parse_timestamp(value: Any) -> dt.datetime:
    """A form tool's timestamp (2026/11/05 10:23:45, 11/5/2026 10:23:45, 午後1:23:45, an Excel date cell)
    as an aware date and time in the site's time zone (that of a naive one)."""
    moment: dt.datetime | None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)  # noqa: DTZ001 - made aware below
    else:
        text = " ".join(nfkc(value).replace("午前", "").split())
        afternoon = "午後" in text
        moment = _strptime(text.replace("午後", "").strip())
        if moment is None:
            raise CellError(DATETIME.ja, DATETIME.en, code="datetime")
        if afternoon and moment.hour < 12:
            moment += dt.timedelta(hours=12)
    moment = moment.replace(microsecond=0)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _organisation_parser() -> Any:
    """An organisation written as its key or its name (Japanese, English or short): its key."""
    names: dict[str, set[str]] = {}

    def build() -> None:
        for key, *labels in Organisation.objects.values_list("key", "name_ja", "name_en", "short_name_ja"):
            for label in (key, *labels):
                if label:
                    names.setdefault(fold(label), set()).add(key)

    def parse(value: Any) -> str:
        if not names:
            build()
        found = names.get(fold(value), set())
        if len(found) > 1:
            raise CellError(
                f"「{nfkc(value)}」は複数の組織に当てはまります。組織のキーで書いてください。",
                f"“{nfkc(value)}” names several organisations; write the organisation's key.",
                code="ambiguous",
            )
        return next(iter(found)) if found else nfkc(value).strip()

    return parse


def _municipality_parser() -> Any:
    """A municipality written as its code (06210) or its name as people write it in a form (天童市,
    山形県天童市, Tendo): its code, from the municipalities in the registry."""
    codes: dict[str, set[str]] = {}

    def build() -> None:
        rows = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).exclude(municipality_code="")
        with override("ja"):
            prefectures = {value: str(label) for value, label in Prefecture.choices}
        for code, name_ja, name_en, prefecture in rows.values_list(
            "municipality_code", "name_ja", "name_en", "prefecture"
        ):
            for label in (name_ja, name_en, f"{prefectures.get(prefecture, '')}{name_ja}"):
                if label:
                    codes.setdefault(fold(label), set()).add(code)

    def parse(value: Any) -> str:
        text = nfkc(value).strip()
        if not text or text.isdigit():
            return text  # a code: its format is checked with the rest of the profile
        if not codes:
            build()
        found = codes.get(fold(text), set())
        if len(found) == 1:
            return next(iter(found))
        raise CellError(
            f"「{text}」は市区町村として見つかりません。市区町村名（例: 天童市）か5桁の市区町村コードで書いてください。"
            if not found
            else f"「{text}」は複数の市区町村に当てはまります。市区町村コードで書いてください。",
            f"“{text}” is not a municipality we know: write its name (e.g. 天童市) or its 5-digit code."
            if not found
            else f"“{text}” names several municipalities; write the municipality code.",
            code="municipality",
        )

    return parse


def _choice_aliases(choices: type[Industry] | type[EmployeesBand]) -> dict[str, str]:
    """Labels without the JSIC letter (製造業 for E 製造業) and in both languages."""
    aliases: dict[str, str] = {}
    for value, label in choices.choices:
        for lang in ("ja", "en"):
            with override(lang):
                text = str(label)
            aliases[text] = value
            if choices is Industry and text[:2] == f"{value} ":
                aliases[text[2:]] = value
    return aliases


class _Labels:
    """Choice labels (ja, en) and codes of one question → its codes."""

    def __init__(self, question: Question, skills: Mapping[str, Any]) -> None:
        self.codes: dict[str, str] = {}
        if question.kind == Question.Kind.SKILLS:
            for code, concept in skills.items():
                for form in (code, concept.label_ja, concept.label_en):
                    if form:
                        self.codes.setdefault(fold(form), code)
        for choice in question.choices or []:
            for form in (choice.get("value"), choice.get("ja"), choice.get("en")):
                if form:
                    self.codes.setdefault(fold(form), choice["value"])

    def one(self, text: str) -> str | None:
        return self.codes.get(fold(text))

    def many(self, text: str) -> tuple[list[str], list[str]]:
        """Codes of a cell listing labels joined by ", " (Google Forms) or 、 ; or line breaks; a label
        that itself holds a comma is recognised whole. (codes, parts not recognised)"""
        parts = [p.strip() for p in re.split(r",|、|;|；|\n", text)]
        codes: list[str] = []
        unknown: list[str] = []
        buffer = ""
        for part in parts:
            buffer = f"{buffer}, {part}" if buffer else part
            code = self.one(buffer)
            if code is not None:
                codes.append(code)
                buffer = ""
        if buffer:
            unknown.append(buffer)
        return codes, unknown


class Answers(dict):
    """A row's answers (question key → value as stored), shown in the preview as `key: value; …`."""

    def __str__(self) -> str:
        return "; ".join(
            f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
            for key, value in self.items()
        )


def _answers_column() -> Column:
    return Column(
        ANSWERS, parse=lambda value: value, label_ja="回答", label_en="Answers", attr="answers", empty={},
    )  # fmt: skip


# --- the importer ---------------------------------------------------------------------------------------


class SurveyResponses(ImportSpec):
    """Responses to one survey, from a form tool's export, mapped by `mapping` (folded header → target)."""

    name = NAME
    label_ja, label_en = LABEL
    model = Response
    key = ("submitted_at", "organisation")
    batch_size = 500

    def __init__(
        self,
        survey: Survey,
        mapping: Mapping[str, str],
        *,
        filename: str = "",
        propose: bool = False,
        user: Any = None,
    ) -> None:
        self.survey = survey
        self.user = user  # who imports (None: a command); the matching job of the new needs is theirs
        self.mapping = dict(mapping)
        self.propose = propose  # headers the mapping does not name are mapped as proposed (the command)
        self.filename = filename
        self.questions = {q.key: q for q in survey.questions.all()}
        self.specs = {s.key: s for s in services.question_specs(survey)}
        skills = (
            services.skill_choices()
            if any(q.kind == Question.Kind.SKILLS for q in self.questions.values())
            else {}
        )
        self.labels = {key: _Labels(q, skills) for key, q in self.questions.items()}
        self.header_of: dict[str, str] = {}  # target → the file's header
        self.question_headers: dict[str, str] = {}  # question key → the file's header

    def get_columns(self) -> tuple[Column, ...]:
        def alias(target: str, ja: str, en: str) -> dict[str, Any]:
            written = self.header_of.get(target, "")
            return {"label_ja": written or ja, "label_en": written or en, "aliases": (target, ja, en)}

        return (
            Column("submitted_at", parse=parse_timestamp, blank=False, required=True,
                   **alias(TIMESTAMP, *FIELD_LABELS[TIMESTAMP])),
            Column("organisation", parse=_organisation_parser(), blank=False, required=True,
                   ref=Ref(Organisation, "key"), **alias(ORGANISATION, *FIELD_LABELS[ORGANISATION])),
            field_column(Response, "respondent_name", **alias(RESPONDENT, *FIELD_LABELS[RESPONDENT])),
            field_column(Response, "industry", **alias(INDUSTRY, *FIELD_LABELS[INDUSTRY]),
                         parse=_choice_parser(Industry)),
            field_column(Response, "employees_band", **alias(BAND, *FIELD_LABELS[BAND]),
                         parse=_choice_parser(EmployeesBand)),
            field_column(Response, "municipality_code", **alias(MUNICIPALITY, *FIELD_LABELS[MUNICIPALITY]),
                         parse=_municipality_parser()),
            _answers_column(),
        )  # fmt: skip

    # the file's table, in the importer's columns
    def prepare_table(self, table: Table) -> Table:
        if self.propose:
            self.mapping = {**propose_mapping(self.survey, table.header), **self.mapping}
        problems = check_mapping(self.survey, table.header, self.mapping)
        if problems:
            raise ImportRejected(problems)
        layout: list[tuple[int, str]] = []
        for index, cell in enumerate(table.header):
            target = self.mapping.get(fold(cell), IGNORE)
            if target:
                layout.append((index, target))
                self.header_of[target] = str(cell).strip()
                if target.startswith(QUESTION):
                    self.question_headers[target[len(QUESTION) :]] = str(cell).strip()
        self.__dict__.pop("_columns", None)
        self.__dict__.pop("_by_name", None)
        fields = [(i, t) for i, t in layout if not t.startswith(QUESTION)]
        answers = [(i, t[len(QUESTION) :]) for i, t in layout if t.startswith(QUESTION)]
        header = [self.header_of[t] for _i, t in fields] + [ANSWERS]

        def rows() -> Iterator[tuple[int, list[Any]]]:
            for number, cells in table.rows:
                values = [cells[i] if i < len(cells) else None for i, _t in fields]
                given = {key: cells[i] for i, key in answers if i < len(cells) and _filled(cells[i])}
                if not any(_filled(v) for v in values) and not given:
                    continue
                yield number, [*values, given]

        return Table(
            format=table.format, encoding=table.encoding, header=header, rows=rows(), total=table.total
        )

    # one row's answers, checked with the survey link's rules
    def clean_row(self, context: RowContext) -> list[tuple[str, CellError]]:
        errors: list[tuple[str, CellError]] = []
        given = context.values.get(ANSWERS) or {}
        converted: dict[str, Any] = {}
        for key, raw in given.items():
            header = self.question_headers.get(key, key)
            problem = self._convert(key, raw, converted)
            if problem is not None:
                errors.append((header, CellError(problem.ja, problem.en, code="answer")))
        cleaned, broken = rules.check_answers(
            questions=list(self.specs.values()), answers=converted, final=True
        )
        for item in broken:
            if any(header == self.question_headers.get(item.field or "") for header, _e in errors):
                continue
            question = self.questions[item.field or ""]
            header = self.question_headers.get(question.key, question.text_ja)
            errors.append((header, CellError(item.message.ja, item.message.en, code=item.code)))
        context.values[ANSWERS] = Answers(cleaned)
        _values, profile_broken = services.check_profile(
            {name: context.values.get(name) for name in ("industry", "employees_band", "municipality_code")}
        )
        for item in profile_broken:
            errors.append((item.field or "", CellError(item.message.ja, item.message.en, code=item.code)))
        return errors

    def _convert(self, key: str, raw: Any, into: dict[str, Any]) -> Msg | None:
        question = self.questions[key]
        if isinstance(raw, FormulaResult):
            return FORMULA
        text = raw if not isinstance(raw, str) else raw.strip()
        if isinstance(text, str) and _CONTROL.search(text):
            return CONTROL
        labels = self.labels[key]
        if question.kind == Question.Kind.SINGLE:
            code = labels.one(str(text))
            if code is None:
                return _not_a_choice(str(text), question)
            into[key] = code
        elif question.kind in (Question.Kind.MULTIPLE, Question.Kind.SKILLS):
            codes, unknown = labels.many(str(text))
            if unknown:
                return _not_a_choice(unknown[0], question)
            into[key] = codes
        elif question.kind in (Question.Kind.SCALE, Question.Kind.NUMBER):
            if isinstance(text, float) and text.is_integer():
                text = int(text)
            into[key] = nfkc(text) if isinstance(text, str) else text
        else:
            into[key] = str(text)
        return None

    def key_filter(self, keys: list[tuple[Any, ...]], resolved: dict[str, dict[str, int]]) -> Q:
        return super().key_filter(keys, resolved) & Q(survey=self.survey)

    # rules across rows: one response per respondent, a submitted one is fixed
    def check_plan(self, plan: Plan) -> list[tuple[int | None, str | None, Msg]]:
        found: list[tuple[int | None, str | None, Msg]] = []
        resolved = plan.resolved.get("organisation", {})
        first_row: dict[int, int] = {}
        creates: dict[int, int] = {}
        for change in plan.changes:
            organisation = resolved.get(change.key[1])
            if organisation is None:
                continue
            if organisation in first_row:
                found.append((change.row, "organisation", Msg(
                    SAME_RESPONDENT.format(first_row[organisation]),
                    SAME_RESPONDENT_EN.format(first_row[organisation]),
                )))  # fmt: skip
                continue
            first_row[organisation] = change.row
            if change.action == UPDATE:
                for place in self._changed_places(plan, change.before, change.after):
                    found.append((change.row, place, ALREADY_IMPORTED))
            elif change.action == CREATE:
                creates[organisation] = change.row
        stored = Response.objects.filter(survey=self.survey, organisation_id__in=list(creates))
        for organisation_id, status in stored.values_list("organisation_id", "status"):
            message = rules.ALREADY_SUBMITTED if status == Response.Status.SUBMITTED else DRAFT_THROUGH_LINK
            found.append((creates[organisation_id], "organisation", message))
        return found

    def _changed_places(self, plan: Plan, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
        """The file's headers of what an update would change (each answer by its question's column)."""
        places = []
        for name, value in after.items():
            if name != ANSWERS:
                places.append(plan.header(name))
                continue
            old = before.get(name) or {}
            for key in sorted(set(old) | set(value or {})):
                if old.get(key) != (value or {}).get(key):
                    places.append(self.question_headers.get(key, key))
        return places

    def check_permissions(self, user: Any, rows: list[tuple[RowContext, Any]]) -> list[Msg | None]:
        for _context, obj in rows:
            obj.survey = self.survey
        return super().check_permissions(user, rows)

    def prepare_instances(self, instances: list[Any]) -> None:
        invitations = dict(
            Invitation.objects.filter(
                survey=self.survey, organisation_id__in=[i.organisation_id for i in instances]
            ).values_list("organisation_id", "pk")
        )
        keys = dict(
            Organisation.objects.filter(pk__in=[i.organisation_id for i in instances]).values_list(
                "pk", "key"
            )
        )
        for instance in instances:
            if instance.pk is not None:
                continue
            instance.survey = self.survey
            instance.status = Response.Status.SUBMITTED
            instance.via = Response.Via.IMPORT
            instance.source_file = self.filename[:200]
            instance.invitation_id = invitations.get(instance.organisation_id)
            instance.external_id = (
                f"{instance.submitted_at.isoformat()}|{keys.get(instance.organisation_id, '')}"[:100]
            )

    def after_apply(self, pks: list[int]) -> None:
        """Each imported response makes its profile and needs as a submission through the link does; the
        new needs are then matched in one run (`jobs.match_imported_needs`: a job from the web)."""
        need_ids: list[int] = []
        for response in Response.objects.filter(pk__in=pks).select_related("survey").order_by("pk"):
            need_ids += [n.pk for n in services.response_apply(response=response, actor=None, match=False)]
        match_run = jobs.match_imported_needs(need_ids=need_ids, network=self.survey.network, user=self.user)
        self._started = [] if match_run is None else [jobs.started_note(match_run)]

    def started(self) -> list[dict[str, Any]]:
        return list(getattr(self, "_started", []))


def _filled(value: Any) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _choice_parser(choices: type[Industry] | type[EmployeesBand]) -> Any:
    from renkei.importing.cells import choice

    return choice(choices.choices, aliases=_choice_aliases(choices))


def _not_a_choice(text: str, question: Question) -> Msg:
    if question.kind == Question.Kind.SKILLS:
        return Msg(f"「{text}」はスキルの一覧にありません。", f"“{text}” is not in the list of skills.")
    labels_ja = "、".join(c.get("ja", c["value"]) for c in question.choices or [])
    labels_en = ", ".join(c.get("en") or c.get("ja", c["value"]) for c in question.choices or [])
    return Msg(
        f"「{text}」は選択肢にありません。選択肢: {labels_ja}",
        f"“{text}” is not one of the choices: {labels_en}",
    )


def survey_responses_importer(options: Mapping[str, Any], user: Any) -> SurveyResponses:
    """The importer for `options["survey"]` (an id, or network-key/survey-key) with `options["mapping"]`
    (folded header → target). Without a mapping, the survey's kept mapping is used and headers it does
    not name are mapped as proposed (the command; `--dry-run` shows the result first). Refused unless
    `user` may manage the survey (None: a command, run by the site's administrator)."""
    wanted = str(options.get("survey", ""))
    rows = Survey.objects.select_related("network")
    if "/" in wanted:
        network, key = wanted.split("/", 1)
        survey = rows.filter(network__key=network, key=key).first()
    else:
        survey = rows.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    if survey is None:
        raise ImportRejected([Problem(NO_SURVEY, code="no_survey")])
    if user is not None and not policy.can(user, Action.CHANGE, survey):
        raise ImportRejected([Problem(NOT_ALLOWED, code="permission")])
    mapping = options.get("mapping")
    return SurveyResponses(
        survey, mapping or survey.import_mapping or {}, filename=str(options.get("filename", "")),
        propose=not mapping, user=user,
    )  # fmt: skip


register_factory(NAME, Response, survey_responses_importer)
