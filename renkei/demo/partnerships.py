"""Load the partnerships of the demo: UTokyo's strategic partnerships (003), Tohoku's joint graduate
programs (001) and, marked as sample data, agreements, mobility and a fund call.

Rows are upserted by natural key through their save services (`renkei.core.loading.Loader`);
agreement versions move through the lifecycle services (`agreement_transition`, `agreement_sign`),
so a second load writes nothing and a signed version is never rewritten.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from renkei.core.loading import Loader
from renkei.core.models import Source
from renkei.networks.models import Network
from renkei.organisations.models import Organisation
from renkei.partnerships import rules, services
from renkei.partnerships.models import (
    Activity,
    Agreement,
    AgreementParty,
    AgreementVersion,
    CooperationCondition,
    FundApplication,
    FundCall,
    JointDegreeFigure,
    JointDegreePartner,
    JointDegreeProgram,
    JointFund,
    MobilityFigure,
    NetworkProject,
    Participation,
    Partnership,
    PartnershipTier,
    PartnerUnit,
    Phase,
    TeamMember,
)

FILES = ("partnerships.toml", "partnerships_samples.toml")


def _read(seed_dir: Path, name: str) -> dict[str, Any]:
    with (seed_dir / name).open("rb") as handle:
        return tomllib.load(handle)


class PartnershipsLoader:
    def __init__(
        self,
        loader: Loader,
        sources: dict[str, Source],
        organisations: dict[str, Organisation],
        seed_dir: Path,
    ) -> None:
        self.loader = loader
        self.sources = sources
        self.organisations = organisations
        self.seed_dir = seed_dir
        self.partnerships: dict[str, Partnership] = {}
        self.agreements: dict[str, Agreement] = {}
        self.funds: dict[str, JointFund] = {}

    def units_of(self, home: Organisation) -> dict[str, Organisation]:
        return {o.code: o for o in self.organisations.values() if o.parent_id == home.pk and o.code}

    def load(self) -> None:
        facts = _read(self.seed_dir, FILES[0])
        samples = _read(self.seed_dir, FILES[1])
        self.home = self.organisations[facts["home"]]
        self.units = self.units_of(self.home)
        source = self.sources["003"]
        phases = {row["number"]: self._phase(row) for row in facts["phase"]}
        for order, row in enumerate(facts["partnership"]):
            self._partnership(row, phases, source, order)
        for row in facts["activity"]:
            self._activity(row, source)
        for row in facts["fund"]:
            self.funds[row["key"]] = self._fund(row)
        for row in facts["network_project"]:
            self.loader.upsert(
                NetworkProject,
                {"network": Network.objects.get(key=row["network"]), "key": row["key"]},
                {
                    "lead": self.organisations[row["lead"]],
                    "title_ja": row["title_ja"],
                    "title_en": row.get("title_en", ""),
                    "summary_ja": row.get("summary_ja", ""),
                    "summary_en": row.get("summary_en", ""),
                    "source": self.sources[row["source"]],
                },
            )
        self._tohoku(facts["tohoku"])
        for row in samples["agreement"]:
            self._agreement(row, samples["conditions"])
        for row in samples["mobility"]:
            self._mobility(row)
        for row in samples["fund_call"]:
            self._fund_call(row)

    # --- facts ---------------------------------------------------------------------------------------
    def _phase(self, row: dict[str, Any]) -> Phase:
        return self.loader.upsert(
            Phase,
            {"home": self.home, "number": row["number"]},
            {
                "name_ja": row["name_ja"],
                "name_en": row.get("name_en", ""),
                "starts_on": row["starts_on"],
                "ends_on": row.get("ends_on"),
                "aims_ja": row.get("aims_ja", ""),
                "aims_en": row.get("aims_en", ""),
                "stated_partners": row.get("stated_partners"),
                "stated_primary": row.get("stated_primary"),
                "stated_prospective": row.get("stated_prospective"),
                "stated_note": row.get("stated_note", ""),
                "source": self.sources[row["source"]],
            },
        )

    def _partnership(self, row: dict[str, Any], phases: dict[int, Phase], source: Source, order: int) -> None:
        partner = self.organisations[row["partner"]]
        partnership = self.loader.upsert(
            Partnership,
            {"key": f"{self.home.key}-{partner.key}"},
            {
                "home": self.home,
                "partner": partner,
                "summary_ja": row.get("summary_ja", ""),
                "summary_en": row.get("summary_en", ""),
                "how_it_works_ja": row.get("how_it_works_ja", ""),
                "how_it_works_en": row.get("how_it_works_en", ""),
                "started_on": row.get("started_on"),
                "started_precision": row.get("started_precision", "year"),
                "status": Partnership.Status.PUBLISHED,
                "source": source,
            },
        )
        self.partnerships[row["partner"]] = partnership
        for number, tier in row.get("tier", {}).items():
            self.loader.upsert(
                PartnershipTier,
                {"partnership": partnership, "phase": phases[int(number)]},
                {"tier": tier, "source": source},
            )
        notes = row.get("team_notes", {})
        for position, code in enumerate(row["units"]):
            note = notes.get(code, {})
            joined = note.get("joined")
            self.loader.upsert(
                TeamMember,
                {"partnership": partnership, "unit": self.units[code]},
                {
                    "is_lead": code == row.get("lead"),
                    "joined_on": dt.date(joined, 1, 1) if joined else None,
                    "joined_precision": "year",
                    "sort_order": position,
                    "note_ja": note.get("note_ja", ""),
                    "note_en": note.get("note_en", ""),
                    "source": source,
                },
            )
        for unit in row.get("partner_units", []):
            self.loader.upsert(
                PartnerUnit,
                {"partnership": partnership, "name_ja": unit["name_ja"]},
                {"name_en": unit.get("name_en", ""), "source": source},
            )
        if declared := row.get("declared_mobility"):
            self.loader.upsert(
                MobilityFigure,
                {
                    "partnership": partnership,
                    "fiscal_year": None,
                    "direction": MobilityFigure.Direction.BOTH,
                    "category": MobilityFigure.Category.MIXED,
                    "basis": "declared",
                },
                {
                    "count": declared["count"],
                    "qualifier": declared["qualifier"],
                    "note_ja": declared["stated_ja"],
                    "note_en": declared["stated_en"],
                    "agreement": None,
                    "is_sample": False,
                    "source": source,
                },
            )

    def _activity(self, row: dict[str, Any], source: Source) -> None:
        partnership = self.partnerships[row["partner"]]
        activity = self.loader.upsert(
            Activity,
            {"partnership": partnership, "key": row["key"]},
            {
                "kind": row["kind"],
                "title_ja": row["title_ja"],
                "title_en": row.get("title_en", ""),
                "starts_on": row["starts_on"],
                "ends_on": row.get("ends_on"),
                "date_precision": row.get("precision", "day"),
                "is_recurring": row.get("recurring", False),
                "host": row.get("host", ""),
                "mode": row.get("mode", ""),
                "theme_ja": row.get("theme_ja", ""),
                "theme_en": row.get("theme_en", ""),
                "outcomes_ja": row.get("outcomes_ja", ""),
                "outcomes_en": row.get("outcomes_en", ""),
                "participants": row.get("participants"),
                "participants_qualifier": row.get("participants_qualifier", "exact"),
                "source": source,
            },
            relations={"units": [self.units[code] for code in row.get("units", [])]},
        )
        for part in row.get("participation", []):
            self.loader.upsert(
                Participation,
                {"activity": activity, "category": part["category"], "side": part["side"]},
                {"count": part["count"], "qualifier": part.get("qualifier", "exact")},
            )

    def _fund(self, row: dict[str, Any]) -> JointFund:
        return self.loader.upsert(
            JointFund,
            {"key": row["key"]},
            {
                "partnership": self.partnerships[row["partner"]],
                "name_ja": row["name_ja"],
                "name_en": row.get("name_en", ""),
                "governance_ja": row.get("governance_ja", ""),
                "governance_en": row.get("governance_en", ""),
                "started_on": row.get("started_on"),
                "started_precision": "month",
                "declared_calls": row.get("declared_calls"),
                "declared_projects": row.get("declared_projects"),
                "declared_note_ja": row.get("declared_note_ja", ""),
                "source": self.sources[row["source"]],
            },
        )

    def _tohoku(self, block: dict[str, Any]) -> None:
        owner = self.organisations[block["owner"]]
        source = self.sources[block["source"]]
        home_unit = self.organisations[block["home_unit"]]
        programs = {}
        for row in block["program"]:
            programs[row["key"]] = self.loader.upsert(
                JointDegreeProgram,
                {"key": row["key"]},
                {
                    "owner": owner,
                    "name_ja": row["name_ja"],
                    "name_en": row.get("name_en", ""),
                    "field_ja": row.get("field_ja", ""),
                    "field_en": row.get("field_en", ""),
                    "source": source,
                },
                relations={"home_units": [home_unit]},
            )
        for order, row in enumerate(block["partner"]):
            self.loader.upsert(
                JointDegreePartner,
                {"owner": owner, "partner": self.organisations[row["partner"]]},
                {
                    "program": programs.get(row.get("program", "")),
                    "sort_order": order,
                    "note_ja": row.get("note_ja", ""),
                    "note_en": row.get("note_en", ""),
                    "source": source,
                },
            )
        for row in block["figure"]:
            self.loader.upsert(
                JointDegreeFigure,
                {"owner": owner, "program": None, "fiscal_year": row["fiscal_year"], "metric": row["metric"]},
                {
                    "value": row["value"],
                    "basis": "declared",
                    "qualifier": row.get("qualifier", "exact"),
                    "stated_as": row.get("stated_as", ""),
                    "source": source,
                },
            )

    # --- agreements (samples, and the memoranda 003 states) -------------------------------------------
    def _agreement(self, row: dict[str, Any], condition_sets: dict[str, Any]) -> None:
        partner = self.organisations[row["partner"]]
        sample = row.get("sample", False)
        agreement = self.loader.upsert(
            Agreement,
            {"key": row["key"]},
            {
                "owner": self.home,
                "partnership": self.partnerships.get(row["partner"]),
                "kind": row["kind"],
                "title_ja": row["title_ja"],
                "title_en": row.get("title_en", ""),
                "responsible_unit": self.units.get(row.get("unit", "")),
                "is_public": row.get("public", False),
                "is_sample": sample,
                "source": self.sources.get(row.get("source", "")),
            },
        )
        self.agreements[row["key"]] = agreement
        previous = None
        for vrow in row["version"]:
            version = self._version(agreement, vrow, previous)
            signed = vrow.get("signed", [None, None])
            for order, (party, signed_on) in enumerate(((self.home, signed[0]), (partner, signed[1]))):
                self.loader.upsert(
                    AgreementParty,
                    {"version": version, "organisation": party, "unit": None},
                    {"signed_on": signed_on, "sort_order": order},
                )
            for order, spec in enumerate(condition_sets.get(vrow.get("conditions", ""), {}).get("spec", [])):
                for sending, receiving in ((self.home, partner), (partner, self.home)):
                    self._condition(version, spec, sending, receiving, order)
                    order += 100
            self._advance(version, vrow)
            previous = version

    def _version(
        self, agreement: Agreement, vrow: dict[str, Any], previous: AgreementVersion | None
    ) -> AgreementVersion:
        """The version as the seed gives it; a signed one is never rewritten, also when the seed's text
        changed after it was loaded (it is kept, and a new demo gets the new text)."""
        values = {
            "previous": previous,
            "change": vrow.get("change", "original"),
            "valid_from": vrow.get("valid_from"),
            "valid_until": vrow.get("valid_until"),
            "date_precision": vrow.get("precision", "day"),
            "scope_ja": vrow.get("scope_ja", ""),
            "scope_en": vrow.get("scope_en", ""),
            "intended_outcomes_ja": vrow.get("intended_outcomes_ja", ""),
            "intended_outcomes_en": vrow.get("intended_outcomes_en", ""),
            "change_summary_ja": vrow.get("change_summary_ja", ""),
            "change_summary_en": vrow.get("change_summary_en", ""),
        }
        lookup = {"agreement": agreement, "number": vrow["number"]}
        loaded = AgreementVersion.objects.filter(**lookup).first()
        if loaded is not None and loaded.is_signed:
            differs = [
                name
                for name, value in values.items()
                if name != "previous" and getattr(loaded, name) != value
            ]
            if differs or loaded.previous_id != (previous.pk if previous else None):
                self.loader.keep(loaded)
                return loaded
        return self.loader.upsert(AgreementVersion, lookup, values)

    def _condition(
        self,
        version: AgreementVersion,
        spec: dict[str, Any],
        sending: Organisation,
        receiving: Organisation,
        order: int,
    ) -> None:
        first = version.valid_from.year if version.valid_from else 2020
        last = version.valid_until.year - 1 if version.valid_until else first
        self.loader.upsert(
            CooperationCondition,
            {"version": version, "sort_order": order},
            {
                "mobility_type": spec["type"],
                "sending_hei": sending,
                "receiving_hei": receiving,
                "receiving_first_academic_year_id": f"{first}/{first + 1}",
                "receiving_last_academic_year_id": f"{last}/{last + 1}",
                "mobilities_per_year": spec["places"],
                "total_months_per_year": Decimal(spec["months"]) if "months" in spec else None,
                "total_days_per_year": Decimal(spec["days"]) if "days" in spec else None,
                "subject_areas": spec.get("isced", []),
                "eqf_levels": spec.get("eqf", []),
                "recommended_language_skills": [{"language": "en", "cefr_level": spec["cefr"]}],
            },
        )

    def _advance(self, version: AgreementVersion, vrow: dict[str, Any]) -> None:
        """Move a version still open to the status the seed gives (signed by default)."""
        wanted = vrow.get("status", rules.SIGNED)
        if version.status == wanted:
            return
        path = [rules.INTERNAL_REVIEW, rules.WITH_PARTNER, rules.SIGNED]
        if version.status not in rules.OPEN_STATES or wanted not in path:
            return
        signed = [d for d in vrow.get("signed", []) if d]
        when = max([*signed, version.valid_from or dt.date.min])
        for status in path[path.index(version.status) + 1 if version.status in path else 0 :]:
            if status == rules.SIGNED:
                services.agreement_sign(version=version, actor=None, today=when)
            else:
                services.agreement_transition(version=version, status=status, actor=None, today=when)
            if status == wanted:
                break

    def _mobility(self, row: dict[str, Any]) -> None:
        partnership = self.partnerships[row["partner"]]
        agreement = self.agreements[row["agreement"]]
        for direction in ("outbound", "inbound"):
            for year, count in row[direction].items():
                self.loader.upsert(
                    MobilityFigure,
                    {
                        "partnership": partnership,
                        "fiscal_year": int(year),
                        "direction": direction,
                        "category": MobilityFigure.Category.GRADUATE,
                        "basis": "counted",
                    },
                    {"count": count, "agreement": agreement, "is_sample": True, "qualifier": "exact"},
                )

    def _fund_call(self, row: dict[str, Any]) -> None:
        call = self.loader.upsert(
            FundCall,
            {"fund": self.funds[row["fund"]], "number": row["number"]},
            {
                "title_ja": row.get("title_ja", ""),
                "title_en": row.get("title_en", ""),
                "opens_on": row.get("opens_on"),
                "deadline": row.get("deadline"),
                "budget_yen": row.get("budget_yen"),
                "is_sample": True,
            },
        )
        for app in row.get("application", []):
            self.loader.upsert(
                FundApplication,
                {"call": call, "title_ja": app["title_ja"]},
                {
                    "title_en": app.get("title_en", ""),
                    "lead_researcher": app.get("lead_researcher", ""),
                    "lead_unit": self.units.get(app.get("lead_unit", "")),
                    "partner_researcher": app.get("partner_researcher", ""),
                    "partner_unit": app.get("partner_unit", ""),
                    "outcome": app["outcome"],
                    "amount_yen": app.get("amount_yen"),
                    "starts_on": app.get("starts_on"),
                    "ends_on": app.get("ends_on"),
                    "project_status": app.get("project_status", ""),
                    "outputs_ja": app.get("outputs_ja", ""),
                    "outputs_en": app.get("outputs_en", ""),
                    "is_sample": True,
                },
            )


def load_partnerships(
    loader: Loader, sources: dict[str, Source], organisations: dict[str, Organisation], seed_dir: Path
) -> None:
    """Load the partnerships seeds (called once from `renkei.demo.loader.load_demo`)."""
    PartnershipsLoader(loader, sources, organisations, seed_dir).load()
