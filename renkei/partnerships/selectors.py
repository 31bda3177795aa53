"""Reads of partnerships, each starting from the policy's `visible()`: the matrix of partners ×
participating units, a partner's timeline, a unit's partnerships, agreements with their versions,
mobility against quotas, partnership health, renewals due and the map's partners."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from renkei.core import policy
from renkei.core.messages import Msg
from renkei.core.pagination import Key, Keyset
from renkei.core.policy import Actor
from renkei.organisations.models import Organisation
from renkei.partnerships import rules
from renkei.partnerships.health import Health, assess
from renkei.partnerships.models import (
    Activity,
    Agreement,
    AgreementAlert,
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
    Partnership,
    PartnershipTier,
    Phase,
    TeamMember,
    Tier,
)

PARTNERSHIP_KEYSET = Keyset("partnerships", Key("pk"))
TIER_ORDER: dict[str, int] = {Tier.PRIMARY.value: 0, Tier.PROSPECTIVE.value: 1}


def _visible(user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
    return policy.visible(user, queryset)


# --- the matrix -------------------------------------------------------------------------------------


@dataclass
class MatrixRow:
    partnership: Partnership
    tier: str
    codes: set[str]
    lead: str = ""

    @property
    def total(self) -> int:
        return len(self.codes)


@dataclass
class Matrix:
    home: Organisation | None
    phase: Phase | None
    phases: list[Phase]
    tier: str
    rows: list[MatrixRow]
    units: list[Organisation]
    column_totals: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    @property
    def tier_counts(self) -> dict[str, int]:
        counts = {str(value): 0 for value in Tier.values}
        for row in self.rows:
            counts[row.tier] = counts.get(row.tier, 0) + 1
        return counts

    def cells(self) -> list[tuple[MatrixRow, list[tuple[Organisation, bool]]]]:
        return [(row, [(unit, unit.code in row.codes) for unit in self.units]) for row in self.rows]

    @property
    def totals_row(self) -> list[tuple[Organisation, int]]:
        return [(unit, self.column_totals[unit.code]) for unit in self.units]


def matrix(
    *, user: Actor | None, home: str = "utokyo", phase: int | None = None, tier: str | None = None
) -> Matrix:
    """Partners (with their tier in `phase`, by default the latest phase that has tiers) × the home
    side's participating units, with row and column totals. Columns are the units in any visible
    team, in the order they were registered (the source's legend order)."""
    home_org = Organisation.objects.filter(key=home).first()
    phases = list(_visible(user, Phase.objects.filter(home=home_org)).order_by("number"))
    tiered = set(PartnershipTier.objects.filter(phase__in=phases).values_list("phase__number", flat=True))
    if phase is None:
        chosen = next((p for p in reversed(phases) if p.number in tiered), phases[-1] if phases else None)
    else:
        chosen = next((p for p in phases if p.number == phase), None)
    partnerships = _visible(user, Partnership.objects.filter(home=home_org)).select_related("partner")
    tiers = {
        t.partnership_id: t.tier
        for t in _visible(user, PartnershipTier.objects.filter(phase=chosen, partnership__home=home_org))
    }
    team = _visible(user, TeamMember.objects.filter(partnership__home=home_org)).select_related("unit")
    codes: dict[int, set[str]] = defaultdict(set)
    leads: dict[int, str] = {}
    units: dict[int, Organisation] = {}
    for member in team:
        if member.left_on is not None and chosen is not None and member.left_on < chosen.starts_on:
            continue
        codes[member.partnership_id].add(member.unit.code)
        units[member.unit_id] = member.unit
        if member.is_lead:
            leads[member.partnership_id] = member.unit.code
    rows = [
        MatrixRow(p, tiers[p.pk], codes.get(p.pk, set()), leads.get(p.pk, ""))
        for p in partnerships
        if p.pk in tiers and (not tier or tiers[p.pk] == tier)
    ]
    rows.sort(key=lambda row: (TIER_ORDER.get(row.tier, 9), row.partnership.pk))
    columns = sorted(units.values(), key=lambda unit: unit.pk)
    totals = {unit.code: sum(unit.code in row.codes for row in rows) for unit in columns}
    return Matrix(home_org, chosen, phases, tier or "", rows, columns, totals)


def matrix_table(result: Matrix) -> list[list[Any]]:
    """The matrix as rows of cells for CSV and Excel: a header, one row per partner, the totals."""
    header = [_("Partner"), _("Partner (English)"), _("Tier"), *[u.code for u in result.units], _("Total")]
    tiers = dict(Tier.choices)
    body = [
        [
            row.partnership.partner.name_ja,
            row.partnership.partner.name_en,
            str(tiers.get(row.tier, row.tier)),
            *["1" if flag else "" for _unit, flag in flags],
            row.total,
        ]
        for row, flags in result.cells()
    ]
    totals = [_("Total"), "", "", *[result.column_totals[u.code] for u in result.units], result.total]
    return [header, *body, totals]


# --- partnerships, partners, units ------------------------------------------------------------------


def partnership_get(*, user: Actor | None, key: str) -> Partnership:
    return _visible(user, Partnership.objects.all()).select_related("home", "partner", "source").get(key=key)


def partnership_list(*, user: Actor | None) -> models.QuerySet:
    return (
        _visible(user, Partnership.objects.all()).select_related("home", "partner").order_by("home_id", "pk")
    )


TIMELINE_KINDS = {
    "tier": pgettext_lazy("timeline", "tier"),
    "team": pgettext_lazy("timeline", "team"),
    "agreement": pgettext_lazy("timeline", "agreement"),
    "activity": pgettext_lazy("timeline", "activity"),
    "fund": pgettext_lazy("timeline", "fund"),
    "call": pgettext_lazy("timeline", "call"),
    "project": pgettext_lazy("timeline", "project"),
    "figure": pgettext_lazy("timeline", "mobility"),
}


@dataclass
class TimelineEntry:
    on: dt.date
    precision: str
    kind: str  # team, agreement, activity, fund, call, project, figure, tier
    label: str
    detail: str = ""
    url: str = ""
    is_sample: bool = False
    declared: bool = False
    record: Any = None  # the row behind the entry (an activity, for its JSON-LD Event)

    @property
    def kind_label(self) -> str:
        return str(TIMELINE_KINDS.get(self.kind, self.kind))


def partnership_timeline(*, user: Actor | None, partnership: Partnership) -> list[TimelineEntry]:
    """Team, agreements, activities, funds, projects and figures on one timeline, newest first.
    Undated facts (a declared figure for a typical year) come last."""
    entries: list[TimelineEntry] = []
    for tier in _visible(user, partnership.tiers.select_related("phase")):
        entries.append(
            TimelineEntry(
                tier.phase.starts_on, "year", "tier", f"{tier.phase.name}: {tier.get_tier_display()}"
            )
        )
    for member in _visible(user, partnership.team.select_related("unit")):
        if member.joined_on:
            entries.append(
                TimelineEntry(
                    member.joined_on,
                    member.joined_precision,
                    "team",
                    _("%(unit)s joined the team") % {"unit": member.unit.name},
                    member.note_ja if not member.note_en else _note(member),
                )
            )
    versions = _visible(
        user, AgreementVersion.objects.filter(agreement__partnership=partnership).select_related("agreement")
    )
    for version in versions:
        when = version.signed_on or version.valid_from
        if when is None:
            continue
        entries.append(
            TimelineEntry(
                when,
                version.date_precision,
                "agreement",
                f"{version.agreement.title} — {version.get_change_display()} v{version.number}",
                version.get_status_display(),
                url=f"/partnerships/agreements/{version.agreement.key}/",
                is_sample=version.agreement.is_sample,
            )
        )
    for activity in _visible(user, partnership.activities.all()):
        detail = activity.theme or activity.get_kind_display()
        if activity.participants:
            detail += " · " + _participants(activity)
        entries.append(
            TimelineEntry(
                activity.starts_on,
                activity.date_precision,
                "activity",
                activity.title,
                detail,
                is_sample=activity.is_sample,
                record=activity,
            )
        )
    for fund in _visible(user, partnership.funds.all()):
        if fund.started_on:
            entries.append(
                TimelineEntry(fund.started_on, fund.started_precision, "fund", fund.name, fund.governance)
            )
        for call in _visible(user, fund.calls.all()):
            if call.deadline or call.opens_on:
                entries.append(
                    TimelineEntry(
                        call.opens_on or call.deadline,
                        "day",
                        "call",
                        _("Call %(n)d") % {"n": call.number} + (f": {call.title}" if call.title else ""),
                        is_sample=call.is_sample,
                    )
                )
    projects = _visible(user, FundApplication.objects.filter(call__fund__partnership=partnership))
    for project in projects.filter(outcome=FundApplication.Outcome.FUNDED):
        if project.starts_on:
            entries.append(
                TimelineEntry(
                    project.starts_on,
                    "day",
                    "project",
                    project.title,
                    project.lead_researcher,
                    is_sample=project.is_sample,
                )
            )
    for figure in _visible(user, partnership.mobility.filter(basis="counted")):
        if figure.fiscal_year:
            entries.append(
                TimelineEntry(
                    dt.date(figure.fiscal_year, 4, 1),
                    "fy",
                    "figure",
                    f"{figure.get_direction_display()} {figure.get_category_display()}: {figure.count}",
                    is_sample=figure.is_sample,
                )
            )
    entries.sort(key=lambda e: (e.on, e.kind), reverse=True)
    return entries


def _note(member: TeamMember) -> str:
    from renkei.core.models import localized

    return localized(member, "note")


def _participants(activity: Activity) -> str:
    prefix = {"about": "約", "over": "", "under": "", "exact": ""}.get(activity.participants_qualifier, "")
    suffix = {"over": _(" or more")}.get(activity.participants_qualifier, "")
    return _("%(prefix)s%(n)d participants%(suffix)s") % {
        "prefix": prefix,
        "n": activity.participants or 0,
        "suffix": suffix,
    }


def unit_partnerships(*, user: Actor | None, unit: Organisation) -> list[TeamMember]:
    """The partnerships a unit takes part in (as a team member), for the organisation page."""
    return list(
        _visible(user, TeamMember.objects.filter(unit=unit))
        .select_related("partnership__partner")
        .filter(partnership__in=_visible(user, Partnership.objects.all()))
        .order_by("partnership_id")
    )


def agreement_get(*, user: Actor | None, key: str) -> Agreement:
    return (
        _visible(user, Agreement.objects.all()).select_related("owner", "partnership__partner").get(key=key)
    )


def agreement_versions(*, user: Actor | None, agreement: Agreement) -> list[AgreementVersion]:
    return list(
        _visible(user, agreement.versions.all())
        .select_related("previous")
        .prefetch_related(
            "parties__organisation", "parties__unit", "conditions__sending_hei", "conditions__receiving_hei"
        )
        .order_by("-number")
    )


def agreement_list(*, user: Actor | None, partnership: Partnership | None = None) -> models.QuerySet:
    qs = _visible(user, Agreement.objects.all()).select_related("owner", "partnership__partner")
    if partnership is not None:
        qs = qs.filter(partnership=partnership)
    return qs.prefetch_related("versions").order_by("owner_id", "key")


# --- mobility against quotas -----------------------------------------------------------------------


@dataclass
class QuotaYear:
    fiscal_year: int
    quota_out: int
    actual_out: int | None
    quota_in: int
    actual_in: int | None

    @property
    def balance(self) -> int | None:
        """Inbound minus outbound (positive: the partner sends more than it receives)."""
        if self.actual_in is None or self.actual_out is None:
            return None
        return self.actual_in - self.actual_out


def _years(condition: CooperationCondition) -> range:
    first = int(condition.receiving_first_academic_year_id[:4])
    last = int((condition.receiving_last_academic_year_id or condition.receiving_first_academic_year_id)[:4])
    return range(first, last + 1)


def mobility_quota(*, user: Actor | None, partnership: Partnership) -> list[QuotaYear]:
    """Per fiscal year: places per year in the live cooperation conditions (an academic year
    2024/2025 counts for FY2024) against the counted flows, each way. Declared figures stay out."""
    live = rules.LIVE_STATES
    conditions = _visible(
        user,
        CooperationCondition.objects.filter(
            version__agreement__partnership=partnership,
            version__status__in=live | {rules.RENEWED, rules.AMENDED, rules.EXPIRED},
        ),
    ).select_related("version")
    quota_out: dict[int, int] = defaultdict(int)
    quota_in: dict[int, int] = defaultdict(int)
    home = partnership.home_id
    for condition in conditions:
        if not condition.mobility_type.startswith("student"):
            continue
        version = condition.version
        for year in _years(condition):
            # a version counts for the years it was in force (a replaced one until its successor)
            if version.valid_until and dt.date(year, 4, 1) > version.valid_until:
                continue
            if version.status in {rules.RENEWED, rules.AMENDED} and any(
                s.valid_from and s.valid_from <= dt.date(year, 4, 1) for s in version.successors.all()
            ):
                continue
            target = quota_out if condition.sending_hei_id == home else quota_in
            target[year] += condition.mobilities_per_year or 0
    counted = _visible(user, partnership.mobility.filter(basis="counted", fiscal_year__isnull=False))
    out: dict[int, int] = defaultdict(int)
    inb: dict[int, int] = defaultdict(int)
    for figure in counted:
        if figure.category in {MobilityFigure.Category.UNDERGRADUATE, MobilityFigure.Category.GRADUATE}:
            (out if figure.direction == "outbound" else inb)[figure.fiscal_year] += figure.count
    years = sorted(
        set(out) | set(inb) | {y for y in set(quota_out) | set(quota_in) if y <= timezone.localdate().year}
    )
    return [
        QuotaYear(
            y,
            quota_out.get(y, 0),
            out.get(y) if y in out else None,
            quota_in.get(y, 0),
            inb.get(y) if y in inb else None,
        )
        for y in years
    ]


def declared_mobility(*, user: Actor | None, partnership: Partnership) -> list[MobilityFigure]:
    return list(_visible(user, partnership.mobility.filter(basis="declared")))


# --- health, dormancy, renewals ---------------------------------------------------------------------


def partnership_health(
    *, user: Actor | None, partnership: Partnership, today: dt.date | None = None
) -> Health:
    today = today or timezone.localdate()
    activities = list(_visible(user, partnership.activities.filter(starts_on__lte=today)))
    last_activity = max((a.ends_on or a.starts_on for a in activities), default=None)
    series_since = min((a.starts_on for a in activities if a.is_recurring), default=None)
    quota = [q for q in mobility_quota(user=user, partnership=partnership) if q.actual_out is not None]
    latest = quota[-1] if quota else None
    projects = _visible(
        user, FundApplication.objects.filter(call__fund__partnership=partnership, outcome="funded")
    ).count()
    declared_projects = sum(f.declared_projects or 0 for f in _visible(user, partnership.funds.all()))
    expiring = [
        (Msg(v.agreement.title_ja, v.agreement.title_en or v.agreement.title_ja), v.valid_until)
        for v in _visible(
            user,
            AgreementVersion.objects.filter(
                agreement__partnership=partnership, status__in=rules.LIVE_STATES, valid_until__isnull=False
            ).select_related("agreement"),
        )
        if v.valid_until and 0 <= (v.valid_until - today).days <= 180 and not v.successors.exists()
    ]
    return assess(
        today=today,
        last_activity=last_activity,
        last_contact=partnership.last_contact_on,
        series_since=series_since,
        quota_year=(
            latest.fiscal_year,
            latest.actual_out or 0,
            latest.quota_out,
            latest.actual_in or 0,
            latest.quota_in,
        )
        if latest and (latest.quota_out or latest.quota_in)
        else None,
        funded_projects=projects,
        declared_projects=declared_projects,
        expiring=expiring,
    )


@dataclass
class Renewal:
    version: AgreementVersion
    days_left: int
    alerts: list[AgreementAlert]  # the alerts e-mailed
    realised: list[str]
    quota: list[QuotaYear]


def renewals_due(*, user: Actor | None, today: dt.date | None = None, within: int = 365) -> list[Renewal]:
    """Live versions ending within `within` days and not yet followed by another version, with what
    the partnership realised while they were in force (for the renewal review page)."""
    today = today or timezone.localdate()
    versions = (
        _visible(
            user, AgreementVersion.objects.filter(status__in=rules.LIVE_STATES, valid_until__isnull=False)
        )
        .select_related("agreement__partnership__partner")
        .prefetch_related("alerts", "successors")
        .order_by("valid_until")
    )
    due = []
    for version in versions:
        left = (version.valid_until - today).days
        if left > within or any(s.status != rules.WITHDRAWN for s in version.successors.all()):
            continue
        partnership = version.agreement.partnership
        realised: list[str] = []
        quota: list[QuotaYear] = []
        if partnership is not None:
            since = version.valid_from or dt.date.min
            for activity in _visible(
                user, partnership.activities.filter(starts_on__gte=since, starts_on__lte=today)
            ):
                realised.append(f"{activity.starts_on:%Y}: {activity.title}")
            quota = [
                q for q in mobility_quota(user=user, partnership=partnership) if q.fiscal_year >= since.year
            ]
        sent = [a for a in version.alerts.all() if a.recipients]  # a lead time passed unsent has none
        due.append(Renewal(version, left, sent, realised, quota))
    return due


def alerts_recent(*, user: Actor | None, limit: int = 50) -> list[AgreementAlert]:
    return list(
        _visible(user, AgreementAlert.objects.all())
        .select_related("version__agreement")
        .order_by("-sent_on", "-pk")[:limit]
    )


# --- funds, joint degrees, map ---------------------------------------------------------------------


def funds_of(*, user: Actor | None, partnership: Partnership) -> list[JointFund]:
    return list(_visible(user, partnership.funds.prefetch_related("calls")))


def joint_degrees(*, user: Actor | None) -> dict[str, Any]:
    programs = list(
        _visible(
            user, JointDegreeProgram.objects.select_related("owner").prefetch_related("home_units")
        ).order_by("owner_id", "pk")
    )
    partners = list(_visible(user, JointDegreePartner.objects.select_related("partner", "program", "owner")))
    figures = list(_visible(user, JointDegreeFigure.objects.select_related("owner")))
    return {"programs": programs, "partners": partners, "figures": figures}


def map_partners(
    *, user: Actor | None, home: str = "utokyo", phase: int | None = None, tier: str | None = None
) -> dict[str, Any]:
    """GeoJSON of the matrix's partners: a point per partner institution with a place (a group's
    members each get a point), coloured by tier on the page."""
    result = matrix(user=user, home=home, phase=phase, tier=tier)
    features = []
    unplaced = []
    for row in result.rows:
        partner = row.partnership.partner
        places = (
            [partner]
            if partner.latitude is not None
            else [
                c.member for c in partner.components.select_related("member") if c.member.latitude is not None
            ]
        )
        if not places:
            unplaced.append(partner.name)
        for place in places:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [float(place.longitude or 0), float(place.latitude or 0)],
                    },
                    "properties": {
                        "partnership": row.partnership.key,
                        "name": place.name,
                        "partner": partner.name,
                        "tier": row.tier,
                        "units": row.total,
                        "url": f"/partnerships/{row.partnership.key}/",
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features, "unplaced": unplaced}


def network_projects(*, user: Actor | None, network: Any) -> list[Any]:
    return list(
        _visible(user, NetworkProject.objects.filter(network=network).select_related("lead", "source"))
    )


def agreement_version_get(*, user: Actor | None, key: str, number: int) -> AgreementVersion:
    """One version of an agreement the caller may see (DoesNotExist when it may not)."""
    agreement = agreement_get(user=user, key=key)
    return (
        _visible(user, agreement.versions.all())
        .select_related("agreement__owner", "previous")
        .prefetch_related("parties__organisation", "parties__unit")
        .get(number=number)
    )


# --- lists for the API (each ordered by its keyset) --------------------------------------------------

FUND_KEYSET = Keyset("partnership-funds", Key("pk"))
JOINT_DEGREE_KEYSET = Keyset("joint-degree-programs", Key("pk"))
JOINT_DEGREE_PARTNER_KEYSET = Keyset("joint-degree-partners", Key("sort_order"), Key("pk"))
JOINT_DEGREE_FIGURE_KEYSET = Keyset("joint-degree-figures", Key("fiscal_year"), Key("pk"))
NETWORK_PROJECT_KEYSET = Keyset("network-projects", Key("pk"))
MOBILITY_KEYSET = Keyset("partnership-mobility", Key("fiscal_year", nullable=True), Key("pk"))


def fund_list(*, user: Actor | None, partnership: str | None = None) -> models.QuerySet:
    """Joint funds the caller may see (those of published partnerships for everyone)."""
    funds = _visible(user, JointFund.objects.select_related("partnership__partner", "source"))
    return funds.filter(partnership__key=partnership) if partnership else funds


def fund_calls(*, user: Actor | None, fund: JointFund) -> list[FundCall]:
    return list(_visible(user, fund.calls.all()))


def fund_applications(*, user: Actor | None, call: FundCall) -> list[FundApplication]:
    """The applications to a call the caller may see: the home's users see all of them with their
    outcomes, everyone else only the funded projects (the policy's rule)."""
    return list(_visible(user, call.applications.select_related("lead_unit")))


def joint_degree_list(*, user: Actor | None, owner: str | None = None) -> models.QuerySet:
    programs = _visible(
        user, JointDegreeProgram.objects.select_related("owner", "source").prefetch_related("home_units")
    )
    return programs.filter(owner__key=owner) if owner else programs


def joint_degree_partners(*, user: Actor | None, owner: Organisation) -> list[JointDegreePartner]:
    """The owner's JSD/DD partner universities (of one program or of all), in the source's order."""
    return list(
        _visible(user, JointDegreePartner.objects.filter(owner=owner).select_related("partner", "program"))
    )


def joint_degree_partner_list(*, user: Actor | None, owner: str | None = None) -> models.QuerySet:
    partners = _visible(user, JointDegreePartner.objects.select_related("owner", "partner", "program"))
    return partners.filter(owner__key=owner) if owner else partners


def joint_degree_figure_list(
    *,
    user: Actor | None,
    owner: str | None = None,
    program: str | None = None,
    metric: str | None = None,
    fiscal_year: int | None = None,
) -> models.QuerySet:
    figures = _visible(user, JointDegreeFigure.objects.select_related("owner", "program", "source"))
    if owner:
        figures = figures.filter(owner__key=owner)
    if program:
        figures = figures.filter(program__key=program)
    if metric:
        figures = figures.filter(metric=metric)
    if fiscal_year is not None:
        figures = figures.filter(fiscal_year=fiscal_year)
    return figures


def network_project_list(*, user: Actor | None, network: str | None = None) -> models.QuerySet:
    projects = _visible(user, NetworkProject.objects.select_related("network", "lead", "source"))
    return projects.filter(network__key=network) if network else projects


def mobility_list(
    *,
    user: Actor | None,
    partnership: Partnership,
    direction: str | None = None,
    category: str | None = None,
    fiscal_year: int | None = None,
    basis: str | None = None,
) -> models.QuerySet:
    """A partnership's mobility figures, counted and declared alike (each says which it is)."""
    figures = _visible(user, partnership.mobility.select_related("agreement"))
    for name, value in (
        ("direction", direction),
        ("category", category),
        ("fiscal_year", fiscal_year),
        ("basis", basis),
    ):
        if value is not None and value != "":
            figures = figures.filter(**{name: value})
    return figures
