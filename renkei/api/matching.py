"""Needs and matching API: needs (with their skills and the programs matched, with reasons), matching
runs, gaps per skill and segment, proposals; and one write, a new need (matched at once).

Reads are answered by the policy (`renkei.matching.policy`): an employer sees its own needs only, a
network's coordinators what the network holds, nobody else anything (the lists are then empty). The
write calls `renkei.matching.services` like the pages do.
"""

from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from renkei.api import auth
from renkei.api.catalog_inputs import MunicipalityCode
from renkei.api.paging import PageOut, page_body
from renkei.api.writes import IdempotencyKeyHeader, respond, unknown, write_operation
from renkei.catalog.models import Program
from renkei.core import policy
from renkei.core.messages import Msg
from renkei.core.pagination import CursorParams, Key, Keyset, cursor, keyset_page
from renkei.core.params import Optional, RecordId, choice, text
from renkei.matching import jobs as matching_jobs
from renkei.matching import selectors, services
from renkei.matching.models import MatchRun, Need, Proposal
from renkei.matching.params import NeedFilter
from renkei.networks.models import Network
from renkei.networks.params import NetworkKey
from renkei.organisations.models import Organisation
from renkei.organisations.params import OrganisationKey

router = Router(tags=["matching"])

NEED_KEYSET = Keyset("needs", Key("pk"))
RUN_KEYSET = Keyset("match-runs", Key("pk"))
PROPOSAL_KEYSET = Keyset("proposals", Key("pk"))
NeedCursor = Annotated[str, *cursor(NEED_KEYSET.name)]
RunCursor = Annotated[str, *cursor(RUN_KEYSET.name)]
ProposalCursor = Annotated[str, *cursor(PROPOSAL_KEYSET.name)]
ORGANISATION = Msg("機関", "organisation")
NETWORK = Msg("ネットワーク", "network")
PROGRAM = Msg("プログラム", "program")


class NeedSkillOut(Schema):
    code: str = Field(description="The concept's code (Renkei starter taxonomy).")
    label_ja: str
    label_en: str
    words: str = Field(
        description="The words of the need's text that produced the tag (empty when set by a person)."
    )
    origin: str = Field(description="tagger | person")
    removed: bool

    @staticmethod
    def resolve_code(obj: Any) -> str:
        return str(obj.concept.code)

    @staticmethod
    def resolve_label_ja(obj: Any) -> str:
        return str(obj.concept.label_ja)

    @staticmethod
    def resolve_label_en(obj: Any) -> str:
        return str(obj.concept.label_en)

    @staticmethod
    def resolve_removed(obj: Any) -> bool:
        return bool(obj.rejected)


class NeedOut(Schema):
    id: int
    employer: str
    network: str
    text: str
    skills: list[NeedSkillOut]
    level: str
    headcount: int | None
    timeframe: str
    mode: str
    time_of_day: str
    municipality_code: str
    budget_yen: int | None
    status: str
    is_sample: bool

    @staticmethod
    def resolve_employer(obj: Any) -> str:
        return str(obj.organisation.key)

    @staticmethod
    def resolve_network(obj: Any) -> str:
        return str(obj.network.key)

    @staticmethod
    def resolve_skills(obj: Any) -> list[Any]:
        return list(obj.need_skills.all())


class MatchOut(Schema):
    id: int
    run: int
    rank: int
    score: float
    provider: str
    program_code: str
    program_title_ja: str
    reasons_ja: str
    reasons_en: str
    contributions: dict[str, float]

    @staticmethod
    def resolve_run(obj: Any) -> int:
        return int(obj.run_id)

    @staticmethod
    def resolve_provider(obj: Any) -> str:
        return str(obj.program.provider.key)

    @staticmethod
    def resolve_program_code(obj: Any) -> str:
        return str(obj.program.code)

    @staticmethod
    def resolve_program_title_ja(obj: Any) -> str:
        return str(obj.program.title_ja)


class NeedDetailOut(NeedOut):
    matches: list[MatchOut] = Field(
        description="The programs of the latest run that ranked this need, best first."
    )


class NeedPage(PageOut):
    items: list[NeedOut]


class MatchRunOut(Schema):
    id: int
    network: str
    scope: str
    state: str
    engine_version: str
    parameters: dict[str, Any]
    inputs: dict[str, Any]
    fingerprint: str
    need_count: int
    match_count: int
    top_k: int
    repeat_of: int | None
    is_sample: bool

    @staticmethod
    def resolve_network(obj: Any) -> str:
        return str(obj.network.key)

    @staticmethod
    def resolve_repeat_of(obj: Any) -> int | None:
        return obj.repeat_of_id


class MatchRunPage(PageOut):
    items: list[MatchRunOut]


class ProposalOut(Schema):
    id: int
    network: str
    key: str
    title_ja: str
    title_en: str
    summary_ja: str
    summary_en: str
    skills: list[str]
    industry: str
    employees_band: str
    area: str
    needs: list[int] = Field(description="The needs behind it (those the caller may see).")
    suggested_mode: str
    suggested_level: str
    developers: list[str]
    status: str
    is_sample: bool

    @staticmethod
    def resolve_network(obj: Any) -> str:
        return str(obj.network.key)

    @staticmethod
    def resolve_skills(obj: Any) -> list[str]:
        return [c.code for c in obj.skills.all()]

    @staticmethod
    def resolve_needs(obj: Any) -> list[int]:
        return sorted(n.pk for n in obj.needs.all())

    @staticmethod
    def resolve_developers(obj: Any) -> list[str]:
        return [o.key for o in obj.developers.all()]


class ProposalPage(PageOut):
    items: list[ProposalOut]


class SkillGapOut(Schema):
    code: str
    label_ja: str
    label_en: str
    needs: int
    people: int
    unmet_needs: int
    unmet_people: int
    programs: int
    seats: int
    upcoming_runs: int


class SegmentGapOut(Schema):
    industry: str
    employees_band: str
    area: str
    needs: int
    people: int
    unmet_needs: int
    unmet_people: int
    employers: int
    target: bool


class GapsOut(Schema):
    network: str
    skills: list[SkillGapOut]
    segments: list[SegmentGapOut]
    unmet_needs: list[int]


class NeedListQuery(NeedFilter, CursorParams):
    cursor: NeedCursor | Optional = None


class RunListQuery(CursorParams):
    cursor: RunCursor | Optional = None


class ProposalListQuery(CursorParams):
    cursor: ProposalCursor | Optional = None


NeedText = Annotated[str, *text(max_chars=4000), Field(min_length=1)]
NeedLevel = Annotated[str, *choice(Need.Level.values)]
NeedTimeframe = Annotated[str, *choice(Need.Timeframe.values)]
NeedMode = Annotated[str, *choice(Need.Mode.values)]
NeedTime = Annotated[str, *choice(Need.TimeOfDay.values)]


class NeedIn(Schema):
    """A need as the employer writes it; its skills are found in the text."""

    model_config = ConfigDict(extra="forbid")
    employer: OrganisationKey
    network: NetworkKey
    text: NeedText
    level: NeedLevel = ""
    headcount: Annotated[int, Field(ge=1, le=100_000)] | None = None
    timeframe: NeedTimeframe = ""
    mode: NeedMode = "any"
    time_of_day: NeedTime = ""
    municipality_code: MunicipalityCode = ""
    budget_yen: Annotated[int, Field(ge=0, le=100_000_000)] | None = None


def _needs(request: HttpRequest) -> Any:
    return selectors.needs(request.user).order_by()


@router.get("/needs", response=NeedPage, operation_id="needs_list")
def needs_list(request: HttpRequest, params: Query[NeedListQuery]):
    """Needs the caller may see (an employer: its own; a coordinator: its networks'), oldest first."""
    qs = _needs(request)
    if params.network:
        qs = qs.filter(network__key=params.network)
    if params.status:
        qs = qs.filter(status=params.status)
    page = keyset_page(qs, NEED_KEYSET, cursor=params.cursor, limit=params.limit)
    return page_body(request, page)


def _need_detail(request: HttpRequest, need: Need) -> Need:
    need.latest_matches = selectors.latest_matches(need, request.user)  # type: ignore[attr-defined]
    return need


@router.get("/needs/{need_id}", response=NeedDetailOut, operation_id="needs_detail")
def needs_detail(request: HttpRequest, need_id: RecordId):
    need = _needs(request).get(pk=need_id)
    return _need_detail(request, need)


@router.post("/needs", response={201: NeedDetailOut}, auth=auth.WRITE, operation_id="needs_create",
             summary="Enter a need (matched at once)")  # fmt: skip
@write_operation
def needs_create(
    request: HttpRequest, payload: NeedIn, idempotency_key: IdempotencyKeyHeader = None
) -> HttpResponse:
    """A need of an employer where the caller is an editor (or of an employer in a network the caller
    coordinates); its skills are tagged from the text and it is matched at once."""
    values = payload.model_dump()
    employer = Organisation.objects.filter(key=values.pop("employer")).first()
    if employer is None:
        raise unknown("employer", [payload.employer], ORGANISATION)
    network = Network.objects.filter(key=values.pop("network")).first()
    if network is None:
        raise unknown("network", [payload.network], NETWORK)
    need = Need(organisation=employer, network=network, **values)
    services.need_save(need=need, actor=request.user)
    services.need_match(need=need, actor=request.user)
    response = respond(NeedDetailOut, _need_detail(request, _needs(request).get(pk=need.pk)), status=201)
    response["Location"] = reverse("api-v1:needs_detail", kwargs={"need_id": need.pk})
    return response


@router.get("/match-runs", response=MatchRunPage, operation_id="match_runs_list")
def match_runs_list(request: HttpRequest, params: Query[RunListQuery]):
    """Matching runs of the networks the caller coordinates, with engine version and parameters."""
    qs = policy.visible(request.user, MatchRun.objects.select_related("network"))
    return page_body(request, keyset_page(qs, RUN_KEYSET, cursor=params.cursor, limit=params.limit))


@router.get("/match-runs/{run_id}", response=MatchRunOut, operation_id="match_runs_detail")
def match_runs_detail(request: HttpRequest, run_id: RecordId):
    return policy.visible(request.user, MatchRun.objects.select_related("network")).get(pk=run_id)


class MatchRunIn(Schema):
    """A batch run over the open needs of a network the caller coordinates."""

    model_config = ConfigDict(extra="forbid")
    network: NetworkKey
    top_k: Annotated[int, Field(ge=1, le=50, description="Programs kept per need.")] = 5


@router.post("/match-runs", response={201: MatchRunOut}, auth=auth.WRITE, operation_id="match_runs_create",
             summary="Start a matching run (created queued, a background job; poll it at Location)")  # fmt: skip
@write_operation
def match_runs_create(
    request: HttpRequest, payload: MatchRunIn, idempotency_key: IdempotencyKeyHeader = None
) -> HttpResponse:
    """Queue a batch run over the network's open needs with the default parameters; the answer is the
    queued run (state `queued`, then `running` and `done` or `failed` at its Location)."""
    network = policy.visible(request.user, Network.objects.all()).filter(key=payload.network).first()
    if network is None:
        raise unknown("network", [payload.network], NETWORK)
    if not policy.can_save(request.user, MatchRun(network=network)):
        raise PermissionDenied
    match_run = matching_jobs.match_run_launch(user=request.user, network=network, top_k=payload.top_k)
    match_run = MatchRun.objects.select_related("network").get(pk=match_run.pk)
    location = reverse("api-v1:match_runs_detail", kwargs={"run_id": match_run.pk})
    return respond(MatchRunOut, match_run, status=201, location=location)


@router.get("/gaps/{network_key}", response=GapsOut, operation_id="gaps_detail")
def gaps_detail(request: HttpRequest, network_key: NetworkKey):
    """Demand against supply per skill and per segment of a network, over the needs the caller may see
    (an employer: its own; the network's coordinators: all)."""
    network = Network.objects.get(key=network_key)
    result = selectors.gaps(request.user, network)
    return {
        "network": network.key,
        "skills": [
            {"code": r.concept.code, "label_ja": r.concept.label_ja, "label_en": r.concept.label_en, "needs": r.needs,
             "people": r.people, "unmet_needs": r.unmet, "unmet_people": r.unmet_people, "programs": r.programs,
             "seats": r.seats, "upcoming_runs": r.upcoming_runs}
            for r in result.skills
        ],
        "segments": [
            {"industry": s.industry, "employees_band": s.employees_band, "area": s.area, "needs": s.needs,
             "people": s.people, "unmet_needs": s.unmet, "unmet_people": s.unmet_people,
             "employers": len(s.employers), "target": s.target is not None}
            for s in result.segments
        ],
        "unmet_needs": [n.pk for n in result.unmet],
    }  # fmt: skip


def _proposals(request: HttpRequest) -> Any:
    return policy.visible(request.user, Proposal.objects.select_related("network")).prefetch_related(
        "skills", "developers"
    )


@router.get("/proposals", response=ProposalPage, operation_id="proposals_list")
def proposals_list(request: HttpRequest, params: Query[ProposalListQuery]):
    """Program proposals of the networks the caller coordinates."""
    return page_body(
        request, keyset_page(_proposals(request), PROPOSAL_KEYSET, cursor=params.cursor, limit=params.limit)
    )


@router.get("/proposals/{proposal_id}", response=ProposalOut, operation_id="proposals_detail")
def proposals_detail(request: HttpRequest, proposal_id: RecordId):
    return _proposals(request).get(pk=proposal_id)


class ProposalStatusIn(Schema):
    """The next step of a proposal: proposed → in development → launched (with its published program)."""

    model_config = ConfigDict(extra="forbid")
    status: Annotated[str, *choice(Proposal.Status.values)]
    program: RecordId | None = Field(
        default=None, description="The id of the published program it became (needed to launch)."
    )


@router.patch("/proposals/{proposal_id}", response={200: ProposalOut}, auth=auth.WRITE,
              operation_id="proposals_update", summary="Move a proposal along its workflow")  # fmt: skip
@write_operation
def proposals_update(
    request: HttpRequest, proposal_id: RecordId, payload: ProposalStatusIn,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:  # fmt: skip
    """A step the workflow allows (else 422 naming `status`); launching names the published program."""
    proposal = _proposals(request).get(pk=proposal_id)
    program = None
    if payload.program is not None:
        program = policy.visible(request.user, Program.objects.all()).filter(pk=payload.program).first()
        if program is None:
            raise unknown("program", [str(payload.program)], PROGRAM)
    services.proposal_set_status(
        proposal=proposal, status=payload.status, actor=request.user, program=program
    )
    return respond(ProposalOut, _proposals(request).get(pk=proposal.pk))
