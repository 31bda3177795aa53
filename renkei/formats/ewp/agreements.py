"""From the partnerships' agreements to IIA v7 (and IIA approval v2).

Which agreements are IIAs
    An agreement owned by a Japanese HEI Renkei covers (`registry.covered_heis`), public, whose
    current version is signed (the policy's public view: `policy.visible` for an anonymous reader),
    with exactly two parties that both have a hei-id, and at least one cooperation condition. Its
    owner is the first partner (EWP: the partner whose server answers).

How each field is filled
    - first partner's `iia-id`: the agreement's `iia_id` (a UUID, stable); the second partner's
      `iia-id` is not recorded in Renkei, so it is left out (optional in the XSD);
    - `iia-code`: the party's own code; `ounit-id`: the unit the party binds, when it is a unit of the
      covered HEI (a partner's unit ids are the partner's to define, so left out);
    - `signing-contact`: the signatory's name and title (not the e-mail: these URLs are public);
      `signing-date`: the party's signature date;
    - `in-effect`: the version is signed by every party; `terminated-as-a-whole`: it was terminated;
    - each cooperation condition → one `*-mobility-spec`; an empty last academic year becomes the
      academic year (April–March, as in Japan) in which the version ends; places per year and
      language skills not recorded are flagged `not-yet-defined` (see build.py); ISCED-F codes other
      than the four-digit detailed fields are left out (the XSD takes only those).

Approvals (IIA Approval API v2) name the partner's iia-id, "as assigned by the calling partner":
Renkei does not record partners' IIA ids, so no approval can be stated yet and the response is empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from renkei.core import policy
from renkei.core.policy import Actor
from renkei.formats.ewp import registry
from renkei.formats.ewp.model import (
    Approval,
    Contact,
    Iia,
    IiaPartner,
    LanguageSkill,
    MobilityKind,
    MobilitySpec,
    SubjectArea,
    Text,
)
from renkei.organisations.models import Identifier, Organisation
from renkei.partnerships import rules as agreement_rules
from renkei.partnerships.models import Agreement, AgreementParty, AgreementVersion, CooperationCondition

KINDS = {
    CooperationCondition.MobilityType.STUDENT_STUDIES: MobilityKind.STUDENT_STUDIES,
    CooperationCondition.MobilityType.STUDENT_TRAINEESHIP: MobilityKind.STUDENT_TRAINEESHIP,
    CooperationCondition.MobilityType.STAFF_TEACHER: MobilityKind.STAFF_TEACHER,
    CooperationCondition.MobilityType.STAFF_TRAINING: MobilityKind.STAFF_TRAINING,
}


def partner_hei_id(organisation: Organisation) -> str:
    """A covered HEI's hei-id, or a foreign partner's: its SCHAC identifier (the demo records them for
    its European partners, e.g. uni-mainz.de); '' when unknown."""
    return registry.hei_id_of(organisation)


def academic_year_of(day: dt.date) -> str:
    """The academic year (April to March) a day falls in, as EWP writes it: 2026-03-31 → 2025/2026."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{start + 1}"


def _ounit(organisation: Organisation | None, covered: Organisation | None) -> str:
    if organisation is None or covered is None:
        return ""
    if organisation.kind in Organisation.UNIT_KINDS and organisation.root_id() == covered.pk:
        return registry.ounit_id_of(organisation)
    return ""


def _skills(raw: Any) -> tuple[LanguageSkill, ...]:
    skills = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and str(item.get("language", "")).strip():
            level = str(item.get("cefr_level") or item.get("cefr") or "").strip().upper()
            skills.append(LanguageSkill(str(item["language"]).strip(), level))
    return tuple(skills)


def _areas(raw: Any) -> tuple[SubjectArea, ...]:
    areas = []
    for item in raw if isinstance(raw, list) else []:
        code, note = (
            (item.get("isced_f_code", ""), item.get("clarification", ""))
            if isinstance(item, dict)
            else (item, "")
        )
        code = str(code).strip()
        if len(code) == 4 and code.isascii() and code.isdigit():
            areas.append(SubjectArea(code, str(note or "")))
    return tuple(areas)


def _spec(
    condition: CooperationCondition, version: AgreementVersion, covered: dict[int, Organisation]
) -> MobilitySpec | None:
    sending, receiving = partner_hei_id(condition.sending_hei), partner_hei_id(condition.receiving_hei)
    last = condition.receiving_last_academic_year_id or (
        academic_year_of(version.valid_until) if version.valid_until else ""
    )
    if not (sending and receiving and condition.receiving_first_academic_year_id and last):
        return None
    kind = KINDS[CooperationCondition.MobilityType(condition.mobility_type)]
    return MobilitySpec(
        kind=kind,
        sending_hei_id=sending,
        receiving_hei_id=receiving,
        sending_ounit_id=_ounit(condition.sending_ounit, covered.get(condition.sending_hei_id)),
        receiving_ounit_id=_ounit(condition.receiving_ounit, covered.get(condition.receiving_hei_id)),
        first_academic_year=condition.receiving_first_academic_year_id,
        last_academic_year=last,
        mobilities_per_year=condition.mobilities_per_year or None,
        language_skills=_skills(condition.recommended_language_skills),
        subject_areas=_areas(condition.subject_areas),
        other_info_terms=condition.other_info_en or condition.other_info_ja,
        total_months_per_year=Decimal(condition.total_months_per_year)
        if kind.is_student and condition.total_months_per_year is not None
        else None,
        blended=condition.blended,
        eqf_levels=tuple(
            int(level)
            for level in condition.eqf_levels or ()
            if str(level).isdigit() and 1 <= int(level) <= 8
        )
        if kind is MobilityKind.STUDENT_STUDIES
        else (),
        total_days_per_year=Decimal(condition.total_days_per_year)
        if not kind.is_student and condition.total_days_per_year is not None
        else None,
    )


def _partner(party: AgreementParty, *, hei_id: str, iia_id: str, covered: Organisation | None) -> IiaPartner:
    contact = None
    if party.signatory_name:
        contact = Contact(
            names=(Text(party.signatory_name),),
            role=(Text(party.signatory_title),) if party.signatory_title else (),
        )
    return IiaPartner(
        hei_id=hei_id,
        iia_id=iia_id,
        iia_code=party.iia_code,
        ounit_id=_ounit(party.unit, covered),
        signing_contact=contact,
        signing_date=party.signed_on,
    )


def _versions(owner: Organisation, reader: Actor | None) -> list[AgreementVersion]:
    """The current signed version of each agreement the owner holds, as `reader` may see them
    (anonymous: public agreements only; None: the system, every agreement)."""
    versions_seen: QuerySet[AgreementVersion] = AgreementVersion.objects.all()
    agreements_seen: QuerySet[Agreement] = Agreement.objects.all()
    if reader is not None:
        versions_seen = policy.visible(reader, versions_seen)
        agreements_seen = policy.visible(reader, agreements_seen)
    versions = (
        versions_seen.filter(
            agreement__owner=owner, agreement__in=agreements_seen, status__in=agreement_rules.SIGNED_STATES
        )
        .select_related("agreement")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=AgreementParty.objects.select_related("organisation", "unit").prefetch_related(
                    Prefetch(
                        "organisation__identifiers", queryset=Identifier.objects.order_by("scheme", "value")
                    )
                ),
            ),
            Prefetch(
                "conditions",
                queryset=CooperationCondition.objects.select_related(
                    "sending_hei", "receiving_hei", "sending_ounit", "receiving_ounit"
                ).prefetch_related(
                    Prefetch(
                        "sending_hei__identifiers", queryset=Identifier.objects.order_by("scheme", "value")
                    ),
                    Prefetch(
                        "receiving_hei__identifiers", queryset=Identifier.objects.order_by("scheme", "value")
                    ),
                ),
            ),
        )
        .order_by("agreement__key", "-number")
    )
    latest: dict[int, AgreementVersion] = {}
    for version in versions:
        latest.setdefault(version.agreement_id, version)
    return list(latest.values())


def iia_of(version: AgreementVersion, covered: dict[int, Organisation]) -> Iia | None:
    """The IIA a signed, public version states, or None when it cannot be one (see the docstring)."""
    owner_id = version.agreement.owner_id
    parties = sorted(version.parties.all(), key=lambda p: (p.organisation_id != owner_id, p.sort_order, p.pk))
    conditions = sorted(version.conditions.all(), key=lambda c: (c.sort_order, c.pk))
    if len(parties) != 2 or parties[0].organisation_id != owner_id or not conditions:
        return None
    hei_ids = [partner_hei_id(p.organisation) for p in parties]
    if not all(hei_ids):
        return None
    specs = [_spec(condition, version, covered) for condition in conditions]
    if not all(specs):
        return None
    first = _partner(
        parties[0], hei_id=hei_ids[0], iia_id=str(version.agreement.iia_id), covered=covered.get(owner_id)
    )
    second = _partner(parties[1], hei_id=hei_ids[1], iia_id="", covered=None)
    return Iia(
        partners=(first, second),
        in_effect=version.status in agreement_rules.SIGNED_STATES,
        conditions=tuple(spec for spec in specs if spec is not None),
        terminated_as_a_whole=version.status == AgreementVersion.Status.TERMINATED,
        is_sample=version.agreement.is_sample,
    )


def iias(hei_id: str, iia_ids: Iterable[str] | None, *, reader: Actor | None = registry.PUBLIC) -> list[Iia]:
    """The signed IIAs of a covered HEI that `reader` may see (by default the public: public agreements
    only; None: all of them, for checking every agreement), all or those with the given iia-ids."""
    covered_by_id = registry.covered_heis()
    owner = covered_by_id.get(hei_id)
    if owner is None:
        return []
    covered = {organisation.pk: organisation for organisation in covered_by_id.values()}
    wanted = None if iia_ids is None else set(iia_ids)
    found = []
    for version in _versions(owner, reader):
        if wanted is not None and str(version.agreement.iia_id) not in wanted:
            continue
        iia = iia_of(version, covered)
        if iia is not None:
            found.append(iia)
    return found


def approvals(hei_id: str, iia_ids: Iterable[str] | None) -> list[Approval]:
    """Approvals `hei_id` gave to partners' IIAs: none can be stated (see the module docstring)."""
    return []
