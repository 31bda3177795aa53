"""Partnerships in the v1 API: the partner × unit matrix, partnerships with their teams and
activities, agreements with their versions (signed ones only for the public, and only when the owner
publishes the agreement), and staff writes of activities through the services."""

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from renkei.api import auth
from renkei.api.catalog_inputs import LongText, ShortText, WriteSchema
from renkei.api.paging import PageOut, page_body
from renkei.api.writes import IdempotencyKeyHeader, assign, by_keys, respond, unknown, write_operation
from renkei.core import policy
from renkei.core.keys import KEY_PATTERN
from renkei.core.messages import Msg
from renkei.core.pagination import CursorParams, cursor, keyset_page
from renkei.core.params import Optional, choice, integer, pattern
from renkei.organisations.models import Organisation
from renkei.partnerships import selectors, services
from renkei.partnerships.models import (
    Activity,
    AgreementVersion,
    Basis,
    FundApplication,
    JointDegreeFigure,
    JointDegreePartner,
    JointFund,
    MobilityFigure,
    Partnership,
    Qualifier,
    TeamMember,
)
from renkei.partnerships.params import (
    FundFilter,
    JointDegreeFigureFilter,
    JointDegreeFilter,
    MatrixFilter,
    MobilityFilter,
    NetworkProjectFilter,
)

router = Router(tags=["partnerships"])

PartnershipCursor = Annotated[str, *cursor(selectors.PARTNERSHIP_KEYSET.name)]
PartnershipKey = Annotated[
    str, *pattern(KEY_PATTERN, max_chars=120, description="A partnership's key.", examples=["utokyo-ntu-tw"])
]
AgreementKey = Annotated[
    str,
    *pattern(
        KEY_PATTERN, max_chars=120, description="An agreement's key.", examples=["utokyo-snu-strategic-mou"]
    ),
]


class PhaseOut(Schema):
    number: int
    name_ja: str
    name_en: str
    starts_on: dt.date
    ends_on: dt.date | None
    stated_partners: int | None
    stated_primary: int | None
    stated_prospective: int | None


class UnitColumn(Schema):
    code: str
    key: str
    name_ja: str
    name_en: str
    total: int


class MatrixPartner(Schema):
    partnership: str
    partner: str
    name_ja: str
    name_en: str
    tier: str
    units: list[str]
    lead_unit: str | None
    total: int


class MatrixOut(Schema):
    home: str | None
    phase: PhaseOut | None
    tier_counts: dict[str, int]
    units: list[UnitColumn]
    partners: list[MatrixPartner]
    total: int


@router.get("/partnerships/matrix", response=MatrixOut, operation_id="partnerships_matrix")
def partnerships_matrix(request: HttpRequest, params: Query[MatrixFilter]) -> dict[str, Any]:
    """Partners (with their tier in the phase) × the home side's participating units, with totals:
    the same table as the matrix page and its CSV."""
    result = selectors.matrix(user=request.user, phase=params.phase, tier=params.tier)
    return {
        "home": result.home.key if result.home else None,
        "phase": result.phase,
        "tier_counts": result.tier_counts,
        "units": [
            {"code": u.code, "key": u.key, "name_ja": u.name_ja, "name_en": u.name_en, "total": n}
            for u, n in result.totals_row
        ],
        "partners": [
            {
                "partnership": row.partnership.key,
                "partner": row.partnership.partner.key,
                "name_ja": row.partnership.partner.name_ja,
                "name_en": row.partnership.partner.name_en,
                "tier": row.tier,
                "units": [u.code for u, flag in flags if flag],
                "lead_unit": row.lead or None,
                "total": row.total,
            }
            for row, flags in result.cells()
        ],
        "total": result.total,
    }


# --- joint funds, joint degrees, network projects (lists, before `/partnerships/{key}`) -------------

FundCursor = Annotated[str, *cursor(selectors.FUND_KEYSET.name)]
JointDegreeCursor = Annotated[str, *cursor(selectors.JOINT_DEGREE_KEYSET.name)]
JointDegreePartnerCursor = Annotated[str, *cursor(selectors.JOINT_DEGREE_PARTNER_KEYSET.name)]
JointDegreeFigureCursor = Annotated[str, *cursor(selectors.JOINT_DEGREE_FIGURE_KEYSET.name)]
NetworkProjectCursor = Annotated[str, *cursor(selectors.NETWORK_PROJECT_KEYSET.name)]
MobilityCursor = Annotated[str, *cursor(selectors.MOBILITY_KEYSET.name)]
SAMPLE = "Sample data made up for the demo, not from a source."


class FundApplicationOut(Schema):
    title_ja: str
    title_en: str
    lead_researcher: str
    lead_unit: str | None
    partner_researcher: str
    partner_unit: str
    outcome: str = Field(
        description="submitted, funded, not_funded or withdrawn (the public sees funded only)."
    )
    amount_yen: int | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    project_status: str
    outputs_ja: str
    outputs_en: str
    is_sample: bool = Field(description=SAMPLE)


class FundCallOut(Schema):
    number: int
    title_ja: str
    title_en: str
    opens_on: dt.date | None
    deadline: dt.date | None
    budget_yen: int | None
    is_sample: bool = Field(description=SAMPLE)
    applications: list[FundApplicationOut] = Field(
        description="The applications the caller may see: all of them for the home's users, the funded projects for everyone else."
    )


class FundOut(Schema):
    key: str
    partnership: str
    partner: str
    name_ja: str
    name_en: str
    governance_ja: str
    governance_en: str
    started_on: dt.date | None
    started_precision: str
    declared_calls: int | None = Field(description="Calls as a source declares them (not counted).")
    declared_projects: int | None = Field(
        description="Funded projects as a source declares them (not counted)."
    )
    declared_note_ja: str
    calls: list[FundCallOut] = Field(description="The calls recorded (counted), oldest first.")
    funded_projects: int = Field(description="Funded projects recorded (counted) in the calls shown.")
    is_sample: bool = Field(description=SAMPLE)
    source: str | None


class FundPage(PageOut):
    items: list[FundOut]


class FundListQuery(FundFilter, CursorParams):
    cursor: FundCursor | Optional = None


def _fund_out(request: HttpRequest, fund: JointFund) -> dict[str, Any]:
    calls = []
    funded = 0
    for call in selectors.fund_calls(user=request.user, fund=fund):
        applications = selectors.fund_applications(user=request.user, call=call)
        funded += sum(1 for a in applications if a.outcome == FundApplication.Outcome.FUNDED)
        calls.append(
            {
                "number": call.number,
                "title_ja": call.title_ja,
                "title_en": call.title_en,
                "opens_on": call.opens_on,
                "deadline": call.deadline,
                "budget_yen": call.budget_yen,
                "is_sample": call.is_sample,
                "applications": [
                    {
                        "title_ja": a.title_ja,
                        "title_en": a.title_en,
                        "lead_researcher": a.lead_researcher,
                        "lead_unit": a.lead_unit.key if a.lead_unit else None,
                        "partner_researcher": a.partner_researcher,
                        "partner_unit": a.partner_unit,
                        "outcome": a.outcome,
                        "amount_yen": a.amount_yen,
                        "starts_on": a.starts_on,
                        "ends_on": a.ends_on,
                        "project_status": a.project_status,
                        "outputs_ja": a.outputs_ja,
                        "outputs_en": a.outputs_en,
                        "is_sample": a.is_sample,
                    }
                    for a in applications
                ],
            }
        )
    return {
        "key": fund.key,
        "partnership": fund.partnership.key,
        "partner": fund.partnership.partner.key,
        "name_ja": fund.name_ja,
        "name_en": fund.name_en,
        "governance_ja": fund.governance_ja,
        "governance_en": fund.governance_en,
        "started_on": fund.started_on,
        "started_precision": fund.started_precision,
        "declared_calls": fund.declared_calls,
        "declared_projects": fund.declared_projects,
        "declared_note_ja": fund.declared_note_ja,
        "calls": calls,
        "funded_projects": funded,
        "is_sample": fund.is_sample,
        "source": fund.source.code if fund.source_id else None,
    }


@router.get("/partnerships/funds", response=FundPage, operation_id="partnerships_funds")
def partnerships_funds(request: HttpRequest, params: Query[FundListQuery]) -> dict[str, Any]:
    """Joint funds with their governance, calls and funded projects: a source's declared counts (e.g.
    9 calls, 29 projects) beside the calls and projects recorded. The public sees the funds of published
    partnerships and only the funded applications; the home's users see every application."""
    page = keyset_page(
        selectors.fund_list(user=request.user, partnership=params.partnership),
        selectors.FUND_KEYSET,
        cursor=params.cursor,
        limit=params.limit,
    )
    return page_body(request, page, [_fund_out(request, f) for f in page.items])


class JointDegreePartnerOut(Schema):
    partner: str
    name_ja: str
    name_en: str
    country: str
    kind: str = Field(description="jsd, dd or jsd_dd (the memorandum's kind).")
    program: str | None = Field(
        description="The program, or null when the source names the institution's programs as a whole."
    )


class JointDegreeFigureOut(Schema):
    owner: str
    program: str | None = Field(description="Null: a figure of all the institution's programs.")
    fiscal_year: int
    metric: str
    value: int
    basis: str = Field(description="counted (records) or declared (as a source states it).")
    qualifier: str
    stated_as: str
    source: str | None


class JointDegreeOut(Schema):
    key: str
    owner: str
    name_ja: str
    name_en: str
    field_ja: str
    field_en: str
    home_units: list[str]
    note_ja: str
    note_en: str
    partners: list[JointDegreePartnerOut]
    figures: list[JointDegreeFigureOut]
    is_sample: bool = Field(description=SAMPLE)
    source: str | None


class JointDegreePage(PageOut):
    items: list[JointDegreeOut]


class JointDegreeListQuery(JointDegreeFilter, CursorParams):
    cursor: JointDegreeCursor | Optional = None


def _jd_partner_out(p: JointDegreePartner) -> dict[str, Any]:
    return {
        "partner": p.partner.key,
        "name_ja": p.partner.name_ja,
        "name_en": p.partner.name_en,
        "country": p.partner.country,
        "kind": p.kind,
        "program": p.program.key if p.program else None,
    }


def _jd_figure_out(f: JointDegreeFigure) -> dict[str, Any]:
    return {
        "owner": f.owner.key,
        "program": f.program.key if f.program else None,
        "fiscal_year": f.fiscal_year,
        "metric": f.metric,
        "value": f.value,
        "basis": f.basis,
        "qualifier": f.qualifier,
        "stated_as": f.stated_as,
        "source": f.source.code if f.source_id else None,
    }


@router.get(
    "/partnerships/joint-degrees", response=JointDegreePage, operation_id="partnerships_joint_degrees"
)
def partnerships_joint_degrees(request: HttpRequest, params: Query[JointDegreeListQuery]) -> dict[str, Any]:
    """Joint / double-degree programs (e.g. Tohoku's 国際共同大学院) with their field, home units, the
    partner universities of each program and its figures; the institution's partners and figures not
    tied to one program are in `/partnerships/joint-degrees/figures` and on each program's owner."""
    page = keyset_page(
        selectors.joint_degree_list(user=request.user, owner=params.owner),
        selectors.JOINT_DEGREE_KEYSET,
        cursor=params.cursor,
        limit=params.limit,
    )
    items = []
    for program in page.items:
        partners = selectors.joint_degree_partners(user=request.user, owner=program.owner)
        figures = selectors.joint_degree_figure_list(user=request.user, program=program.key)
        items.append(
            {
                "key": program.key,
                "owner": program.owner.key,
                "name_ja": program.name_ja,
                "name_en": program.name_en,
                "field_ja": program.field_ja,
                "field_en": program.field_en,
                "home_units": [u.key for u in program.home_units.all()],
                "note_ja": program.note_ja,
                "note_en": program.note_en,
                "partners": [_jd_partner_out(p) for p in partners if p.program_id == program.pk],
                "figures": [_jd_figure_out(f) for f in figures],
                "is_sample": program.is_sample,
                "source": program.source.code if program.source_id else None,
            }
        )
    return page_body(request, page, items)


class JointDegreeFigurePage(PageOut):
    items: list[JointDegreeFigureOut]


class JointDegreeFigureListQuery(JointDegreeFigureFilter, CursorParams):
    cursor: JointDegreeFigureCursor | Optional = None


@router.get(
    "/partnerships/joint-degrees/figures",
    response=JointDegreeFigurePage,
    operation_id="partnerships_joint_degree_figures",
)
def partnerships_joint_degree_figures(
    request: HttpRequest, params: Query[JointDegreeFigureListQuery]
) -> dict[str, Any]:
    """Enrolment, graduates, own funding, programs and partner universities per fiscal year, of one
    program or (program null) of all an institution's programs; declared figures say so (`basis`)."""
    page = keyset_page(
        selectors.joint_degree_figure_list(
            user=request.user,
            owner=params.owner,
            program=params.program,
            metric=params.metric,
            fiscal_year=params.fiscal_year,
        ),
        selectors.JOINT_DEGREE_FIGURE_KEYSET,
        cursor=params.cursor,
        limit=params.limit,
    )
    return page_body(request, page, [_jd_figure_out(f) for f in page.items])


class JointDegreePartnerPage(PageOut):
    items: list[JointDegreePartnerOut]


class JointDegreePartnerListQuery(JointDegreeFilter, CursorParams):
    cursor: JointDegreePartnerCursor | Optional = None


@router.get(
    "/partnerships/joint-degrees/partners",
    response=JointDegreePartnerPage,
    operation_id="partnerships_joint_degree_partners",
)
def partnerships_joint_degree_partners(
    request: HttpRequest, params: Query[JointDegreePartnerListQuery]
) -> dict[str, Any]:
    """Partner universities under JSD/DD memoranda, in the source's order: of one program, or (program
    null) of the institution's programs as a whole when the source does not say which."""
    page = keyset_page(
        selectors.joint_degree_partner_list(user=request.user, owner=params.owner),
        selectors.JOINT_DEGREE_PARTNER_KEYSET,
        cursor=params.cursor,
        limit=params.limit,
    )
    return page_body(request, page, [_jd_partner_out(p) for p in page.items])


class NetworkProjectOut(Schema):
    network: str
    key: str
    lead: str
    lead_name_ja: str
    lead_name_en: str
    title_ja: str
    title_en: str
    summary_ja: str
    summary_en: str
    source: str | None


class NetworkProjectPage(PageOut):
    items: list[NetworkProjectOut]


class NetworkProjectListQuery(NetworkProjectFilter, CursorParams):
    cursor: NetworkProjectCursor | Optional = None


@router.get(
    "/partnerships/network-projects",
    response=NetworkProjectPage,
    operation_id="partnerships_network_projects",
)
def partnerships_network_projects(
    request: HttpRequest, params: Query[NetworkProjectListQuery]
) -> dict[str, Any]:
    """Projects run inside forums and national networks (大学の国際化促進フォーラム), as the network
    pages list them."""
    page = keyset_page(
        selectors.network_project_list(user=request.user, network=params.network),
        selectors.NETWORK_PROJECT_KEYSET,
        cursor=params.cursor,
        limit=params.limit,
    )
    items = [
        {
            "network": p.network.key,
            "key": p.key,
            "lead": p.lead.key,
            "lead_name_ja": p.lead.name_ja,
            "lead_name_en": p.lead.name_en,
            "title_ja": p.title_ja,
            "title_en": p.title_en,
            "summary_ja": p.summary_ja,
            "summary_en": p.summary_en,
            "source": p.source.code if p.source_id else None,
        }
        for p in page.items
    ]
    return page_body(request, page, items)


class TeamMemberOut(Schema):
    unit: str
    code: str
    name_ja: str
    name_en: str
    is_lead: bool
    joined_on: dt.date | None


class TierOut(Schema):
    phase: int
    tier: str


class PartnershipOut(Schema):
    key: str
    home: str
    partner: str
    partner_name_ja: str
    partner_name_en: str
    summary_ja: str
    summary_en: str
    how_it_works_ja: str
    how_it_works_en: str
    started_on: dt.date | None
    started_precision: str
    tiers: list[TierOut]
    team: list[TeamMemberOut]
    source: str | None


class PartnershipPage(PageOut):
    items: list[PartnershipOut]


def _partnership_out(request: HttpRequest, p: Partnership) -> dict[str, Any]:
    return {
        "key": p.key,
        "home": p.home.key,
        "partner": p.partner.key,
        "partner_name_ja": p.partner.name_ja,
        "partner_name_en": p.partner.name_en,
        "summary_ja": p.summary_ja,
        "summary_en": p.summary_en,
        "how_it_works_ja": p.how_it_works_ja,
        "how_it_works_en": p.how_it_works_en,
        "started_on": p.started_on,
        "started_precision": p.started_precision,
        "tiers": [
            {"phase": t.phase.number, "tier": t.tier}
            for t in policy.visible(request.user, p.tiers.select_related("phase"))
        ],
        "team": [
            {
                "unit": m.unit.key,
                "code": m.unit.code,
                "name_ja": m.unit.name_ja,
                "name_en": m.unit.name_en,
                "is_lead": m.is_lead,
                "joined_on": m.joined_on,
            }
            for m in policy.visible(request.user, p.team.select_related("unit"))
        ],
        "source": p.source.code if p.source_id else None,
    }


class PartnershipListQuery(CursorParams):
    cursor: PartnershipCursor | Optional = None


@router.get("/partnerships", response=PartnershipPage, operation_id="partnerships_list")
def partnerships_list(request: HttpRequest, params: Query[PartnershipListQuery]) -> dict[str, Any]:
    """Strategic partnerships the caller may see (published ones for everyone), with tiers and teams."""
    page = keyset_page(
        selectors.partnership_list(user=request.user),
        selectors.PARTNERSHIP_KEYSET,
        cursor=params.cursor,
        limit=params.limit,
    )
    return page_body(request, page, [_partnership_out(request, p) for p in page.items])


class ActivityOut(Schema):
    key: str
    kind: str
    title_ja: str
    title_en: str
    starts_on: dt.date
    date_precision: str
    ends_on: dt.date | None
    host: str
    mode: str
    participants: int | None
    participants_qualifier: str
    is_sample: bool


class PartnershipDetailOut(PartnershipOut):
    activities: list[ActivityOut]


@router.get("/partnerships/{key}", response=PartnershipDetailOut, operation_id="partnerships_detail")
def partnerships_detail(request: HttpRequest, key: PartnershipKey) -> dict[str, Any]:
    partnership = selectors.partnership_get(user=request.user, key=key)
    activities = list(policy.visible(request.user, partnership.activities.all()))
    return _partnership_out(request, partnership) | {"activities": activities}


class MobilityFigureOut(Schema):
    fiscal_year: int | None = Field(description="Null: a typical year, as a source declares it.")
    direction: str
    category: str
    count: int
    basis: str = Field(
        description="counted (records) or declared (as a source states it); never added together."
    )
    qualifier: str = Field(description="exact, about, over or under (a declared 'about 100').")
    note_ja: str
    note_en: str
    agreement: str | None = Field(description="The agreement the flow counts against (its key).")
    is_sample: bool = Field(description=SAMPLE)


class MobilityPage(PageOut):
    items: list[MobilityFigureOut]


class MobilityListQuery(MobilityFilter, CursorParams):
    cursor: MobilityCursor | Optional = None


@router.get("/partnerships/{key}/mobility", response=MobilityPage, operation_id="partnerships_mobility")
def partnerships_mobility(
    request: HttpRequest, key: PartnershipKey, params: Query[MobilityListQuery]
) -> dict[str, Any]:
    """A partnership's mobility figures by fiscal year, direction and category. Counted figures
    (`basis` counted) and what a source declares ('about 100 a year', `basis` declared, often with no
    fiscal year) are separate rows, never added together; filter by `basis` to keep one kind."""
    partnership = selectors.partnership_get(user=request.user, key=key)
    page = keyset_page(
        selectors.mobility_list(
            user=request.user,
            partnership=partnership,
            direction=params.direction,
            category=params.category,
            fiscal_year=params.fiscal_year,
            basis=params.basis,
        ),
        selectors.MOBILITY_KEYSET,
        cursor=params.cursor,
        limit=params.limit,
    )
    items = [
        {
            "fiscal_year": f.fiscal_year,
            "direction": f.direction,
            "category": f.category,
            "count": f.count,
            "basis": f.basis,
            "qualifier": f.qualifier,
            "note_ja": f.note_ja,
            "note_en": f.note_en,
            "agreement": f.agreement.key if f.agreement_id else None,
            "is_sample": f.is_sample,
        }
        for f in page.items
    ]
    return page_body(request, page, items)


class HealthReasonOut(Schema):
    points: int = Field(description="What the reason adds to or takes from the score.")
    message_ja: str
    message_en: str


class HealthOut(Schema):
    partnership: str
    score: int = Field(
        description="0-100, from activities, flows against quota, funded projects and agreements."
    )
    band: str = Field(description="good (75 and over), watch (50-74) or poor (below 50).")
    dormant: bool = Field(description="No activity and no contact in the last 24 months.")
    reasons: list[HealthReasonOut]


@router.get("/partnerships/{key}/health", response=HealthOut, operation_id="partnerships_health")
def partnerships_health(request: HttpRequest, key: PartnershipKey) -> dict[str, Any]:
    """A partnership's health score with the reasons that make it, as its page and the staff dashboard
    show them: for the home institution's editors only (403 for everyone else, as the page shows it
    to them alone)."""
    partnership = selectors.partnership_get(user=request.user, key=key)
    if not policy.can(request.user, "change", partnership):
        raise PermissionDenied  # the partnership's page shows its health to the home's staff only
    health = selectors.partnership_health(user=request.user, partnership=partnership)
    return {
        "partnership": partnership.key,
        "score": health.score,
        "band": health.band,
        "dormant": health.dormant,
        "reasons": [
            {"points": r.points, "message_ja": r.message.ja, "message_en": r.message.en}
            for r in health.reasons
        ],
    }


class PartyOut(Schema):
    organisation: str
    unit: str | None
    signatory_name: str
    signed_on: dt.date | None


class ConditionOut(Schema):
    mobility_type: str
    sending_hei: str
    sending_ounit: str | None
    receiving_hei: str
    receiving_ounit: str | None
    receiving_first_academic_year_id: str
    receiving_last_academic_year_id: str
    mobilities_per_year: int | None
    total_months_per_year: float | None
    total_days_per_year: float | None
    subject_areas: list[str]
    eqf_levels: list[int]
    recommended_language_skills: list[dict[str, str]]
    blended: bool


class AgreementVersionOut(Schema):
    number: int
    previous: int | None
    change: str
    status: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    signed_on: dt.date | None
    date_precision: str
    scope_ja: str
    scope_en: str
    parties: list[PartyOut]
    conditions: list[ConditionOut]


class AgreementOut(Schema):
    key: str
    kind: str
    title_ja: str
    title_en: str
    owner: str
    partnership: str | None
    iia_id: str
    is_sample: bool
    versions: list[AgreementVersionOut]


def _version_out(v: AgreementVersion) -> dict[str, Any]:
    return {
        "number": v.number,
        "previous": v.previous.number if v.previous else None,
        "change": v.change,
        "status": v.status,
        "valid_from": v.valid_from,
        "valid_until": v.valid_until,
        "signed_on": v.signed_on,
        "date_precision": v.date_precision,
        "scope_ja": v.scope_ja,
        "scope_en": v.scope_en,
        "parties": [
            {
                "organisation": p.organisation.key,
                "unit": p.unit.key if p.unit else None,
                "signatory_name": p.signatory_name,
                "signed_on": p.signed_on,
            }
            for p in v.parties.all()
        ],
        "conditions": [
            {
                "mobility_type": c.mobility_type,
                "sending_hei": c.sending_hei.key,
                "sending_ounit": c.sending_ounit.key if c.sending_ounit_id else None,
                "receiving_hei": c.receiving_hei.key,
                "receiving_ounit": c.receiving_ounit.key if c.receiving_ounit_id else None,
                "receiving_first_academic_year_id": c.receiving_first_academic_year_id,
                "receiving_last_academic_year_id": c.receiving_last_academic_year_id,
                "mobilities_per_year": c.mobilities_per_year,
                "total_months_per_year": c.total_months_per_year,
                "total_days_per_year": c.total_days_per_year,
                "subject_areas": c.subject_areas,
                "eqf_levels": c.eqf_levels,
                "recommended_language_skills": c.recommended_language_skills,
                "blended": c.blended,
            }
            for c in v.conditions.all()
        ],
    }


@router.get("/partnerships/agreements/{key}", response=AgreementOut, operation_id="partnerships_agreement")
def partnerships_agreement(request: HttpRequest, key: AgreementKey) -> dict[str, Any]:
    """An agreement with the versions the caller may see (the public sees signed versions of the
    agreements their owner publishes)."""
    agreement = selectors.agreement_get(user=request.user, key=key)
    versions = selectors.agreement_versions(user=request.user, agreement=agreement)
    return {
        "key": agreement.key,
        "kind": agreement.kind,
        "title_ja": agreement.title_ja,
        "title_en": agreement.title_en,
        "owner": agreement.owner.key,
        "partnership": agreement.partnership.key if agreement.partnership else None,
        "iia_id": str(agreement.iia_id),
        "is_sample": agreement.is_sample,
        "versions": [_version_out(v) for v in versions],
    }


# --- staff writes ---------------------------------------------------------------------------------

ActivityKey = Annotated[
    str, *pattern(KEY_PATTERN, max_chars=120, description="The activity's key within the partnership.")
]
ActivityKind = Annotated[str, *choice(Activity.Kind.values)]
ActivityHost = Annotated[str, *choice(["", *Activity.Host.values])]
ActivityMode = Annotated[str, *choice(["", *Activity.Mode.values])]
Precision = Annotated[str, *choice(["day", "month", "year", "fy"])]
Participants = Annotated[int, *integer(ge=0, le=10_000_000, description="Participants in all.")]


class ActivityIn(WriteSchema):
    """A new activity of a partnership (symposium, workshop, visit …)."""

    key: ActivityKey
    kind: ActivityKind
    title_ja: ShortText = Field(min_length=1, examples=["合同シンポジウム"])
    title_en: ShortText | Optional = None
    starts_on: dt.date
    date_precision: Precision | Optional = None
    ends_on: dt.date | None = None
    host: ActivityHost | Optional = None
    mode: ActivityMode | Optional = None
    theme_ja: ShortText | Optional = None
    theme_en: ShortText | Optional = None
    outcomes_ja: LongText | Optional = None
    outcomes_en: LongText | Optional = None
    participants: Participants | None = None


@router.post(
    "/partnerships/{key}/activities",
    response={201: ActivityOut},
    auth=auth.WRITE,
    operation_id="partnerships_activity_create",
    summary="Record an activity of a partnership",
)
@write_operation
def partnerships_activity_create(
    request: HttpRequest,
    key: PartnershipKey,
    payload: ActivityIn,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    """Editors of the partnership's home institution record its activities. 409 when the key is taken."""
    partnership = selectors.partnership_get(user=request.user, key=key)
    activity = Activity(partnership=partnership)
    for name, value in payload.given().items():
        setattr(activity, name, value)
    services.activity_save(activity=activity, actor=request.user)
    location = reverse("api-v1:partnerships_detail", kwargs={"key": partnership.key})
    return respond(ActivityOut, activity, status=201, location=location)


# --- the agreement lifecycle (ADR 0008) through the services ---------------------------------------

VersionNumber = Annotated[
    int, *integer(ge=1, le=1000, description="The version's number within the agreement.")
]
LifecycleStatus = Annotated[str, *choice(AgreementVersion.Status.values)]
Signatory = Annotated[str, Field(max_length=200)]


def _version_response(version: AgreementVersion, *, status: int = 200) -> HttpResponse:
    version = AgreementVersion.objects.select_related("agreement", "previous").get(pk=version.pk)
    location = reverse("api-v1:partnerships_agreement", kwargs={"key": version.agreement.key})
    return respond(AgreementVersionOut, _version_out(version), status=status, location=location)


class TransitionIn(WriteSchema):
    """Move a version along the review steps (draft, internal review, with the partner, withdrawn);
    signing, amending, renewing and terminating have their own operations."""

    status: LifecycleStatus


@router.post(
    "/partnerships/agreements/{key}/versions/{number}/transition",
    response={200: AgreementVersionOut},
    auth=auth.WRITE,
    operation_id="partnerships_agreement_transition",
    summary="Move an agreement version along the lifecycle",
)
@write_operation
def partnerships_agreement_transition(
    request: HttpRequest,
    key: AgreementKey,
    number: VersionNumber,
    payload: TransitionIn,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    """A refused move (not in the lifecycle table) is a 422 naming the rule, in ja or en."""
    version = selectors.agreement_version_get(user=request.user, key=key, number=number)
    services.agreement_transition(version=version, status=payload.status, actor=request.user)
    return _version_response(version)


class SignatureIn(WriteSchema):
    organisation: Annotated[
        str, *pattern(KEY_PATTERN, max_chars=120, description="The party's organisation.")
    ]
    signed_on: dt.date
    signatory_name: Signatory | Optional = None


class SignIn(WriteSchema):
    """The parties' signatures (each party's signing date) not recorded yet; the version is signed when
    every party has signed and it has a start date."""

    signatures: list[SignatureIn] = Field(default_factory=list, max_length=50)


@router.post(
    "/partnerships/agreements/{key}/versions/{number}/sign",
    response={200: AgreementVersionOut},
    auth=auth.WRITE,
    operation_id="partnerships_agreement_sign",
    summary="Record an agreement version as signed",
)
@write_operation
def partnerships_agreement_sign(
    request: HttpRequest,
    key: AgreementKey,
    number: VersionNumber,
    payload: SignIn,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    """From now on the version is immutable; the version it replaces becomes amended or renewed."""
    version = selectors.agreement_version_get(user=request.user, key=key, number=number)
    with transaction.atomic():
        parties = {p.organisation.key: p for p in version.parties.all()}
        unknown_keys = {s.organisation for s in payload.signatures} - set(parties)
        if unknown_keys:
            raise unknown("signatures", unknown_keys, Msg("この版の当事者", "party of this version"))
        for signature in payload.signatures:
            party = parties[signature.organisation]
            party.signed_on = signature.signed_on
            if signature.signatory_name:
                party.signatory_name = signature.signatory_name
            services.agreement_party_save(agreement_party=party, actor=request.user)
        services.agreement_sign(version=version, actor=request.user)
    return _version_response(version)


class AmendIn(WriteSchema):
    """What the amendment changes; everything else is carried over from the signed version."""

    change_summary_ja: LongText = Field(min_length=1, examples=["受入人数を年3名に変更"])
    change_summary_en: LongText | Optional = None
    scope_ja: LongText | Optional = None
    scope_en: LongText | Optional = None
    intended_outcomes_ja: LongText | Optional = None
    intended_outcomes_en: LongText | Optional = None
    valid_until: dt.date | None = None


@router.post(
    "/partnerships/agreements/{key}/versions/{number}/amend",
    response={201: AgreementVersionOut},
    auth=auth.WRITE,
    operation_id="partnerships_agreement_amend",
    summary="Draft an amendment of a signed agreement version",
)
@write_operation
def partnerships_agreement_amend(
    request: HttpRequest,
    key: AgreementKey,
    number: VersionNumber,
    payload: AmendIn,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    """A new draft version linked to this one (parties to sign again, conditions carried over)."""
    version = selectors.agreement_version_get(user=request.user, key=key, number=number)
    new = services.agreement_amend(version=version, actor=request.user, changes=payload.given())
    return _version_response(new, status=201)


class RenewIn(WriteSchema):
    """The renewal's new dates; everything else is carried over."""

    valid_from: dt.date
    valid_until: dt.date | None = None
    change_summary_ja: LongText | Optional = None
    change_summary_en: LongText | Optional = None


@router.post(
    "/partnerships/agreements/{key}/versions/{number}/renew",
    response={201: AgreementVersionOut},
    auth=auth.WRITE,
    operation_id="partnerships_agreement_renew",
    summary="Draft a renewal of an agreement version",
)
@write_operation
def partnerships_agreement_renew(
    request: HttpRequest,
    key: AgreementKey,
    number: VersionNumber,
    payload: RenewIn,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    version = selectors.agreement_version_get(user=request.user, key=key, number=number)
    values = payload.given()
    valid_from, valid_until = values.pop("valid_from"), values.pop("valid_until", None)
    new = services.agreement_renew(
        version=version, actor=request.user, valid_from=valid_from, valid_until=valid_until, changes=values
    )
    return _version_response(new, status=201)


class TerminateIn(WriteSchema):
    reason: Annotated[str, Field(max_length=300)] | Optional = None


@router.post(
    "/partnerships/agreements/{key}/versions/{number}/terminate",
    response={200: AgreementVersionOut},
    auth=auth.WRITE,
    operation_id="partnerships_agreement_terminate",
    summary="End a signed agreement version before its term",
)
@write_operation
def partnerships_agreement_terminate(
    request: HttpRequest,
    key: AgreementKey,
    number: VersionNumber,
    payload: TerminateIn,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    """Its content stays as signed; only a signed, live version can be terminated."""
    version = selectors.agreement_version_get(user=request.user, key=key, number=number)
    services.agreement_terminate(version=version, actor=request.user, reason=payload.reason or "")
    return _version_response(version)


# --- mobility figures and team members ---------------------------------------------------------------

FiscalYear = Annotated[int, *integer(ge=1900, le=2100, description="Empty: a typical year.")]
Count = Annotated[int, *integer(ge=0, le=10_000_000, description="People.")]


class MobilityIn(WriteSchema):
    """People moving in one fiscal year, direction and category: counted, or as a source declares it."""

    fiscal_year: FiscalYear | None = None
    direction: Annotated[str, *choice(MobilityFigure.Direction.values)]
    category: Annotated[str, *choice(MobilityFigure.Category.values)]
    count: Count
    basis: Annotated[str, *choice(Basis.values)] | Optional = None
    qualifier: Annotated[str, *choice(Qualifier.values)] | Optional = None
    note_ja: ShortText | Optional = None
    note_en: ShortText | Optional = None


class MobilityOut(Schema):
    fiscal_year: int | None
    direction: str
    category: str
    count: int
    basis: str
    qualifier: str
    note_ja: str
    note_en: str
    is_sample: bool


@router.post(
    "/partnerships/{key}/mobility",
    response={201: MobilityOut},
    auth=auth.WRITE,
    operation_id="partnerships_mobility_create",
    summary="Record a mobility figure of a partnership",
)
@write_operation
def partnerships_mobility_create(
    request: HttpRequest,
    key: PartnershipKey,
    payload: MobilityIn,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    """409/422 when the partnership already has a figure for that year, direction, category and basis."""
    partnership = selectors.partnership_get(user=request.user, key=key)
    figure = MobilityFigure(partnership=partnership)
    assign(figure, payload.given())
    services.mobility_figure_save(mobility_figure=figure, actor=request.user)
    location = reverse("api-v1:partnerships_detail", kwargs={"key": partnership.key})
    return respond(MobilityOut, figure, status=201, location=location)


class TeamMemberIn(WriteSchema):
    """A unit of the home institution joining the partnership's team."""

    unit: Annotated[str, *pattern(KEY_PATTERN, max_chars=120, description="The unit's key.")]
    is_lead: bool = False
    joined_on: dt.date | None = None
    note_ja: ShortText | Optional = None
    note_en: ShortText | Optional = None


@router.post(
    "/partnerships/{key}/team",
    response={201: TeamMemberOut},
    auth=auth.WRITE,
    operation_id="partnerships_team_create",
    summary="Add a unit to a partnership's team",
)
@write_operation
def partnerships_team_create(
    request: HttpRequest,
    key: PartnershipKey,
    payload: TeamMemberIn,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    """The unit must belong to the home institution (a 422 otherwise)."""
    partnership = selectors.partnership_get(user=request.user, key=key)
    values = payload.given()
    (unit,) = by_keys("unit", Organisation, "key", [values.pop("unit")], Msg("部局", "unit"))
    member = TeamMember(partnership=partnership, unit=unit)
    assign(member, values)
    services.team_member_save(team_member=member, actor=request.user)
    location = reverse("api-v1:partnerships_detail", kwargs={"key": partnership.key})
    body = {
        "unit": unit.key,
        "code": unit.code,
        "name_ja": unit.name_ja,
        "name_en": unit.name_en,
        "is_lead": member.is_lead,
        "joined_on": member.joined_on,
    }
    return respond(TeamMemberOut, body, status=201, location=location)
