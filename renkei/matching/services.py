"""Writes to needs and matching: surveys, invitations and answers, needs and their skills, matching
runs, target segments and proposals.

The lifecycle rules live here (and in `rules.py`): an invitation's token is kept as its SHA-256 only;
a response is a draft until it is submitted, once; a submitted response makes the employer's profile
and its needs, and each new need is matched at once (interactively); a need's skills are found by the
taxonomy's tagger, a person may add or remove each one and the tagger keeps to that; a batch run
stores its engine version, parameters and inputs with its matches (`renkei.matching.jobs` runs it in
the background); a proposal is drafted from a gap with the needs behind it and the organisations best
placed to develop it, and moves proposed → in development → launched (with the program published).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import string
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.utils import timezone

from renkei.catalog.models import Program, TeachingContent
from renkei.core import policy
from renkei.core.messages import Msg
from renkei.core.policy import Action, Actor
from renkei.core.rules import Broken, enforce, validation_error
from renkei.core.services import (
    authorize_delete,
    authorize_save,
    record_delete,
    record_save,
    record_services,
    register_writes,
    save_checked,
    service,
)
from renkei.matching import ranking, rules
from renkei.matching.models import (
    EmployerProfile,
    Hearing,
    Invitation,
    Match,
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
from renkei.matching.segments import EmployeesBand, Industry
from renkei.networks import policy as network_policy
from renkei.networks.models import Membership, Network
from renkei.organisations.models import Organisation
from renkei.taxonomy.models import Concept
from renkei.taxonomy.selectors import STARTER_SCHEME, concept_dictionary
from renkei.taxonomy.tagging import concepts_in_text

TAG_KINDS = (Concept.Kind.SKILL, Concept.Kind.KNOWLEDGE)
INVITATION_DAYS = 30
TOKEN_PREFIX = "sv"
_ALPHABET = string.ascii_lowercase + string.digits

survey_save, survey_delete = record_services(Survey, "survey", module=__name__)
survey_section_save, survey_section_delete = record_services(SurveySection, "survey_section", module=__name__)
question_save, question_delete = record_services(Question, "question", module=__name__)
hearing_save, hearing_delete = record_services(Hearing, "hearing", module=__name__)
employer_profile_save, employer_profile_delete = record_services(
    EmployerProfile, "employer_profile", module=__name__
)
target_segment_save, target_segment_delete = record_services(TargetSegment, "target_segment", module=__name__)
match_save, match_delete = record_services(Match, "match", module=__name__)


# --- surveys -------------------------------------------------------------------------------------------


def _new_survey_key(network: Network, today: dt.date) -> str:
    base = f"survey-{today:%Y%m%d}"
    taken = set(Survey.objects.filter(network=network, key__startswith=base).values_list("key", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


@service
def survey_create(
    *, network: Network, actor: Actor | None, title_ja: str, title_en: str = "", intro_ja: str = "",
    intro_en: str = "", opens_on: dt.date | None = None, closes_on: dt.date | None = None, key: str = "",
) -> Survey:  # fmt: skip
    """A new survey of a network, as a draft (its questions are added next; it is opened when ready).
    Without a key, one is made from today's date (survey-YYYYMMDD, then -2, -3 …)."""
    survey = Survey(
        network=network, key=key or _new_survey_key(network, timezone.localdate()), title_ja=title_ja.strip(),
        title_en=title_en.strip(), intro_ja=intro_ja.strip(), intro_en=intro_en.strip(), opens_on=opens_on,
        closes_on=closes_on, status=Survey.Status.DRAFT,
    )  # fmt: skip
    return survey_save(survey=survey, actor=actor)


@service
def survey_set_status(
    *, survey: Survey, status: str, actor: Actor | None, today: dt.date | None = None
) -> Survey:
    """Open a survey to answers, or close it (draft → open → closed, and open again). Refused, with the
    reason in both languages: another step, opening a survey without questions or past its closing date."""
    authorize_save(actor, survey)
    today = today or timezone.localdate()
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    enforce(
        rules.check_survey_status(
            stored=locked.status, new=status, questions=locked.questions.count(), closes_on=locked.closes_on,
            today=today,
        )
    )  # fmt: skip
    locked.status = Survey.Status(status)
    if locked.status == Survey.Status.OPEN and locked.opens_on is None:
        locked.opens_on = today
    survey_save(survey=locked, actor=actor)
    survey.refresh_from_db()
    return survey


# --- invitations ---------------------------------------------------------------------------------------


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def _issue(invitation: Invitation) -> str:
    prefix = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    secret = secrets.token_urlsafe(32)
    invitation.prefix = prefix
    invitation.secret_hash = hash_secret(secret)
    return f"{TOKEN_PREFIX}_{prefix}_{secret}"


def parse_token(text: str) -> tuple[str, str] | None:
    parts = (text or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != 12 or not parts[2]:
        return None
    if not all(c in _ALPHABET for c in parts[1]) or len(parts[2]) > 64 or not parts[2].isascii():
        return None
    return parts[1], parts[2]


@service
def invitation_save(*, invitation: Invitation, actor: Actor | None) -> Invitation:
    """Save an invitation; a new one gets its token (its text is on `invitation.token_text`, once)."""
    if not invitation.prefix:
        invitation.token_text = _issue(invitation)  # type: ignore[attr-defined]  # shown once, never stored
    if invitation.expires_at is None:
        invitation.expires_at = timezone.now() + dt.timedelta(days=INVITATION_DAYS)
    return record_save(obj=invitation, actor=actor)


@service
def invitation_delete(*, invitation: Invitation, actor: Actor | None) -> None:
    record_delete(obj=invitation, actor=actor)


@service
def invitation_create(
    *, survey: Survey, organisation: Organisation, actor: Actor | None, target_group: str = "",
    days: int = INVITATION_DAYS, is_sample: bool = False,
) -> tuple[Invitation, str]:  # fmt: skip
    """Invite one organisation to a survey; returns the invitation and its link's token (shown once)."""
    invitation = Invitation(
        survey=survey, organisation=organisation, target_group=target_group, is_sample=is_sample,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )  # fmt: skip
    invitation_save(invitation=invitation, actor=actor)
    return invitation, invitation.token_text  # type: ignore[attr-defined]


@service
def invitation_reissue(*, invitation: Invitation, actor: Actor | None, days: int = INVITATION_DAYS) -> str:
    """A new link for the same invitation (the old one stops working); refused once it was submitted."""
    if Response.objects.filter(invitation=invitation, status=Response.Status.SUBMITTED).exists():
        raise validation_error([Broken(None, rules.ALREADY_SUBMITTED, "submitted")])
    token = _issue(invitation)
    invitation.expires_at = timezone.now() + dt.timedelta(days=days)
    invitation.revoked_at = None
    record_save(obj=invitation, actor=actor)
    return token


@service
def invitation_revoke(*, invitation: Invitation, actor: Actor | None) -> Invitation:
    invitation.revoked_at = timezone.now()
    return record_save(obj=invitation, actor=actor)


# --- answers ---------------------------------------------------------------------------------------------


def question_specs(survey: Survey) -> list[rules.QuestionSpec]:
    questions = list(survey.questions.all())
    skill_codes: frozenset[str] = frozenset()
    if any(q.kind == Question.Kind.SKILLS for q in questions):
        skill_codes = frozenset(skill_choices().keys())
    return [
        rules.QuestionSpec(
            key=q.key, kind=q.kind, required=q.required, choices=tuple(c["value"] for c in q.choices or []),
            low=q.scale_min if q.kind == Question.Kind.SCALE else q.number_min,
            high=q.scale_max if q.kind == Question.Kind.SCALE else q.number_max, skills=skill_codes,
        )
        for q in questions
    ]  # fmt: skip


def skill_choices() -> dict[str, Concept]:
    """The skills a respondent picks from: the starter taxonomy's skills (code → concept)."""
    rows = Concept.objects.filter(scheme__key=STARTER_SCHEME, kind__in=TAG_KINDS).order_by(
        "sort_order", "code"
    )
    return {c.code: c for c in rows}


PROFILE_CHOICE = Msg("一覧から選んでください。", "Choose from the list.")
MUNICIPALITY_FORMAT = Msg(
    "市区町村コードは5桁の数字で入力してください。", "Enter the municipality code as five digits."
)


def check_profile(profile: Mapping[str, Any]) -> tuple[dict[str, str], list[Broken]]:
    """The respondent's industry, size and municipality, cleaned."""
    cleaned = {
        "industry": str(profile.get("industry") or ""),
        "employees_band": str(profile.get("employees_band") or ""),
        "municipality_code": str(profile.get("municipality_code") or "").strip(),
        "respondent_name": str(profile.get("respondent_name") or "").strip()[:200],
    }
    broken = []
    if cleaned["industry"] and cleaned["industry"] not in Industry.values:
        broken.append(Broken("industry", PROFILE_CHOICE, "choice"))
    if cleaned["employees_band"] and cleaned["employees_band"] not in EmployeesBand.values:
        broken.append(Broken("employees_band", PROFILE_CHOICE, "choice"))
    code = cleaned["municipality_code"]
    if code and not (len(code) == 5 and code.isascii() and code.isdigit()):
        broken.append(Broken("municipality_code", MUNICIPALITY_FORMAT, "format"))
    return cleaned, broken


@service
def response_answer(
    *, invitation: Invitation, answers: Mapping[str, Any], profile: Mapping[str, Any], submit: bool,
    now: dt.datetime | None = None,
) -> Response:  # fmt: skip
    """Save an invited respondent's answers as a draft, or submit them (once). The token was the
    credential, so the writes are the system's. Refused: an expired, withdrawn or used link, a closed
    survey, and (on submit) a missing required answer, each with its message in both languages."""
    now = now or timezone.now()
    locked = Invitation.objects.select_for_update().select_related("survey").get(pk=invitation.pk)
    survey = locked.survey
    response = Response.objects.filter(invitation=locked).first()
    refused = rules.check_invitation(
        expires_at=locked.expires_at, revoked=locked.revoked_at is not None,
        submitted=response is not None and response.status == Response.Status.SUBMITTED,
        survey_open=survey.is_open(timezone.localdate(now)), now=now,
    )  # fmt: skip
    if refused is not None:
        raise validation_error([Broken(None, refused, "refused")])
    cleaned, broken = rules.check_answers(questions=question_specs(survey), answers=answers, final=submit)
    profile_values, profile_broken = check_profile(profile)
    enforce(broken + profile_broken)
    if response is None:
        response = Response(survey=survey, invitation=locked, organisation_id=locked.organisation_id)
    response.answers = cleaned
    response.is_sample = locked.is_sample
    for name, value in profile_values.items():
        setattr(response, name, value)
    response.via = Response.Via.FORM
    if submit:
        response.status = Response.Status.SUBMITTED
        response.submitted_at = now
    save_checked(response)
    if submit:
        response_apply(response=response, actor=None)
    return response


@service
def survey_import_mapping_save(*, survey: Survey, mapping: Mapping[str, str], actor: Actor | None) -> Survey:
    """Keep the confirmed mapping of a form tool's export (folded header → question or respondent field,
    `renkei.matching.importers`) on the survey, so the next file of the same form maps the same way."""
    if actor is not None and not policy.can(actor, Action.CHANGE, survey):
        raise PermissionDenied
    survey.import_mapping = {**(survey.import_mapping or {}), **{str(k): str(v) for k, v in mapping.items()}}
    return survey_save(survey=survey, actor=actor)


@service
def response_save(*, response: Response, actor: Actor | None) -> Response:
    """Save a response (the admin, an import): a submitted one is fixed, except for the secretariat."""
    stored = Response.objects.filter(pk=response.pk).first() if response.pk else None
    if (
        stored is not None and stored.status == Response.Status.SUBMITTED and actor is not None
        and not policy.is_superuser(actor)
        and stored.survey.network_id not in network_policy.staff_network_ids(actor)
    ):  # fmt: skip
        raise PermissionDenied
    return record_save(obj=response, actor=actor)


@service
def response_delete(*, response: Response, actor: Actor | None) -> None:
    record_delete(obj=response, actor=actor)


@service
def response_apply(*, response: Response, actor: Actor | None, match: bool = True) -> list[Need]:
    """What a submitted response makes: the employer's profile (filled where it is empty) and one need
    per answered need question, each tagged and, unless `match` is False, matched at once."""
    if response.status != Response.Status.SUBMITTED:
        return []
    profile = EmployerProfile.objects.filter(organisation_id=response.organisation_id).first()
    profile = profile or EmployerProfile(
        organisation_id=response.organisation_id, is_sample=response.is_sample
    )
    changed = False
    for name in ("industry", "employees_band", "municipality_code"):
        if getattr(response, name) and getattr(profile, name) != getattr(response, name):
            setattr(profile, name, getattr(response, name))
            changed = True
    if changed or profile.pk is None:
        record_save(obj=profile, actor=actor)
    if response.needs.exists():
        return list(response.needs.all())
    questions = {q.key: q for q in response.survey.questions.all()}
    by_role: dict[str, Any] = {}
    for key, value in response.answers.items():
        question = questions.get(key)
        if question is not None and question.role:
            by_role.setdefault(question.role, value)
    skills = [
        c for code, c in skill_choices().items() if code in set(by_role.get(Question.Role.NEED_SKILLS) or [])
    ]
    mode = by_role.get(Question.Role.MODE)
    needs = []
    for key, value in response.answers.items():
        question = questions.get(key)
        if question is None or question.role != Question.Role.NEED_TEXT or not str(value).strip():
            continue
        need = Need(
            organisation_id=response.organisation_id, network_id=response.survey.network_id, response=response,
            text=str(value).strip(), headcount=by_role.get(Question.Role.HEADCOUNT) or None,
            mode=mode if mode in Need.Mode.values else Need.Mode.ANY,
            budget_yen=by_role.get(Question.Role.BUDGET) or None, is_sample=response.is_sample,
        )  # fmt: skip
        need_save(need=need, actor=actor, skills=skills)
        if match:
            need_match(need=need, actor=actor)
        needs.append(need)
    return needs


# --- needs and their skills ---------------------------------------------------------------------------


def tag_text(text: str) -> list[tuple[Concept, str]]:
    """The taxonomy's skills found in a text, each with the words that produced it."""
    dictionary = concept_dictionary(scheme_keys=(STARTER_SCHEME,), kinds=TAG_KINDS)
    found = concepts_in_text(text, concepts=dictionary)
    concepts = {
        c.code: c
        for c in Concept.objects.filter(scheme__key=STARTER_SCHEME, code__in=[m.code for m in found])
    }
    return [(concepts[m.code], m.term) for m in found if m.code in concepts]


@service
def need_save(
    *, need: Need, actor: Actor | None, skills: Iterable[Concept] | None = None, retag: bool = True
) -> Need:
    """Create or update a need; its skills follow its text (the tagger), keeping what a person set:
    skills a person added stay, skills a person removed stay off. `skills` adds skills a person chose."""
    authorize_save(actor, need)
    stored_text = Need.objects.filter(pk=need.pk).values_list("text", flat=True).first() if need.pk else None
    save_checked(need)
    if retag and stored_text != need.text:
        need_tag(need=need)
    for concept in skills or ():
        NeedSkill.objects.update_or_create(
            need=need, concept=concept, defaults={"origin": NeedSkill.Origin.PERSON, "rejected": False}
        )
    return need


@service
def hearing_record(
    *, hearing: Hearing, needs: Iterable[str], actor: Actor | None, match: bool = True
) -> list[Need]:
    """Save a hearing's notes and the needs extracted from it (one text each), each tagged and, unless
    `match` is False, matched at once; all or nothing."""
    hearing_save(hearing=hearing, actor=actor)
    made = []
    for text in needs:
        if not text.strip():
            continue
        need = need_save(
            need=Need(organisation=hearing.organisation, network=hearing.network, hearing=hearing,
                      text=text.strip(), is_sample=hearing.is_sample),
            actor=actor,
        )  # fmt: skip
        if match:
            need_match(need=need, actor=actor)
        made.append(need)
    return made


@service
def need_tag(*, need: Need) -> list[NeedSkill]:
    """Tag the need's text again: skills found now are added (with their words); skills the tagger
    found before and does not find now are dropped; a person's choices are kept."""
    found = tag_text(need.text)
    current = {ns.concept_id: ns for ns in need.need_skills.all()}
    seen = set()
    for concept, words in found:
        seen.add(concept.pk)
        row = current.get(concept.pk)
        if row is None:
            NeedSkill.objects.create(
                need=need, concept=concept, words=words[:200], origin=NeedSkill.Origin.TAGGER
            )
        elif row.origin == NeedSkill.Origin.TAGGER and row.words != words[:200]:
            row.words = words[:200]
            row.save(update_fields=["words", "updated_at"])
    for concept_id, row in current.items():
        if concept_id not in seen and row.origin == NeedSkill.Origin.TAGGER and not row.rejected:
            row.delete()
    return list(need.need_skills.all())


@service
def need_delete(*, need: Need, actor: Actor | None) -> None:
    record_delete(obj=need, actor=actor)


@service
def need_set_status(*, need: Need, status: str, actor: Actor | None) -> Need:
    need.status = Need.Status(status)
    authorize_save(actor, need)
    save_checked(need)
    return need


@service
def need_skill_save(*, need_skill: NeedSkill, actor: Actor | None) -> NeedSkill:
    """A person sets a skill of a need (or edits one): it becomes theirs, and is kept on re-tagging."""
    if need_skill.pk is None or need_skill.origin == NeedSkill.Origin.PERSON:
        need_skill.origin = NeedSkill.Origin.PERSON
    return record_save(obj=need_skill, actor=actor)


@service
def need_skill_delete(*, need_skill: NeedSkill, actor: Actor | None) -> None:
    record_delete(obj=need_skill, actor=actor)


@service
def need_skill_add(*, need: Need, concept: Concept, actor: Actor | None) -> NeedSkill:
    row = NeedSkill.objects.filter(need=need, concept=concept).first() or NeedSkill(
        need=need, concept=concept
    )
    row.rejected = False
    if row.pk is None:
        row.origin = NeedSkill.Origin.PERSON
    return record_save(obj=row, actor=actor)


@service
def need_skill_remove(*, need_skill: NeedSkill, actor: Actor | None) -> None:
    """Remove a skill: one the tagger found is marked removed (so re-tagging keeps it off)."""
    if need_skill.origin == NeedSkill.Origin.TAGGER:
        need_skill.rejected = True
        record_save(obj=need_skill, actor=actor)
    else:
        record_delete(obj=need_skill, actor=actor)


# --- matching runs ---------------------------------------------------------------------------------------


def member_ids(network_id: int, today: dt.date | None = None) -> set[int]:
    """The current members of a network and all their units."""
    today = today or timezone.localdate()
    roots = {
        m.organisation_id for m in Membership.objects.filter(network_id=network_id) if m.is_current(today)
    }
    ids, frontier = set(roots), set(roots)
    while frontier:
        frontier = set(Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    return ids


def _needs_queryset() -> Any:
    return Need.objects.select_related("organisation").prefetch_related(
        Prefetch("need_skills", queryset=NeedSkill.objects.order_by("pk"))
    )


def compute_run(
    match_run: MatchRun, *, need_ids: list[int] | None = None, program_ids: list[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[ranking.Ranked], dict[str, Any]]:  # fmt: skip
    """Rank for a run (reads only): the needs and programs it covers now, or the ones given (to
    reproduce a stored run). Returns the matches and the run's inputs record."""
    today = (
        dt.date.fromisoformat(match_run.inputs["today"])
        if match_run.inputs.get("today")
        else timezone.localdate()
    )
    needs_qs = _needs_queryset()
    if need_ids is not None:
        needs = list(needs_qs.filter(pk__in=need_ids).order_by("pk"))
    elif match_run.scope == MatchRun.Scope.ONE_NEED:
        needs = list(needs_qs.filter(pk=match_run.need_id))
    elif match_run.scope == MatchRun.Scope.IMPORTED:
        live = [Need.Status.OPEN, Need.Status.MATCHED]
        needs = list(needs_qs.filter(pk__in=match_run.need_ids or [], status__in=live).order_by("pk"))
    else:
        needs = list(
            needs_qs.filter(network_id=match_run.network_id, status__in=[Need.Status.OPEN, Need.Status.MATCHED])
            .order_by("pk")
        )  # fmt: skip
    programs = ranking.programs_for(match_run.network_id, member_ids(match_run.network_id, today))
    if program_ids is not None:
        wanted = set(program_ids)
        programs = [p for p in programs if p.pk in wanted]
    docs = ranking.program_docs(programs, today)
    places = ranking.municipality_places(n.place_code() for n in needs)
    values = [ranking.need_value(n, places=places, today=today) for n in needs]
    taxonomy = ranking.taxonomy_value(
        {c for v in values for c in v.skills} | {c for d in docs for c in d.skills}
    )
    params = match_run.parameters or ranking.default_params()
    ranked = ranking.rank(needs=values, docs=docs, taxonomy=taxonomy, params=params, k=match_run.top_k,
                          progress=progress)  # fmt: skip
    inputs = {
        "today": today.isoformat(), "needs": [n.pk for n in needs], "programs": [p.pk for p in programs],
        "content": ranking.content_fingerprint(values, docs),
    }  # fmt: skip
    return ranked, inputs


@service
def match_run_create(
    *, network: Network, actor: Actor | None, scope: str = MatchRun.Scope.OPEN_NEEDS, need: Need | None = None,
    top_k: int = 5, parameters: Mapping[str, Any] | None = None, repeat_of: MatchRun | None = None,
    is_sample: bool = False, job: Any = None, need_ids: Iterable[int] | None = None,
) -> MatchRun:  # fmt: skip
    """A queued run with its engine version and parameters (the defaults unless given); `need_ids` are the
    needs of a run over an import's needs (scope `imported`)."""
    match_run = MatchRun(
        network=network, scope=scope, need=need, top_k=top_k, repeat_of=repeat_of, is_sample=is_sample, job=job,
        need_ids=sorted(set(need_ids or ())),
        parameters=dict(parameters) if parameters else ranking.default_params(),
        engine_version=ranking.engine_version(),
        started_by=actor if actor is not None and actor.is_authenticated else None,
    )  # fmt: skip
    return record_save(obj=match_run, actor=actor)


@service
def match_run_store(*, match_run: MatchRun, ranked: list[ranking.Ranked], inputs: dict[str, Any]) -> MatchRun:
    """Write a run's matches and mark it done; once (a run already done is left as it is)."""
    locked = MatchRun.objects.select_for_update().get(pk=match_run.pk)
    if locked.state == MatchRun.State.DONE:
        return locked
    Match.objects.bulk_create(
        [
            Match(run=locked, need_id=r.need_id, program_id=r.program_id, rank=r.rank, score=r.score,
                  reasons_ja=r.reasons_ja, reasons_en=r.reasons_en, contributions=r.contributions)
            for r in ranked
        ]
    )  # fmt: skip
    locked.inputs = inputs
    locked.fingerprint = ranking.results_fingerprint(ranked)
    locked.need_count = len(inputs["needs"])
    locked.match_count = len(ranked)
    locked.state = MatchRun.State.DONE
    locked.finished_at = timezone.now()
    locked.save()
    matched = {r.need_id for r in ranked}
    for need in Need.objects.filter(pk__in=matched, status=Need.Status.OPEN):
        need.status = Need.Status.MATCHED
        need.save(update_fields=["status", "updated_at"])
    match_run.refresh_from_db()
    return locked


@service
def match_run_fail(*, match_run: MatchRun) -> None:
    MatchRun.objects.filter(pk=match_run.pk).exclude(state=MatchRun.State.DONE).update(
        state=MatchRun.State.FAILED
    )


@service
def match_run_delete(*, match_run: MatchRun, actor: Actor | None) -> None:
    record_delete(obj=match_run, actor=actor)


@service
def match_run_save(*, match_run: MatchRun, actor: Actor | None) -> MatchRun:
    return record_save(obj=match_run, actor=actor)


@service
def need_match(*, need: Need, actor: Actor | None, top_k: int = 5) -> MatchRun:
    """Match one need now (when it is submitted or saved): a run of its own, stored like a batch run.
    Whoever may change the need may ask for it (the employer's editors, the coordinators)."""
    if actor is not None and not policy.can(actor, Action.CHANGE, need):
        raise PermissionDenied
    match_run = match_run_create(network=need.network, actor=None, scope=MatchRun.Scope.ONE_NEED, need=need,
                                 top_k=top_k, is_sample=need.is_sample)  # fmt: skip
    if actor is not None and actor.is_authenticated:
        match_run.started_by = actor
        match_run.save(update_fields=["started_by", "updated_at"])
    ranked, inputs = compute_run(match_run)
    return match_run_store(match_run=match_run, ranked=ranked, inputs=inputs)


@service
def match_run_run_now(*, match_run: MatchRun, progress: Callable[[int, int], None] | None = None) -> MatchRun:
    """Compute and store a queued run in this process (a loader, a command)."""
    ranked, inputs = compute_run(match_run, progress=progress)
    return match_run_store(match_run=match_run, ranked=ranked, inputs=inputs)


def needs_never_matched(need_ids: Iterable[int]) -> list[int]:
    """Of these needs, the open ones that no run has matched yet (what an import's run ranks, so that
    running it again, or importing again, matches nothing twice)."""
    return sorted(
        Need.objects.filter(pk__in=list(need_ids), status=Need.Status.OPEN, matches__isnull=True)
        .values_list("pk", flat=True).distinct()
    )  # fmt: skip


def match_run_reproduce(match_run: MatchRun) -> tuple[bool, str]:
    """Rank again with the run's stored parameters, day, needs and programs; (same results?, fingerprint).
    Reads only. Different results mean the needs' or programs' content changed since (compare
    `inputs.content`) or the engine version differs."""
    ranked, _inputs = compute_run(
        match_run,
        need_ids=match_run.inputs.get("needs", []),
        program_ids=match_run.inputs.get("programs", []),
    )
    fingerprint = ranking.results_fingerprint(ranked)
    return fingerprint == match_run.fingerprint, fingerprint


# --- proposals ---------------------------------------------------------------------------------------------


@service
def proposal_save(
    *, proposal: Proposal, actor: Actor | None, skills: Iterable[Concept] | None = None,
    needs: Iterable[Need] | None = None, developers: Iterable[Organisation] | None = None,
) -> Proposal:  # fmt: skip
    authorize_save(actor, proposal)
    if needs is not None:
        needs = list(needs)
        if any(n.network_id != proposal.network_id for n in needs):
            raise PermissionDenied
    program = proposal.program if proposal.program_id is not None else None
    if program is not None and actor is not None and not policy.can(actor, Action.VIEW, program):
        raise PermissionDenied
    save_checked(proposal)
    for name, values in (("skills", skills), ("needs", needs), ("developers", developers)):
        if values is not None:
            getattr(proposal, name).set(list(values))
    return proposal


@service
def proposal_set_texts(
    *, proposal: Proposal, actor: Actor | None, title_ja: str, title_en: str = "", summary_ja: str = "",
    summary_en: str = "",
) -> Proposal:  # fmt: skip
    """A coordinator words a proposal: its title and summary in Japanese (the title required) and in
    English (blank: English pages show the Japanese)."""
    proposal.title_ja, proposal.title_en = title_ja.strip(), title_en.strip()
    proposal.summary_ja, proposal.summary_en = summary_ja.strip(), summary_en.strip()
    return proposal_save(proposal=proposal, actor=actor)


@service
def proposal_delete(*, proposal: Proposal, actor: Actor | None) -> None:
    authorize_delete(actor, proposal)
    proposal.delete()


@service
def proposal_set_status(
    *, proposal: Proposal, status: str, actor: Actor | None, program: Program | None = None
) -> Proposal:
    proposal.status = Proposal.Status(status)
    if program is not None:
        proposal.program = program
    return proposal_save(proposal=proposal, actor=actor)


def best_placed(network_id: int, skill_ids: set[int], limit: int = 3) -> list[dict[str, Any]]:
    """Member organisations ranked by their published programs and teaching content on these skills."""
    members = member_ids(network_id)
    programs = (
        Program.objects.filter(status=Program.Status.PUBLISHED, skills__in=skill_ids)
        .filter(Q(shared_with=network_id) | Q(provider_id__in=members))
        .distinct().select_related("provider").order_by("pk")
    )  # fmt: skip
    contents = (
        TeachingContent.objects.filter(status=TeachingContent.Status.PUBLISHED, mdash_units__in=skill_ids)
        .distinct().select_related("provider").order_by("pk")
    )  # fmt: skip
    evidence: dict[int, dict[str, Any]] = {}
    for program in programs:
        entry = evidence.setdefault(program.provider_id, {"organisation": program.provider_id, "programs": [],
                                                           "contents": []})  # fmt: skip
        entry["programs"].append({"id": program.pk, "code": program.code, "title": program.title_ja,
                                  "title_en": program.title_en})  # fmt: skip
    for content in contents:
        entry = evidence.setdefault(content.provider_id, {"organisation": content.provider_id, "programs": [],
                                                           "contents": []})  # fmt: skip
        entry["contents"].append({"id": content.pk, "code": content.code, "title": content.title_ja,
                                  "title_en": content.title_en})  # fmt: skip
    ranked = sorted(
        evidence.values(), key=lambda e: (-(len(e["programs"]) + len(e["contents"])), e["organisation"])
    )
    return ranked[:limit]


@service
def proposal_draft_from_gap(
    *, network: Network, skills: Iterable[Concept], actor: Actor | None, key: str, industry: str = "",
    employees_band: str = "", area: str = "", title_ja: str = "", title_en: str = "", summary_ja: str = "",
    summary_en: str = "", is_sample: bool = False,
) -> Proposal:  # fmt: skip
    """Draft a proposal from a gap: the open needs of the network on these skills (in the segment, when
    given) are its evidence; its mode and level are the ones those needs ask for most; the member
    organisations with most programs and content on these skills are named to develop it."""
    from renkei.matching.selectors import unmet_needs  # reads only

    skills = list(skills)
    skill_ids = {c.pk for c in skills}
    needs = [
        n
        for n in unmet_needs(network_id=network.pk, skill_ids=skill_ids)
        if _in_segment(n, industry, employees_band, area)
    ]
    modes = Counter(n.mode for n in needs if n.mode != Need.Mode.ANY)
    levels = Counter(n.level for n in needs if n.level)
    developers = best_placed(network.pk, skill_ids)
    employers = len({n.organisation_id for n in needs})
    labels_ja = "・".join(c.label_ja or c.label_en for c in skills)
    labels_en = ", ".join(c.label_en or c.label_ja for c in skills)
    proposal = Proposal(
        network=network, key=key, industry=industry, employees_band=employees_band, area=area,
        title_ja=title_ja or f"{labels_ja} 新規プログラム案", title_en=title_en or f"New program: {labels_en}",
        summary_ja=summary_ja or f"{len(needs)}件の未充足ニーズ（{employers}事業者）に基づく提案。",
        summary_en=summary_en or f"Proposed from {len(needs)} unmet needs of {employers} employers.",
        suggested_mode=modes.most_common(1)[0][0] if modes else Need.Mode.ANY,
        suggested_level=levels.most_common(1)[0][0] if levels else "",
        developer_evidence=developers, is_sample=is_sample,
    )  # fmt: skip
    return proposal_save(
        proposal=proposal, actor=actor, skills=skills, needs=needs,
        developers=Organisation.objects.filter(pk__in=[d["organisation"] for d in developers]),
    )  # fmt: skip


def _in_segment(need: Need, industry: str, band: str, area: str) -> bool:
    from renkei.matching.segments import area_of

    profile = getattr(need.organisation, "employer_profile", None)
    values = (
        profile.industry if profile else "", profile.employees_band if profile else "",
        area_of(need.place_code()),
    )  # fmt: skip
    return all(not want or want == have for want, have in zip((industry, band, area), values, strict=True))


register_writes(Invitation, save=invitation_save, delete=invitation_delete, argument="invitation")
register_writes(Response, save=response_save, delete=response_delete, argument="response")
register_writes(Need, save=need_save, delete=need_delete, argument="need")
register_writes(NeedSkill, save=need_skill_save, delete=need_skill_delete, argument="need_skill")
register_writes(MatchRun, save=match_run_save, delete=match_run_delete, argument="match_run")
register_writes(Proposal, save=proposal_save, delete=proposal_delete, argument="proposal")
