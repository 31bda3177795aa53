"""Computed actuals: named computations over Renkei's own records, registered in code (never free SQL).

A computation takes its subject (an organisation or a network), the fiscal years asked for and the
user looking (the records are counted as the policy lets that user see them) and returns, for each
fiscal year, the records behind the number: the value is how many there are. So every computed
number on a dashboard or in a report links to its computation and to the records it counted.

Another app registers its computation with a few lines, e.g. when the partnerships app lands:

    @registry.computation(
        "outbound_mobility", subject="organisation",
        name=Msg("協定派遣学生数", "Outbound students under agreements"),
        description=Msg("…", "Students sent abroad under an agreement, by the fiscal year they left."),
    )
    def outbound_mobility(organisation, years, user):
        rows = policy.visible(user, Mobility.objects.filter(home__in=family(organisation), ...))
        return by_fiscal_year(rows, lambda m: m.departed_on, record_of=lambda m: Counted.of(m, str(m)))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import NoReverseMatch, reverse

from renkei.catalog.models import Program, ProgramRun
from renkei.core import policy
from renkei.core.jdates import fiscal_year, fiscal_year_bounds
from renkei.core.messages import Msg
from renkei.core.policy import Actor
from renkei.matching.models import Need
from renkei.networks.models import Membership, Network
from renkei.organisations.models import Organisation
from renkei.partnerships.models import MobilityFigure

SUBJECTS = ("organisation", "network")


@dataclass(frozen=True, slots=True)
class Counted:
    """One record behind a computed number."""

    model: str
    pk: int
    label: str
    url: str = ""
    is_sample: bool = False
    weight: int = 1  # what the record adds to the number: 1, or the people a counted figure stands for

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "pk": self.pk,
            "label": self.label,
            "url": self.url,
            "sample": self.is_sample,
            "weight": self.weight,
        }


def total(records: list[Counted]) -> int:
    """The computed number: the sum of what each record adds."""
    return sum(r.weight for r in records)


Records = dict[int, list[Counted]]
Function = Callable[[Any, range, "Actor | None"], Records]


@dataclass(frozen=True, slots=True)
class Computation:
    key: str
    subject: str
    name: Msg
    description: Msg
    function: Function

    def records(self, subject: Any, years: range, user: Actor | None) -> Records:
        """Fiscal year → the records counted that year, for every year asked (an empty list is a zero)."""
        found = self.function(subject, years, user)
        return {fy: sorted(found.get(fy, []), key=lambda c: (c.label, c.pk)) for fy in years}


class Registry:
    def __init__(self) -> None:
        self._computations: dict[str, Computation] = {}

    def computation(
        self, key: str, *, subject: str, name: Msg, description: Msg
    ) -> Callable[[Function], Function]:
        if subject not in SUBJECTS:
            raise ValueError(f"subject must be one of {SUBJECTS}")

        def register(function: Function) -> Function:
            if key in self._computations:
                raise ValueError(f"computation {key!r} is registered twice")
            self._computations[key] = Computation(key, subject, name, description, function)
            return function

        return register

    def get(self, key: str) -> Computation:
        return self._computations[key]

    def has(self, key: str) -> bool:
        return key in self._computations

    def keys(self) -> list[str]:
        return sorted(self._computations)

    def all(self) -> list[Computation]:
        return [self._computations[k] for k in self.keys()]

    def subject_of(self, key: str) -> str | None:
        c = self._computations.get(key)
        return c.subject if c else None


registry = Registry()


# --- helpers for computations ---------------------------------------------------------------------


def family(organisation: Organisation) -> list[int]:
    """The organisation and all its units (down the tree)."""
    ids, frontier = [organisation.pk], [organisation.pk]
    while frontier:
        frontier = list(Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def _url(name: str, **kwargs: Any) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def program_record(program: Program) -> Counted:
    return Counted(
        "catalog.program",
        program.pk,
        f"{program.title} ({program.provider.short_name} {program.code})",
        _url("catalog:program-detail", provider_key=program.provider.key, code=program.code),
        program.is_sample,
    )


def programs_with_runs(programs: models.QuerySet[Program], years: range, user: Actor | None) -> Records:
    """Each visible program counted once in every fiscal year in which one of its runs starts."""
    first, _ = fiscal_year_bounds(years.start)
    _, last = fiscal_year_bounds(years.stop - 1)
    visible = policy.visible(user, programs)
    runs = (
        ProgramRun.objects.filter(program__in=visible.values("pk"), starts_on__range=(first, last))
        .select_related("program__provider")
        .order_by("starts_on")
    )
    found: dict[int, dict[int, Counted]] = {}
    for run in runs:
        found.setdefault(fiscal_year(run.starts_on), {})[run.program_id] = program_record(run.program)
    return {fy: list(by_program.values()) for fy, by_program in found.items()}


# --- the computations available now ------------------------------------------------------------------


@registry.computation(
    "programs_in_english",
    subject="organisation",
    name=Msg("英語で開講するプログラム数", "Programs taught in English"),
    description=Msg(
        "機関（とその部局）が提供し、使用言語が英語または日英のプログラムのうち、その年度に開講回が始まるものの数。",
        "Programs of the organisation (or its units) taught in English or in Japanese and English, "
        "counted in each fiscal year in which one of their runs starts.",
    ),
)
def programs_in_english(organisation: Organisation, years: range, user: Actor | None) -> Records:
    programs = Program.objects.filter(
        provider_id__in=family(organisation), language__in=[Program.Language.EN, Program.Language.JA_EN]
    )
    return programs_with_runs(programs, years, user)


@registry.computation(
    "network_programs",
    subject="network",
    name=Msg("集約した教育プログラム数", "Programs aggregated in the network"),
    description=Msg(
        "ネットワークに共有されたプログラムのうち、その年度に開講回が始まるものの数。",
        "Programs shared with the network, counted in each fiscal year in which one of their runs starts.",
    ),
)
def network_programs(network: Network, years: range, user: Actor | None) -> Records:
    return programs_with_runs(Program.objects.filter(shared_with=network), years, user)


@registry.computation(
    "network_members",
    subject="network",
    name=Msg("加盟機関数", "Members of the network"),
    description=Msg(
        "年度末（3月31日）に加盟している機関の数（会員・事務局。オブザーバーを除く）。",
        "Organisations belonging to the network (members and the secretariat, not observers) on the "
        "last day of the fiscal year (31 March).",
    ),
)
def network_members(network: Network, years: range, user: Actor | None) -> Records:
    rows = policy.visible(
        user,
        Membership.objects.filter(
            network=network, role__in=[Membership.Role.MEMBER, Membership.Role.SECRETARIAT]
        ).select_related("organisation"),
    )
    found: Records = {}
    for fy in years:
        end = fiscal_year_bounds(fy)[1]
        seen: dict[int, Counted] = {}
        for m in rows:
            if m.is_current(end) and (m.start_date is not None or fy >= _founded_fy(network)):
                seen[m.organisation_id] = Counted(
                    "organisations.organisation",
                    m.organisation_id,
                    m.organisation.name,
                    _url("portal:organisation-detail", key=m.organisation.key),
                )
        if seen:
            found[fy] = list(seen.values())
    return found


@registry.computation(
    "outbound_mobility",
    subject="organisation",
    name=Msg("協定に基づく派遣学生数", "Outbound students under agreements"),
    description=Msg(
        "機関の戦略的パートナーシップで、協定に基づき派遣した学生（学部生・大学院生）の数。記録から数えた"
        "人数（年度が記された数え上げ）を合計し、資料が述べるだけの公表値は含めない。",
        "Students (undergraduates and graduate students) the organisation sent to its partners under an "
        "agreement, in each fiscal year: the sum of the counted mobility figures that name an agreement and "
        "a fiscal year; figures a source only declares are left out.",
    ),
)
def outbound_mobility(organisation: Organisation, years: range, user: Actor | None) -> Records:
    rows = policy.visible(
        user,
        MobilityFigure.objects.filter(
            partnership__home_id__in=family(organisation),
            agreement__isnull=False,
            fiscal_year__in=list(years),
            direction=MobilityFigure.Direction.OUTBOUND,
            category__in=[MobilityFigure.Category.UNDERGRADUATE, MobilityFigure.Category.GRADUATE],
            basis="counted",
        ).select_related("partnership__partner", "agreement"),
    )
    found: Records = {}
    for figure in rows:
        partnership = figure.partnership
        if figure.fiscal_year is None:  # a typical year (filtered out above)
            continue
        found.setdefault(figure.fiscal_year, []).append(
            Counted(
                "partnerships.mobilityfigure",
                figure.pk,
                f"{partnership.partner.name}: {figure.count} ({figure.get_category_display()})",
                _url("partnerships:partnership", key=partnership.key),
                figure.is_sample or partnership.is_sample,
                weight=figure.count,
            )
        )
    return found


def _needs(network: Network, user: Actor | None, *statuses: str) -> Records:
    """A network's needs by the fiscal year they were collected: the survey answer's submission or the
    hearing's date (a need entered directly, with neither, is left out and not counted).

    The number is the project's own evaluation figure and counts every need; an employer's need is
    private, so a need the user may not see is listed without its employer, text or link."""
    rows = Need.objects.filter(network=network, status__in=statuses).select_related(
        "organisation", "response", "hearing"
    )
    seen = set(policy.visible(user, Need.objects.filter(network=network)).values_list("pk", flat=True))

    def collected(need: Need) -> dt.date | None:
        if need.response is not None and need.response.submitted_at is not None:
            return need.response.submitted_at.date()
        return need.hearing.held_on if need.hearing is not None else None

    def record(need: Need) -> Counted:
        if need.pk not in seen:
            return Counted("matching.need", need.pk, str(PRIVATE_NEED), "", need.is_sample)
        label = f"{need.organisation.name}: {need}"
        return Counted(
            "matching.need", need.pk, label, _url("matching:need-detail", pk=need.pk), need.is_sample
        )

    return by_fiscal_year(rows, collected, record_of=record)


PRIVATE_NEED = Msg("事業者のニーズ（非公開）", "An employer's need (not public)")


@registry.computation(
    "needs_collected",
    subject="network",
    name=Msg("収集した人材ニーズ数", "Skills needs collected"),
    description=Msg(
        "ネットワークの人材ニーズ調査（アンケートの回答・ヒアリング）で集めたニーズの数（取り下げを除く）。"
        "回答の提出日またはヒアリングの日の年度に数える。",
        "Needs the network collected in its skills-needs survey (questionnaire answers, hearings), not "
        "counting withdrawn ones, in the fiscal year of the answer's submission or the hearing.",
    ),
)
def needs_collected(network: Network, years: range, user: Actor | None) -> Records:
    statuses = (Need.Status.OPEN, Need.Status.MATCHED, Need.Status.ADDRESSED)
    return {fy: rows for fy, rows in _needs(network, user, *statuses).items() if fy in years}


@registry.computation(
    "needs_matched",
    subject="network",
    name=Msg("マッチングしたニーズ数", "Needs matched with programs"),
    description=Msg(
        "集めたニーズのうち、教育プログラムとマッチング済み（または対応済み）のものの数。"
        "回答の提出日またはヒアリングの日の年度に数える。",
        "Collected needs that have been matched with a program (or addressed), in the fiscal year they "
        "were collected.",
    ),
)
def needs_matched(network: Network, years: range, user: Actor | None) -> Records:
    statuses = (Need.Status.MATCHED, Need.Status.ADDRESSED)
    return {fy: rows for fy, rows in _needs(network, user, *statuses).items() if fy in years}


def _founded_fy(network: Network) -> int:
    """A membership without a start date counts from the network's founding (or always, if unknown)."""
    return fiscal_year(network.founded_on) if network.founded_on else 0


def years_with(records: Records) -> list[int]:
    return sorted(fy for fy, rows in records.items() if rows)


def by_fiscal_year(
    rows: Iterable[Any], date_of: Callable[[Any], dt.date | None], *, record_of: Callable[[Any], Counted]
) -> Records:
    """Group rows by the fiscal year of a date (rows without a date are left out)."""
    found: Records = {}
    for row in rows:
        when = date_of(row)
        if when is not None:
            found.setdefault(fiscal_year(when), []).append(record_of(row))
    return found
