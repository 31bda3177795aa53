"""Reads of needs and matching, each starting from the policy (`policy.visible`).

Gap analysis: per skill and per segment (industry × size × area), the demand (needs, people) against
the supply (the network's programs, their seats and upcoming runs), with the unmet needs. A live need's
skill is unmet when none of the programs matched to it (in the latest run that ranked it, scoring at
least the run's `unmet_below`, stored with its parameters) teaches that skill; a need is unmet when it has no such match, or when at least
half of its skills are unmet.
STP: segments ranked by unmet demand, the network's chosen target segments and
where its programs stand for them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renkei.catalog.models import Program
from renkei.core import policy
from renkei.core.policy import Actor
from renkei.matching import ranking, services
from renkei.matching.models import (
    EmployerProfile,
    Invitation,
    Match,
    MatchRun,
    Need,
    NeedSkill,
    Proposal,
    Response,
    Survey,
    TargetSegment,
)
from renkei.matching.segments import Area, EmployeesBand, Industry, area_of, segment_key, segment_label
from renkei.networks.models import Network
from renkei.organisations.models import Organisation
from renkei.taxonomy.models import Concept

UNMET_BELOW = ranking.UNMET_BELOW  # the default; each run keeps its own as `parameters["unmet_below"]`
LIVE_STATUSES = (Need.Status.OPEN, Need.Status.MATCHED)


def invitation_for_token(text: str) -> Invitation | None:
    """The invitation this survey link's token belongs to (its secret checked against the stored hash)."""
    import hmac

    parsed = services.parse_token(text)
    if parsed is None:
        return None
    prefix, secret = parsed
    invitation = Invitation.objects.select_related("survey", "organisation").filter(prefix=prefix).first()
    if invitation is None or not hmac.compare_digest(invitation.secret_hash, services.hash_secret(secret)):
        return None
    return invitation


def coordinated_networks(user: Actor | None) -> QuerySet[Network]:
    if policy.is_superuser(user):
        return Network.objects.all()
    return Network.objects.filter(pk__in=services.network_policy.staff_network_ids(user))


def surveys(user: Actor | None) -> QuerySet[Survey]:
    return policy.visible(user, Survey.objects.select_related("network")).annotate(
        invited=Count("invitations", distinct=True),
        submitted=Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED), distinct=True),
    )


def invitations(user: Actor | None, survey: Survey) -> list[dict[str, Any]]:
    """A survey's invitations with where each stands: withdrawn, expired, submitted, draft or not
    started (no answer saved through the link yet)."""
    now = timezone.now()
    statuses = dict(
        Response.objects.filter(survey=survey, invitation__isnull=False).values_list(
            "invitation_id", "status"
        )
    )
    rows = []
    for invitation in (
        policy.visible(user, Invitation.objects.filter(survey=survey))
        .select_related("organisation")
        .order_by("target_group", "organisation__name_ja", "pk")
    ):
        answered = statuses.get(invitation.pk)
        if answered == Response.Status.SUBMITTED:
            state, label = "submitted", pgettext_lazy("survey response", "submitted")
        elif invitation.revoked_at is not None:
            state, label = "withdrawn", _("withdrawn")
        elif invitation.expires_at <= now:
            state, label = "expired", _("expired")
        elif answered == Response.Status.DRAFT:
            state, label = "draft", _("draft saved")
        else:
            state, label = "not-started", _("not started")
        rows.append({"invitation": invitation, "state": state, "label": label})
    return rows


def responses(user: Actor | None, survey: Survey | None = None) -> QuerySet[Response]:
    rows = policy.visible(user, Response.objects.select_related("survey", "organisation"))
    return rows.filter(survey=survey) if survey is not None else rows


def needs(user: Actor | None, *, network: Network | None = None, status: str = "") -> QuerySet[Need]:
    rows = policy.visible(
        user,
        Need.objects.select_related(
            "organisation", "network", "organisation__employer_profile"
        ).prefetch_related(
            Prefetch("need_skills", queryset=NeedSkill.objects.select_related("concept").order_by("pk"))
        ),
    )
    if network is not None:
        rows = rows.filter(network=network)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk")


def latest_matches(need: Need, user: Actor | None) -> list[Match]:
    """The matches of the latest run that ranked this need (visible to the user), best first."""
    rows = policy.visible(user, Match.objects.filter(need=need, run__state=MatchRun.State.DONE))
    latest = rows.order_by("-run__created_at", "-run_id").values_list("run_id", flat=True).first()
    if latest is None:
        return []
    return list(
        rows.filter(run_id=latest).select_related("program", "program__provider", "run").order_by("rank")
    )


def runs(user: Actor | None) -> QuerySet[MatchRun]:
    return policy.visible(user, MatchRun.objects.select_related("network", "need", "job")).order_by(
        "-created_at", "-pk"
    )


def response_rates(user: Actor | None, survey: Survey) -> list[dict[str, Any]]:
    """Invited and submitted per target group of a survey (the secretariat's view)."""
    invitations = policy.visible(user, Invitation.objects.filter(survey=survey))
    groups: dict[str, dict[str, Any]] = {}
    submitted = set(
        Response.objects.filter(survey=survey, status=Response.Status.SUBMITTED, invitation__isnull=False)
        .values_list("invitation_id", flat=True)
    )  # fmt: skip
    drafts = set(
        Response.objects.filter(survey=survey, status=Response.Status.DRAFT, invitation__isnull=False)
        .values_list("invitation_id", flat=True)
    )  # fmt: skip
    for invitation in invitations:
        group = groups.setdefault(
            invitation.target_group,
            {"group": invitation.target_group, "invited": 0, "submitted": 0, "drafts": 0},
        )
        group["invited"] += 1
        group["submitted"] += invitation.pk in submitted
        group["drafts"] += invitation.pk in drafts
    rows = sorted(groups.values(), key=lambda g: g["group"])
    for row in rows:
        row["rate"] = round(100 * row["submitted"] / row["invited"]) if row["invited"] else 0
    return rows


# --- gaps -----------------------------------------------------------------------------------------------


def uncovered_skills(needs: Iterable[Need]) -> dict[int, set[int]]:
    """For each need, its skills that no program matched to it teaches: the programs of the latest done
    run that ranked the need, counted when they score at least that run's `unmet_below`. A need with no such
    match leaves all its skills uncovered (and is unmet even without skills)."""
    needs = list(needs)
    latest: dict[int, int] = {}
    for need_id, run_id in Match.objects.filter(
        need_id__in=[n.pk for n in needs], run__state=MatchRun.State.DONE
    ).values_list("need_id", "run_id"):
        latest[need_id] = max(latest.get(need_id, 0), run_id)
    programs: dict[int, set[int]] = defaultdict(set)
    below = _thresholds(set(latest.values()))
    rows = Match.objects.filter(need_id__in=list(latest), run_id__in=set(latest.values()))
    for need_id, run_id, program_id, score in rows.values_list("need_id", "run_id", "program_id", "score"):
        if latest.get(need_id) == run_id and score >= below[run_id]:
            programs[need_id].add(program_id)
    taught: dict[int, set[int]] = defaultdict(set)
    through = Program.skills.through.objects.filter(
        program_id__in={p for ps in programs.values() for p in ps}
    )
    for program_id, concept_id in through.values_list("program_id", "concept_id"):
        taught[program_id].add(concept_id)
    out: dict[int, set[int]] = {}
    for need in needs:
        skills = {ns.concept_id for ns in need.need_skills.all() if not ns.rejected}
        covered = set().union(*(taught[p] for p in programs.get(need.pk, ())))
        out[need.pk] = skills - covered
    return out


def is_unmet(need: Need, uncovered: dict[int, set[int]], matched: set[int]) -> bool:
    """No match good enough, or at least half of its skills taught by none of its matches."""
    if need.pk not in matched:
        return True
    skills = [ns for ns in need.need_skills.all() if not ns.rejected]
    return bool(skills) and 2 * len(uncovered.get(need.pk, ())) >= len(skills)


def _thresholds(run_ids: Iterable[int]) -> dict[int, float]:
    """Each run's `unmet_below`, from the parameters stored with it."""
    return {
        pk: ranking.unmet_below(parameters)
        for pk, parameters in MatchRun.objects.filter(pk__in=list(run_ids)).values_list("pk", "parameters")
    }


def _matched_needs(need_ids: Iterable[int]) -> set[int]:
    """The needs with a match good enough by the threshold of the run that made it."""
    rows = list(
        Match.objects.filter(need_id__in=list(need_ids), run__state=MatchRun.State.DONE)
        .values_list("need_id", "run_id", "score")
    )  # fmt: skip
    below = _thresholds({run_id for _, run_id, _ in rows})
    return {need_id for need_id, run_id, score in rows if score >= below[run_id]}


def unmet_needs(
    *, network_id: int, skill_ids: set[int] | None = None, user: Actor | None = None
) -> list[Need]:
    """The live needs of a network that no program answers yet: no match good enough, or some of their
    skills taught by none of their matched programs (with `skill_ids`: one of these skills). `user`
    None is the system (a service drafting a proposal)."""
    rows: QuerySet[Need] = Need.objects.filter(network_id=network_id, status__in=LIVE_STATUSES)
    if user is not None:
        rows = policy.visible(user, rows)
    rows = rows.select_related("organisation", "organisation__employer_profile").prefetch_related(
        "need_skills"
    )
    needs = list(rows.order_by("pk"))
    uncovered = uncovered_skills(needs)
    matched = _matched_needs(n.pk for n in needs)
    if skill_ids:
        return [n for n in needs if uncovered.get(n.pk, set()) & skill_ids]
    return [n for n in needs if is_unmet(n, uncovered, matched)]


@dataclass
class SkillGap:
    concept: Concept
    needs: int = 0
    people: int = 0
    unmet: int = 0
    unmet_people: int = 0
    programs: int = 0
    seats: int = 0
    upcoming_runs: int = 0
    unmet_need_ids: list[int] = field(default_factory=list)

    @property
    def gap(self) -> int:
        return self.unmet_people


@dataclass
class SegmentGap:
    key: str
    industry: str
    employees_band: str
    area: str
    needs: int = 0
    people: int = 0
    unmet: int = 0
    unmet_people: int = 0
    employers: set[int] = field(default_factory=set)
    target: TargetSegment | None = None

    @property
    def label(self) -> str:
        return segment_label(self.industry, self.employees_band, self.area)


@dataclass
class Gaps:
    network: Network
    skills: list[SkillGap]
    segments: list[SegmentGap]
    unmet: list[Need]
    today: dt.date

    def heat(self) -> dict[str, Any]:
        """Unmet people per industry (rows) × area (columns), summed over sizes; each cell with a level
        0–4 for its shade."""
        cells: dict[tuple[str, str], int] = defaultdict(int)
        for seg in self.segments:
            cells[(seg.industry, seg.area)] += seg.unmet_people
        rows = sorted({i for i, _ in cells}, key=lambda i: (i == "", i))
        columns = [a for a in Area.values if any(a == c for _, c in cells)]
        top = max(cells.values(), default=0) or 1
        industries = dict(Industry.choices)
        areas = dict(Area.choices)
        return {
            "columns": [(a, str(areas.get(a, "—"))) for a in columns],
            "rows": [
                (i, str(industries.get(i, "—")), [(cells.get((i, a), 0), _level(cells.get((i, a), 0), top))
                                                 for a in columns])
                for i in rows
            ],
        }  # fmt: skip


def _level(value: int, top: int) -> int:
    return 0 if value <= 0 else min(4, 1 + (4 * value - 1) // top)


def _profile_values(need: Need) -> tuple[str, str, str]:
    try:
        profile: EmployerProfile | None = need.organisation.employer_profile
    except EmployerProfile.DoesNotExist:
        profile = None
    return (
        profile.industry if profile else "",
        profile.employees_band if profile else "",
        area_of(need.municipality_code or (profile.municipality_code if profile else "")
                or need.organisation.municipality_code),
    )  # fmt: skip


def gaps(user: Actor | None, network: Network, *, today: dt.date | None = None) -> Gaps:
    """Demand against supply for a network, as far as the user may see its needs (an employer: its own)."""
    today = today or timezone.localdate()
    live = list(
        policy.visible(user, Need.objects.filter(network=network, status__in=LIVE_STATUSES))
        .select_related("organisation", "organisation__employer_profile")
        .prefetch_related(Prefetch("need_skills", queryset=NeedSkill.objects.select_related("concept")))
        .order_by("pk")
    )  # fmt: skip
    uncovered = uncovered_skills(live)
    matched = _matched_needs(n.pk for n in live)
    unmet = [n for n in live if is_unmet(n, uncovered, matched)]
    unmet_ids = {n.pk for n in unmet}
    skill_rows: dict[int, SkillGap] = {}
    for need in live:
        for ns in need.need_skills.all():
            if ns.rejected:
                continue
            row = skill_rows.setdefault(ns.concept_id, SkillGap(concept=ns.concept))
            row.needs += 1
            row.people += need.headcount or 1
            if need.pk not in matched or ns.concept_id in uncovered.get(need.pk, set()):
                row.unmet += 1
                row.unmet_people += need.headcount or 1
                row.unmet_need_ids.append(need.pk)
    if skill_rows:
        programs = ranking_programs(network)
        for program in programs:
            upcoming = [r for r in program.runs.all() if r.starts_on >= today]
            for concept in program.skills.all():
                supplied = skill_rows.get(concept.pk)
                if supplied is None:
                    continue
                supplied.programs += 1
                supplied.upcoming_runs += len(upcoming)
                supplied.seats += (program.capacity or 0) * len(upcoming)
    targets = {segment_key(t.industry, t.employees_band, t.area): t for t in
               policy.visible(user, TargetSegment.objects.filter(network=network))}  # fmt: skip
    seg_rows: dict[str, SegmentGap] = {}
    for need in live:
        industry, band, area = _profile_values(need)
        key = segment_key(industry, band, area)
        seg = seg_rows.setdefault(key, SegmentGap(key, industry, band, area, target=targets.get(key)))
        seg.needs += 1
        seg.people += need.headcount or 1
        seg.employers.add(need.organisation_id)
        if need.pk in unmet_ids:
            seg.unmet += 1
            seg.unmet_people += need.headcount or 1
    skills = sorted(skill_rows.values(), key=lambda r: (-r.unmet_people, -r.people, r.concept.code))
    segments = sorted(seg_rows.values(), key=lambda s: (-s.unmet_people, -s.people, s.key))
    return Gaps(network=network, skills=skills, segments=segments, unmet=unmet, today=today)


def ranking_programs(network: Network) -> list[Program]:
    from renkei.matching import ranking

    return ranking.programs_for(network.pk, services.member_ids(network.pk))


def proposals(user: Actor | None) -> QuerySet[Proposal]:
    return policy.visible(user, Proposal.objects.select_related("network", "program")).order_by(
        "-created_at", "-pk"
    )


def employer_needs(user: Actor | None) -> list[tuple[Need, list[Match]]]:
    """An employer's own needs with the programs matched for each (latest run), for its page."""
    return [(need, latest_matches(need, user)) for need in needs(user)]


def choices_for_segments() -> dict[str, list[tuple[str, str]]]:
    return {
        "industry": [(v, str(label)) for v, label in Industry.choices],
        "employees_band": [(v, str(label)) for v, label in EmployeesBand.choices],
        "area": [(v, str(label)) for v, label in Area.choices if v],
    }


def place_name(code: str) -> str:
    """A municipality's name for its code (天童市 for 06210), the code itself when the registry lacks it."""
    if not code:
        return ""
    place = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY, municipality_code=code).first()
    return place.name if place else code
