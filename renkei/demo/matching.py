"""The needs and matching demo (issue 12): sample employers in Yamagata, a completed sample survey with
responses and two hearings, their needs, the platform's target segments, a stored matching run with
reasons and one proposal in development, so that a newcomer sees the whole loop after `make demo`.

Everything is invented and marked as sample data (`is_sample`, and the employers' names and notes);
see `seed/matching.toml`. Rows are written through their save services (`renkei.core.loading`), once:
a second load writes nothing; the run and the proposal are made only when the network has none.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from django.db.models import Field

from renkei.core.loading import Loader, LoadReport
from renkei.core.models import Source
from renkei.matching import services
from renkei.matching.models import (
    EmployerProfile,
    Hearing,
    Invitation,
    MatchRun,
    Need,
    NeedSkill,
    Proposal,
    Question,
    Response,
    Survey,
    SurveySection,
    TargetSegment,
)
from renkei.networks.models import Network
from renkei.organisations.models import Organisation
from renkei.taxonomy.models import Concept
from renkei.taxonomy.selectors import STARTER_SCHEME

NOTE_JA = "デモ用の架空の事業者です（サンプルデータ）。実在の企業・団体ではありません。"
NOTE_EN = "An invented employer for the demo (sample data), not a real company."
NEED_FIELDS = ("level", "headcount", "timeframe", "mode", "time_of_day", "budget_yen")
QUESTION_FIELDS = ("order", "kind", "role", "text_ja", "text_en", "required", "choices", "scale_min", "scale_max",
                   "number_min", "number_max")  # fmt: skip


def _default(model: Any, name: str) -> Any:
    field = model._meta.get_field(name)
    return field.get_default() if isinstance(field, Field) else None


def load_matching_demo(seed_dir: Path) -> LoadReport:
    """Load the sample needs and matching data (call inside the demo's audit context and transaction)."""
    with (seed_dir / "matching.toml").open("rb") as handle:
        seed = tomllib.load(handle)
    demo = _MatchingDemo(seed)
    demo.load()
    return demo.loader.report


class _MatchingDemo:
    def __init__(self, seed: dict[str, Any]) -> None:
        self.seed = seed
        self.loader = Loader()
        self.network = Network.objects.get(key=seed["network"])
        self.concepts = {c.code: c for c in Concept.objects.filter(scheme__key=STARTER_SCHEME)}

    def load(self) -> None:
        row = self.seed["source"]
        self.source = self.loader.upsert(
            Source,
            {"code": row["code"]},
            {
                "title_ja": row["title_ja"],
                "title_en": row["title_en"],
                "used_for_ja": row["used_for_ja"],
                "used_for_en": row["used_for_en"],
                "is_sample": True,
            },
        )
        survey = self._survey(self.seed["survey"])
        for employer in self.seed["employer"]:
            self._employer(survey, employer)
        for target in self.seed.get("target", []):
            self.loader.upsert(
                TargetSegment,
                {"network": self.network, "industry": target["industry"], "employees_band": target["employees_band"],
                 "area": target["area"]},
                {"position_ja": target["position_ja"], "position_en": target["position_en"], "is_sample": True},
            )  # fmt: skip
        self._run()
        self._proposal(self.seed["proposal"])

    def _survey(self, row: dict[str, Any]) -> Survey:
        values = {
            k: row[k]
            for k in ("title_ja", "title_en", "intro_ja", "intro_en", "status", "opens_on", "closes_on")
        }
        survey = self.loader.upsert(
            Survey,
            {"network": self.network, "key": row["key"]},
            {**values, "is_sample": True, "source": self.source},
        )
        sections = {
            s["order"]: self.loader.upsert(
                SurveySection, {"survey": survey, "order": s["order"]}, {"title_ja": s["title_ja"], "title_en": s["title_en"]}
            )
            for s in row["section"]
        }  # fmt: skip
        for q in row["question"]:
            values = {k: q.get(k, _default(Question, k)) for k in QUESTION_FIELDS}
            values["role"] = values["role"] or ""
            self.loader.upsert(
                Question, {"survey": survey, "key": q["key"]}, {**values, "section": sections[q["section"]]}
            )
        self.expires = row["invitations_expire"]
        return survey

    def _employer(self, survey: Survey, row: dict[str, Any]) -> None:
        organisation = self.loader.upsert(
            Organisation, {"key": row["key"]},
            {"kind": Organisation.Kind.COMPANY, "name_ja": row["name_ja"], "name_en": row["name_en"], "country": "JP",
             "prefecture": row["municipality"][:2], "municipality_code": row["municipality"], "note_ja": NOTE_JA,
             "note_en": NOTE_EN},
            relations={"sources": [self.source]},
        )  # fmt: skip
        self.loader.upsert(
            EmployerProfile, {"organisation": organisation},
            {"industry": row["industry"], "employees_band": row["employees_band"], "municipality_code": row["municipality"],
             "is_sample": True},
        )  # fmt: skip
        invitation = self.loader.upsert(
            Invitation, {"survey": survey, "organisation": organisation},
            {"target_group": row["group"], "expires_at": self.expires, "is_sample": True},
        )  # fmt: skip
        response = hearing = None
        if answered := row.get("response"):
            answers = {k: v for k, v in answered.items() if k not in ("submitted_at", "respondent")}
            response = self.loader.upsert(
                Response, {"survey": survey, "external_id": f"sample-{row['key']}"},
                {"invitation": invitation, "organisation": organisation, "respondent_name": answered["respondent"],
                 "industry": row["industry"], "employees_band": row["employees_band"],
                 "municipality_code": row["municipality"], "answers": {**answers, "need": row["needs"][0]["text"]},
                 "status": Response.Status.SUBMITTED, "via": Response.Via.FORM,
                 "submitted_at": answered["submitted_at"], "is_sample": True},
            )  # fmt: skip
        if heard := row.get("hearing"):
            hearing = self.loader.upsert(
                Hearing, {"network": self.network, "organisation": organisation, "held_on": heard["held_on"]},
                {"survey": survey, "interviewees": heard["interviewees"], "interviewer": heard["interviewer"],
                 "notes_ja": heard["notes_ja"], "notes_en": heard["notes_en"], "is_sample": True},
            )  # fmt: skip
        picked = [
            self.concepts[c] for c in (row.get("response") or {}).get("skills", []) if c in self.concepts
        ]
        for index, need_row in enumerate(row["needs"]):
            values = {k: need_row.get(k, _default(Need, k)) for k in NEED_FIELDS}
            need = self.loader.upsert(
                Need, {"organisation": organisation, "text": need_row["text"]},
                {**values, "network": self.network, "response": response, "hearing": hearing, "is_sample": True},
            )  # fmt: skip
            for concept in picked if index == 0 else []:  # the skills the respondent picked, once
                if NeedSkill.objects.filter(need=need, concept=concept).exists():
                    self.loader.report.unchanged["NeedSkill"] += 1
                else:
                    services.need_skill_add(need=need, concept=concept, actor=None)
                    self.loader.report.created["NeedSkill"] += 1

    def _run(self) -> None:
        """One stored batch run over the sample needs (made once; repeat it on the runs page)."""
        stored = MatchRun.objects.filter(
            network=self.network, is_sample=True, scope=MatchRun.Scope.OPEN_NEEDS
        ).first()
        if stored is not None:
            self.loader.report.unchanged["MatchRun"] += 1
            self.loader.report.unchanged["Match"] += stored.match_count
            return
        match_run = services.match_run_create(network=self.network, actor=None, is_sample=True)
        done = services.match_run_run_now(match_run=match_run)
        self.loader.report.created["MatchRun"] += 1
        self.loader.report.created["Match"] += done.match_count

    def _proposal(self, row: dict[str, Any]) -> None:
        if Proposal.objects.filter(network=self.network, key=row["key"]).exists():
            self.loader.report.unchanged["Proposal"] += 1
            return
        proposal = services.proposal_draft_from_gap(
            network=self.network, skills=[self.concepts[c] for c in row["skills"]], actor=None, key=row["key"],
            industry=row.get("industry", ""), employees_band=row.get("employees_band", ""),
            area=row.get("area", ""), title_ja=row["title_ja"], title_en=row["title_en"],
            summary_ja=row.get("summary_ja", ""), summary_en=row.get("summary_en", ""), is_sample=True,
        )  # fmt: skip
        if row.get("status") == Proposal.Status.IN_DEVELOPMENT:
            services.proposal_set_status(proposal=proposal, status=Proposal.Status.IN_DEVELOPMENT, actor=None)
        self.loader.report.created["Proposal"] += 1
