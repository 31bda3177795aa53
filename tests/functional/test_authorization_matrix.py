"""The authorisation matrix: every route × persona has a stated outcome, and no persona writes across
organisations.

Personas: anonymous; viewer, editor and administrator of university A; the same of university B; the
secretariat of network N (A and B are members); a signed-in user with no organisation; a superuser.
Every affiliated persona and the secretariat are staff, so the admin is open to them: the policy,
not the door, must hold.

- Pages and API: each route of the URL configuration is listed in ROUTES with what each persona
  gets; a route missing from the table fails the build.
- Admin: for every model with an admin page, a row belonging to A (or to network N) is submitted
  back through its change form by every persona; it may change only for the writers WRITERS names.
- Writes that point a foreign key at another organisation or network are refused (TARGETS).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from factories import (
    ActualFactory,
    AffiliationFactory,
    AgendaItemFactory,
    DeclaredCountFactory,
    EmployerProfileFactory,
    EvaluationFactory,
    GroupComponentFactory,
    HearingFactory,
    IdentifierFactory,
    IndicatorFactory,
    InitiativeFactory,
    InvitationFactory,
    MatchFactory,
    MatchRunFactory,
    MeetingFactory,
    NeedFactory,
    NeedSkillFactory,
    NetworkStaffFactory,
    OrganisationFactory,
    PostFactory,
    ProposalFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyFactory,
    SurveySectionFactory,
    TargetFactory,
    TargetSegmentFactory,
    UserFactory,
)
from support.admin_forms import admin_url, form_data

from renkei.catalog import services as catalog_services
from renkei.catalog.models import CurriculumUnit, JointCurriculum, Program, ProgramRun, TeachingContent
from renkei.core.models import AuditEntry, Source
from renkei.core.services import registered_writes, writes_for
from renkei.indicators.models import Actual, Evaluation, Indicator, Initiative, Report, Target
from renkei.matching import models as matching
from renkei.networks.models import (
    Attendance,
    Body,
    BodyParticipant,
    Decision,
    Document,
    DocumentVersion,
    Membership,
    Tenure,
)
from renkei.organisations.models import Organisation, Person
from renkei.taxonomy.models import Concept, Scheme

pytestmark = pytest.mark.django_db

A_SIDE = ("viewer_a", "editor_a", "admin_a")
B_SIDE = ("viewer_b", "editor_b", "admin_b")
PERSONAS = ("anonymous", *A_SIDE, *B_SIDE, "secretariat", "outsider", "superuser")
EDITORS = ("editor_a", "admin_a", "editor_b", "admin_b", "secretariat", "superuser")


@dataclass
class Cast:
    users: dict[str, Any]
    a: Organisation
    b: Organisation
    rows: dict[type[models.Model], models.Model]
    published: Program
    draft: Program
    other_network: Any


@pytest.fixture
def cast(owner_org, owner_unit, other_org, network, other_network, secretariat, superuser) -> Cast:
    users: dict[str, Any] = {"anonymous": None, "superuser": superuser, "secretariat": secretariat}
    for side, org in (("a", owner_org), ("b", other_org)):
        for role in ("viewer", "editor", "admin"):
            users[f"{role}_{side}"] = AffiliationFactory(
                organisation=org, role=role, user=UserFactory(username=f"{role}-{side}", is_staff=True)
            ).user
    users["outsider"] = UserFactory(username="nobody", is_staff=True)
    secretariat.is_staff = True
    secretariat.save()
    source = Source.objects.create(code="T1", title_ja="試験資料")
    scheme = Scheme.objects.create(key="test-scheme", name_ja="試験分類")
    concept = Concept.objects.create(scheme=scheme, code="T-1", label_ja="試験概念", kind=Concept.Kind.FIELD)
    published = Program(
        provider=owner_org, unit=owner_unit, code="PUB", title_ja="公開講座", status="published"
    )
    catalog_services.program_save(program=published, actor=None, shared_with=[network])
    draft = Program(provider=owner_org, code="DRAFT", title_ja="下書き講座", status="draft")
    catalog_services.program_save(program=draft, actor=None)
    run = ProgramRun(program=draft, starts_on=dt.date(2030, 4, 1))
    catalog_services.program_run_save(run=run, actor=None)
    content = TeachingContent.objects.create(
        provider=owner_org, code="C1", title_ja="教材", status="published"
    )
    curriculum = JointCurriculum.objects.create(network=network, key="jc", title_ja="共同カリキュラム")
    unit = CurriculumUnit.objects.create(curriculum=curriculum, concept=concept, order=1)
    group = OrganisationFactory(key="a-group", kind=Organisation.Kind.INSTITUTION_GROUP, name_ja="A群")
    AffiliationFactory(organisation=group, role="editor", user=users["editor_a"])
    body = Body.objects.create(
        network=network, key="council", kind=Body.Kind.STEERING_COUNCIL, name_ja="運営会議"
    )
    post = PostFactory(body=body)
    person = Person.objects.create(name_ja="試験 花子", organisation=owner_org)
    meeting = MeetingFactory(body=body, held_on=dt.date(2024, 6, 1))
    item = AgendaItemFactory(meeting=meeting)
    decision = Decision.objects.create(meeting=meeting, agenda_item=item, text_ja="承認")
    document = Document.objects.create(network=network, title_ja="規約")
    rows: dict[type[models.Model], models.Model] = {
        Organisation: owner_unit,
        Person: person,
        Program: draft,
        ProgramRun: run,
        TeachingContent: content,
        JointCurriculum: curriculum,
        CurriculumUnit: unit,
        Source: source,
        Scheme: scheme,
        Concept: concept,
        Membership: Membership.objects.get(network=network, organisation=owner_org),
        Body: body,
        Document: document,
        DocumentVersion: DocumentVersion.objects.create(document=document, number=1, source=source),
        BodyParticipant: BodyParticipant.objects.create(body=body, organisation=owner_org, source=source),
        Tenure: Tenure.objects.create(post=post, person=person, on_behalf_of=owner_org, selected_by=decision),
        Attendance: Attendance.objects.create(meeting=meeting, organisation=owner_org, attendees=3),
        Decision: decision,
    }
    rows[type(post)] = post
    rows[type(meeting)] = meeting
    rows[type(network)] = network
    rows[type(users["outsider"])] = users["outsider"]
    rows[type(item)] = item
    identifier = IdentifierFactory(organisation=owner_org)
    rows[type(identifier)] = identifier
    component = GroupComponentFactory(group=group, member=owner_org)
    rows[type(component)] = component
    affiliation = users["viewer_a"].affiliations.get()
    rows[type(affiliation)] = affiliation
    staff = NetworkStaffFactory(network=network, user=UserFactory(username="staff-2"))
    rows[type(staff)] = staff
    count = DeclaredCountFactory(network=network)
    rows[type(count)] = count
    initiative = InitiativeFactory(organisation=owner_org)
    indicator = IndicatorFactory(initiative=initiative, key="a-indicator")
    rows.update({
        Initiative: initiative,
        Evaluation: EvaluationFactory(initiative=initiative),
        Indicator: indicator,
        Target: TargetFactory(indicator=indicator),
        Actual: ActualFactory(indicator=indicator),
        Report: Report.objects.create(initiative=initiative, title="A の報告書"),
    })  # fmt: skip
    rows.update(_partnership_rows(owner_org, owner_unit, network))
    rows.update(_matching_rows(owner_org, network, concept, published))
    return Cast(users, owner_org, other_org, rows, published, draft, other_network)


def _partnership_rows(
    owner_org: Any, owner_unit: Any, network: Any
) -> dict[type[models.Model], models.Model]:
    """A partnership of A (published) with a row of every partnership model; a draft agreement of A."""
    from renkei.partnerships import models as pm

    partner = OrganisationFactory(key="partner-u", name_ja="相手大学", country="DE")
    phase = pm.Phase.objects.create(home=owner_org, number=1, name_ja="第1期", starts_on=dt.date(2021, 1, 1))
    partnership = pm.Partnership.objects.create(
        key="a-partner", home=owner_org, partner=partner, status="published", summary_ja="概要"
    )
    agreement = pm.Agreement.objects.create(
        key="a-agreement", owner=owner_org, partnership=partnership, kind="student_exchange", title_ja="協定"
    )
    version = pm.AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        valid_from=dt.date(2024, 4, 1),
        valid_until=dt.date(2029, 3, 31),
        scope_ja="範囲",
    )
    activity = pm.Activity.objects.create(
        partnership=partnership,
        key="sym",
        kind="symposium",
        title_ja="シンポジウム",
        starts_on=dt.date(2024, 5, 1),
    )
    fund = pm.JointFund.objects.create(partnership=partnership, key="a-fund", name_ja="共同ファンド")
    call = pm.FundCall.objects.create(fund=fund, number=1, title_ja="第1回公募")
    program = pm.JointDegreeProgram.objects.create(owner=owner_org, key="a-jd", name_ja="国際共同大学院")
    return {
        pm.Phase: phase,
        pm.Partnership: partnership,
        pm.PartnershipTier: pm.PartnershipTier.objects.create(
            partnership=partnership, phase=phase, tier="primary"
        ),
        pm.TeamMember: pm.TeamMember.objects.create(partnership=partnership, unit=owner_unit, note_ja="参画"),
        pm.PartnerUnit: pm.PartnerUnit.objects.create(partnership=partnership, name_ja="相手部局"),
        pm.Agreement: agreement,
        pm.AgreementVersion: version,
        pm.AgreementParty: pm.AgreementParty.objects.create(version=version, organisation=owner_org),
        pm.CooperationCondition: pm.CooperationCondition.objects.create(
            version=version,
            mobility_type="student-studies",
            sending_hei=owner_org,
            receiving_hei=partner,
            receiving_first_academic_year_id="2024/2025",
            mobilities_per_year=2,
        ),
        pm.AgreementAlert: pm.AgreementAlert.objects.create(
            version=version, lead_days=90, due_on=dt.date(2029, 3, 31), sent_on=dt.date(2028, 12, 31)
        ),
        pm.Activity: activity,
        pm.Participation: pm.Participation.objects.create(activity=activity, category="student", count=10),
        pm.MobilityFigure: pm.MobilityFigure.objects.create(
            partnership=partnership,
            fiscal_year=2024,
            direction="outbound",
            category="graduate",
            count=3,
            note_ja="試験",
        ),
        pm.JointFund: fund,
        pm.FundCall: call,
        pm.FundApplication: pm.FundApplication.objects.create(call=call, title_ja="申請"),
        pm.JointDegreeProgram: program,
        pm.JointDegreePartner: pm.JointDegreePartner.objects.create(
            owner=owner_org, partner=partner, note_ja="覚書"
        ),
        pm.JointDegreeFigure: pm.JointDegreeFigure.objects.create(
            owner=owner_org, fiscal_year=2019, metric="enrolment", value=197
        ),
        pm.NetworkProject: pm.NetworkProject.objects.create(
            network=network, key="proj", lead=owner_org, title_ja="プロジェクト"
        ),
    }


def _matching_rows(a: Organisation, network: Any, concept: Any, program: Program) -> dict[Any, Any]:
    """A's answers, need and profile in network N's survey; N's survey, hearing, run, segment, proposal."""
    survey = SurveyFactory(network=network, key="needs", title_ja="ニーズ調査")
    section = SurveySectionFactory(survey=survey, order=1, title_ja="現状")
    question = QuestionFactory(
        survey=survey, section=section, key="need", text_ja="必要なスキル", role="need_text"
    )
    invitation = InvitationFactory(survey=survey, organisation=a, target_group="大学")
    response = ResponseFactory(
        survey=survey, organisation=a, invitation=invitation, answers={"need": "品質管理"}
    )
    hearing = HearingFactory(network=network, organisation=a, survey=survey)
    need = NeedFactory(organisation=a, network=network, response=response, text="品質管理を学びたい")
    run = MatchRunFactory(network=network)
    return {
        matching.Survey: survey, matching.SurveySection: section, matching.Question: question,
        matching.Invitation: invitation, matching.Response: response, matching.Hearing: hearing,
        matching.EmployerProfile: EmployerProfileFactory(organisation=a), matching.Need: need,
        matching.NeedSkill: NeedSkillFactory(need=need, concept=concept), matching.MatchRun: run,
        matching.Match: MatchFactory(run=run, need=need, program=program),
        matching.TargetSegment: TargetSegmentFactory(network=network),
        matching.Proposal: ProposalFactory(network=network, key="p1", title_ja="提案"),
    }  # fmt: skip


# --- who may change a row of A (or of network N) in the admin ------------------------------------------

ORG_EDITORS = frozenset({"editor_a", "admin_a", "superuser"})
SECRETARIAT = frozenset({"secretariat", "superuser"})
WRITERS: dict[str, frozenset[str]] = {
    "Organisation": ORG_EDITORS,  # a unit of A: A's editors edit it in place
    "Identifier": ORG_EDITORS,
    "Person": ORG_EDITORS,
    "GroupComponent": frozenset({"editor_a", "superuser"}),  # editor of the group and of the member A
    "Affiliation": frozenset({"admin_a", "superuser"}),
    "Program": ORG_EDITORS,
    "ProgramRun": ORG_EDITORS,
    "TeachingContent": ORG_EDITORS,
    "Network": SECRETARIAT,
    "NetworkStaff": SECRETARIAT,
    "Membership": SECRETARIAT,
    "DeclaredCount": SECRETARIAT,
    "Document": SECRETARIAT,
    "DocumentVersion": SECRETARIAT,
    "Body": SECRETARIAT,
    "BodyParticipant": SECRETARIAT,
    "Post": SECRETARIAT,
    "Tenure": SECRETARIAT,
    "Meeting": SECRETARIAT,
    "Attendance": SECRETARIAT,
    "AgendaItem": SECRETARIAT,
    "Decision": SECRETARIAT,
    "JointCurriculum": SECRETARIAT,
    "CurriculumUnit": SECRETARIAT,
    "Initiative": ORG_EDITORS,
    "Evaluation": ORG_EDITORS,
    "Indicator": ORG_EDITORS,
    "Target": ORG_EDITORS,
    "Actual": ORG_EDITORS,
    "Report": ORG_EDITORS,
    # needs and matching: the network's coordinators keep its records; A's people their own answers
    "Survey": SECRETARIAT,
    "SurveySection": SECRETARIAT,
    "Question": SECRETARIAT,
    "Invitation": SECRETARIAT,
    "Hearing": SECRETARIAT,
    "MatchRun": SECRETARIAT,
    "Match": SECRETARIAT,
    "TargetSegment": SECRETARIAT,
    "Proposal": SECRETARIAT,
    "Response": ORG_EDITORS | SECRETARIAT,
    "Need": ORG_EDITORS | SECRETARIAT,
    "NeedSkill": ORG_EDITORS | SECRETARIAT,
    "EmployerProfile": ORG_EDITORS | SECRETARIAT,  # the coordinators of a network A has needs in
    "Source": frozenset({"superuser"}),
    "Scheme": frozenset({"superuser"}),
    "Concept": frozenset({"superuser"}),
    "User": frozenset({"superuser"}),
    # partnerships: the home institution's editors write the partnership and all that hangs from it
    **dict.fromkeys(
        (
            "Phase", "Partnership", "PartnershipTier", "TeamMember", "PartnerUnit", "Agreement", "AgreementVersion",
            "AgreementParty", "CooperationCondition", "AgreementAlert", "Activity", "Participation", "MobilityFigure",
            "JointFund", "FundCall", "FundApplication", "JointDegreeProgram", "JointDegreePartner", "JointDegreeFigure",
        ),
        ORG_EDITORS,
    ),
    "NetworkProject": SECRETARIAT,
}  # fmt: skip
TEXT_FIELDS = ("name_ja", "title_ja", "label_ja", "text_ja", "note_ja", "summary_ja", "display_name", "value")


# Admin pages of our own models (the audit log is read-only, superusers only); other packages' admin
# pages (the task queue's results) are checked to be closed to everyone but superusers below.
_OURS = [m for m in admin.site._registry if m.__module__.startswith("renkei.") and m is not AuditEntry]
_THEIRS = [m for m in admin.site._registry if not m.__module__.startswith("renkei.")]


@pytest.mark.parametrize("model", [pytest.param(m, id=m.__name__) for m in _THEIRS])
def test_other_packages_admin_pages_are_for_superusers_only(client, cast, model) -> None:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    for persona in PERSONAS:
        _log_in(client, cast.users[persona])
        status = client.get(url).status_code
        expected = 200 if persona == "superuser" else (302 if persona == "anonymous" else 403)
        assert status == expected, (persona, status)


def test_every_written_model_is_in_the_matrix() -> None:
    written = {m.__name__ for m in _OURS} | {m.__name__ for m in registered_writes()}
    assert written == set(WRITERS), f"state in WRITERS who writes: {sorted(written ^ set(WRITERS))}"


def _edit(data: dict[str, Any]) -> tuple[str, str] | None:
    """Change one text field of the posted form; the field and its new value."""
    for name in TEXT_FIELDS:
        if name in data and name != "value":
            data[name] = f"{data[name]}（改）"
            return name, data[name]
    return None


def _log_in(client: Any, user: Any) -> None:
    client.logout()
    if user is not None:
        client.force_login(user)


@pytest.mark.parametrize("model_name", sorted(m.__name__ for m in _OURS))
def test_a_row_changes_only_for_its_writers_in_the_admin(client, cast, model_name) -> None:
    model = next(m for m in admin.site._registry if m.__name__ == model_name)
    row = cast.rows[model]
    url = admin_url(row, "change")
    client.force_login(cast.users["superuser"])
    template = form_data(client.get(url))
    successes = []
    for persona in PERSONAS:
        _log_in(client, cast.users[persona])
        data = dict(template)
        edited = _edit(data)
        response = client.post(url, data)
        stored = model._default_manager.get(pk=row.pk)
        changed = edited is not None and getattr(stored, edited[0]) == edited[1]
        if (response.status_code == 302 and response.url.endswith(url.rsplit("/", 3)[0] + "/")) or changed:
            successes.append(persona)
        if changed:  # put it back for the next persona
            setattr(stored, edited[0], template[edited[0]])
            model._default_manager.filter(pk=row.pk).update(**{edited[0]: template[edited[0]]})
    assert set(successes) == WRITERS[model_name], (model_name, successes)


@pytest.mark.parametrize("model_name", sorted(WRITERS))
def test_a_row_is_saved_and_deleted_by_its_services_only_for_its_writers(cast, model_name) -> None:
    """The services the admin's inlines, the API and code call: the same writers, for saves and deletes."""
    model = next(m for m in registered_writes() if m.__name__ == model_name)
    writes = writes_for(model)
    saved, deleted = [], []
    for persona in PERSONAS:
        row = model._default_manager.get(pk=cast.rows[model].pk)
        try:
            with transaction.atomic():
                writes.save(row, actor=cast.users[persona] or AnonymousUser())
                saved.append(persona)
                writes.delete(row, actor=cast.users[persona] or AnonymousUser())
                deleted.append(persona)
                raise _Undo
        except (PermissionDenied, _Undo, ProtectedError, RestrictedError):
            pass
    assert set(saved) == WRITERS[model_name], (model_name, saved)
    assert set(deleted) <= WRITERS[model_name], (model_name, deleted)


class _Undo(Exception):
    """Rolls back a write that was allowed, so the next persona meets the same row."""


# --- writes that point a row at another organisation or network -----------------------------------


def _post(client: Any, user: Any, url: str, changes: dict[str, Any], superuser: Any) -> Any:
    client.force_login(superuser)
    data = form_data(client.get(url))
    data.update(changes)
    _log_in(client, user)
    return client.post(url, data)


def _targets(cast: Cast) -> Iterator[tuple[str, str, Callable[[], str], dict[str, Any], Callable[[], bool]]]:
    a, b, unit, draft = cast.a, cast.b, cast.rows[Organisation], cast.draft
    yield (
        "editor_a",
        "unit moved under B",
        lambda: admin_url(unit, "change"),
        {"parent": str(b.pk)},
        lambda: Organisation.objects.get(pk=unit.pk).parent_id == b.pk,
    )
    yield (
        "admin_a",
        "unit moved under B",
        lambda: admin_url(unit, "change"),
        {"parent": str(b.pk)},
        lambda: Organisation.objects.get(pk=unit.pk).parent_id == b.pk,
    )
    yield (
        "editor_a",
        "A put under B",
        lambda: admin_url(a, "change"),
        {"parent": str(b.pk)},
        lambda: Organisation.objects.get(pk=a.pk).parent_id == b.pk,
    )
    yield (
        "editor_a",
        "program given to B",
        lambda: admin_url(draft, "change"),
        {"provider": str(b.pk), "unit": ""},
        lambda: Program.objects.get(pk=draft.pk).provider_id == b.pk,
    )
    yield (
        "editor_a",
        "program shared with a network A is not in",
        lambda: admin_url(draft, "change"),
        {"shared_with": [str(cast.other_network.pk)]},
        lambda: Program.objects.get(pk=draft.pk).shared_with.exists(),
    )
    group = cast.rows[next(m for m in cast.rows if m.__name__ == "GroupComponent")].group
    yield (
        "editor_a",
        "group component pointed at B (through the group's inline)",
        lambda: admin_url(group, "change"),
        {"components-0-member": str(b.pk)},
        lambda: group.components.filter(member=b).exists(),
    )
    membership = cast.rows[Membership]
    yield (
        "secretariat",
        "membership moved to a network they do not keep",
        lambda: admin_url(membership, "change"),
        {"network": str(cast.other_network.pk)},
        lambda: Membership.objects.get(pk=membership.pk).network_id == cast.other_network.pk,
    )
    partnership = cast.rows[next(m for m in cast.rows if m.__name__ == "Partnership")]
    yield (
        "editor_a",
        "partnership moved to B as its home",
        lambda: admin_url(partnership, "change"),
        {"home": str(b.pk)},
        lambda: type(partnership).objects.get(pk=partnership.pk).home_id == b.pk,
    )
    affiliation = cast.rows[next(m for m in cast.rows if m.__name__ == "Affiliation")]
    yield ("admin_a", "a role granted at B", lambda: admin_url(affiliation, "change"), {"organisation": str(b.pk)},
           lambda: type(affiliation).objects.get(pk=affiliation.pk).organisation_id == b.pk)  # fmt: skip


def test_no_write_points_a_row_at_another_organisation(client, cast) -> None:
    crossed = []
    for persona, what, url, changes, happened in _targets(cast):
        response = _post(client, cast.users[persona], url(), changes, cast.users["superuser"])
        assert response.status_code in (200, 403), (persona, what, response.status_code)
        if happened():
            crossed.append((persona, what))
    assert crossed == []


def test_an_editor_cannot_add_a_program_for_another_provider(client, cast) -> None:
    _log_in(client, cast.users["editor_a"])
    response = client.post(
        "/admin/catalog/program/add/",
        {"provider": cast.b.pk, "code": "HIJACK", "status": "published", "title_ja": "乗っ取り", "kind": "course",
         "audiences": "[]", "mode": "onsite", "language": "ja", "runs-TOTAL_FORMS": "0", "runs-INITIAL_FORMS": "0",
         "runs-MIN_NUM_FORMS": "0", "runs-MAX_NUM_FORMS": "1000"},
    )  # fmt: skip
    assert response.status_code == 403
    assert not Program.objects.filter(code="HIJACK").exists()


# --- pages and API ----------------------------------------------------------------------------------

PUBLIC = dict.fromkeys(PERSONAS, 200)


def _indicator_year(model: type[Target] | type[Actual]) -> Callable[[Cast], dict[str, Any]]:
    """The address of the cast's target or actual (A's indicator and its fiscal year)."""
    return lambda c: {"key": "a-indicator", "fiscal_year": c.rows[model].fiscal_year}


COORDINATORS = {
    p: 302 if p == "anonymous" else 200 if p in ("secretariat", "superuser") else 403 for p in PERSONAS
}
PARTICIPANTS = {p: 302 if p == "anonymous" else 403 if p == "outsider" else 200 for p in PERSONAS}
COORDINATORS_API = {p: 200 if p in ("secretariat", "superuser") else 404 for p in PERSONAS}
A_OR_COORDINATORS_API = {p: 200 if p in (*A_SIDE, "secretariat", "superuser") else 404 for p in PERSONAS}
A_AND_COORDINATORS = {
    p: 302 if p == "anonymous" else 403 if p == "outsider" else 404 if p in B_SIDE else 200 for p in PERSONAS
}
SIGNED_IN_EDITORS = {p: (302 if p == "anonymous" else 200 if p in EDITORS else 403) for p in PERSONAS}
A_ONLY = {p: (200 if p in (*A_SIDE, "superuser") else 404) for p in PERSONAS}
# pages for those who write some partnership (an editor anywhere): the others get a 403
PARTNERSHIP_STAFF = {
    p: 302
    if p == "anonymous"
    else 200
    if p in ("editor_a", "admin_a", "editor_b", "admin_b", "superuser")
    else 403
    for p in PERSONAS
}


def _routes(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else entry.namespace or namespace
            )
            yield from _routes(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}:{entry.name}" if namespace else str(entry.name)


# Each route: the arguments it is tried with, and what each persona gets.
ROUTES: dict[str, list[tuple[Callable[[Cast], dict[str, Any]], dict[str, int]]]] = {
    "portal:home": [(lambda c: {}, PUBLIC)],
    "portal:network-detail": [(lambda c: {"key": "network-n"}, PUBLIC)],
    "portal:organisation-list": [(lambda c: {}, PUBLIC)],
    "portal:organisation-detail": [(lambda c: {"key": c.a.key}, PUBLIC)],
    "portal:sources": [(lambda c: {}, PUBLIC)],
    "portal:import-start": [(lambda c: {}, SIGNED_IN_EDITORS)],
    "portal:import-job": [
        (lambda c: {"job_id": "no-such-job"}, {p: 302 if p == "anonymous" else 404 for p in PERSONAS})
    ],
    "portal:import-job-status": [
        (lambda c: {"job_id": "no-such-job"}, {p: 302 if p == "anonymous" else 404 for p in PERSONAS})
    ],
    "portal:import-retry": [
        (lambda c: {"job_id": "no-such-job"}, {p: 302 if p == "anonymous" else 405 for p in PERSONAS})
    ],
    "portal:import-confirm": [
        (lambda c: {"job_id": "no-such-job"}, {p: 302 if p == "anonymous" else 405 for p in PERSONAS})
    ],
    "portal:tokens": [(lambda c: {}, {p: 302 if p == "anonymous" else 200 for p in PERSONAS})],
    "portal:token-revoke": [
        (lambda c: {"pk": 1}, {p: 302 if p == "anonymous" else 405 for p in PERSONAS})  # GET: POST only
    ],
    "portal:export": [
        (
            lambda c: {"name": "programs", "fmt": "csv"},
            PUBLIC,  # each persona gets the rows it may see
        )
    ],
    "catalog:home": [(lambda c: {}, PUBLIC)],
    "catalog:search": [(lambda c: {}, PUBLIC)],
    "catalog:map": [(lambda c: {}, PUBLIC)],
    "catalog:provider-list": [(lambda c: {}, PUBLIC)],
    "catalog:provider": [(lambda c: {"key": c.a.key}, PUBLIC)],
    "catalog:content-list": [(lambda c: {}, PUBLIC)],
    "catalog:content-detail": [(lambda c: {"pk": c.rows[TeachingContent].pk}, PUBLIC)],
    "catalog:curriculum-list": [(lambda c: {}, PUBLIC)],
    "catalog:curriculum-detail": [(lambda c: {"network": "network-n", "key": "jc"}, PUBLIC)],
    "catalog:program-detail": [
        (lambda c: {"provider_key": c.a.key, "code": "PUB"}, PUBLIC),
        (lambda c: {"provider_key": c.a.key, "code": "DRAFT"}, A_ONLY),
    ],
    "indicators:home": [(lambda c: {}, PUBLIC)],
    "indicators:computations": [(lambda c: {}, PUBLIC)],
    "indicators:initiative": [(lambda c: {"key": c.rows[Initiative].key}, PUBLIC)],
    "indicators:organisation": [(lambda c: {"key": c.a.key}, PUBLIC)],
    "indicators:network": [(lambda c: {"key": "network-n"}, PUBLIC)],
    "indicators:indicator": [(lambda c: {"key": "a-indicator"}, PUBLIC)],
    "indicators:report-live": [(lambda c: {"kind": "initiative", "key": c.rows[Initiative].key}, PUBLIC)],
    "indicators:report-new": [  # GET: POST only
        (
            lambda c: {"kind": "initiative", "key": c.rows[Initiative].key},
            {p: 302 if p == "anonymous" else 405 for p in PERSONAS},
        )
    ],
    "indicators:report-job": [
        (lambda c: {"job_id": "no-such-job"}, {p: 302 if p == "anonymous" else 404 for p in PERSONAS})
    ],
    "indicators:report-job-status": [
        (lambda c: {"job_id": "no-such-job"}, {p: 302 if p == "anonymous" else 404 for p in PERSONAS})
    ],
    "indicators:report-detail": [
        (
            lambda c: {"uuid": c.rows[Report].uuid},
            {p: 302 if p == "anonymous" else 200 if p in (*A_SIDE, "superuser") else 404 for p in PERSONAS},
        )
    ],
    "indicators:report-file": [  # the cast's report has no files
        (
            lambda c: {"uuid": c.rows[Report].uuid, "fmt": "pdf"},
            {p: 302 if p == "anonymous" else 404 for p in PERSONAS},
        )
    ],
    "set_language": [(lambda c: {}, dict.fromkeys(PERSONAS, 302))],  # a GET goes back where it came from
    "favicon": [(lambda c: {}, dict.fromkeys(PERSONAS, 301))],  # to the package's static SVG
    "api-v1-redoc": [(lambda c: {}, PUBLIC)],
    "api-v1-problem": [
        (lambda c: {"slug": "invalid-value"}, PUBLIC),
        (lambda c: {"slug": "no-such-problem"}, dict.fromkeys(PERSONAS, 404)),
    ],
    "api-v1:api-root": [(lambda c: {}, dict.fromkeys(PERSONAS, 404))],  # the API's root lists nothing yet
    "api-v1:openapi-json": [(lambda c: {}, PUBLIC)],
    "api-v1:openapi-view": [(lambda c: {}, PUBLIC)],
    "api-v1:organisations_list": [(lambda c: {}, PUBLIC)],
    "api-v1:organisations_detail": [(lambda c: {"key": c.a.key}, PUBLIC)],
    "api-v1:networks_list": [(lambda c: {}, PUBLIC)],
    "api-v1:networks_detail": [(lambda c: {"key": "network-n"}, PUBLIC)],
    "api-v1:memberships_list": [(lambda c: {}, PUBLIC)],
    "api-v1:programs_list": [(lambda c: {}, PUBLIC)],
    "api-v1:programs_geojson": [(lambda c: {}, PUBLIC)],
    "api-v1:programs_detail": [
        (lambda c: {"provider_key": c.a.key, "code": "PUB"}, PUBLIC),
        (lambda c: {"provider_key": c.a.key, "code": "DRAFT"}, A_ONLY),
    ],
    "api-v1:providers_list": [(lambda c: {}, PUBLIC)],
    "api-v1:contents_list": [(lambda c: {}, PUBLIC)],
    "api-v1:contents_detail": [(lambda c: {"content_id": c.rows[TeachingContent].pk}, PUBLIC)],
    "api-v1:curricula_list": [(lambda c: {}, PUBLIC)],
    # a GET on a write operation's URL is the read of the same path (the writes are in API_WRITES)
    "api-v1:programs_create": [(lambda c: {}, PUBLIC)],
    "api-v1:programs_update": [(lambda c: {"provider_key": c.a.key, "code": "DRAFT"}, A_ONLY)],
    "api-v1:programs_delete": [(lambda c: {"provider_key": c.a.key, "code": "PUB"}, PUBLIC)],
    "api-v1:programs_runs_create": [
        (lambda c: {"provider_key": c.a.key, "code": "DRAFT"}, dict.fromkeys(PERSONAS, 405))
    ],
    "api-v1:programs_runs_detail": [
        (lambda c: {"provider_key": c.a.key, "code": "DRAFT", "run_id": c.rows[ProgramRun].pk}, A_ONLY)
    ],
    "api-v1:programs_runs_update": [
        (lambda c: {"provider_key": c.a.key, "code": "DRAFT", "run_id": c.rows[ProgramRun].pk}, A_ONLY)
    ],
    "api-v1:programs_runs_delete": [
        (lambda c: {"provider_key": c.a.key, "code": "DRAFT", "run_id": c.rows[ProgramRun].pk}, A_ONLY)
    ],
    "api-v1:organisations_create": [(lambda c: {}, PUBLIC)],
    # EWP documents (renkei/formats/ewp): public open data; without the required hei_id → 400 error-response
    "ewp:institutions": [(lambda c: {}, dict.fromkeys(PERSONAS, 400))],
    "ewp:ounits": [(lambda c: {}, dict.fromkeys(PERSONAS, 400))],
    "ewp:factsheet": [(lambda c: {}, dict.fromkeys(PERSONAS, 400))],
    "ewp:iias": [(lambda c: {}, dict.fromkeys(PERSONAS, 400))],
    "ewp:iia-approval": [(lambda c: {}, dict.fromkeys(PERSONAS, 400))],
    "api-v1:organisations_update": [(lambda c: {"key": c.a.key}, PUBLIC)],
    "api-v1:initiatives_list": [(lambda c: {}, PUBLIC)],
    "api-v1:initiatives_detail": [(lambda c: {"key": c.rows[Initiative].key}, PUBLIC)],
    "api-v1:indicators_list": [(lambda c: {}, PUBLIC)],
    "api-v1:indicators_detail": [(lambda c: {"key": "a-indicator"}, PUBLIC)],
    # targets and actuals are set and removed by PUT and DELETE; there is no GET of them alone
    "api-v1:indicators_targets_put": [(_indicator_year(Target), dict.fromkeys(PERSONAS, 405))],
    "api-v1:indicators_targets_delete": [(_indicator_year(Target), dict.fromkeys(PERSONAS, 405))],
    "api-v1:indicators_actuals_put": [(_indicator_year(Actual), dict.fromkeys(PERSONAS, 405))],
    "api-v1:indicators_actuals_delete": [(_indicator_year(Actual), dict.fromkeys(PERSONAS, 405))],
    # partnerships: published partnerships for everyone; agreements are A's own unless published
    "partnerships:matrix": [(lambda c: {}, PUBLIC)],
    "partnerships:matrix-download": [(lambda c: {}, PUBLIC)],
    "partnerships:map": [(lambda c: {}, PUBLIC)],
    "partnerships:joint-degrees": [(lambda c: {}, PUBLIC)],
    "partnerships:partnership": [(lambda c: {"key": "a-partner"}, PUBLIC)],
    "partnerships:agreement": [(lambda c: {"key": "a-agreement"}, A_ONLY)],
    "partnerships:dashboard": [(lambda c: {}, PARTNERSHIP_STAFF)],
    "partnerships:renewal-review": [
        (
            lambda c: {"key": "a-agreement"},
            PARTNERSHIP_STAFF | {"editor_b": 404, "admin_b": 404, "viewer_a": 403},
        )
    ],
    # A's version 1 is a draft without a document: a 404 for those who may see it, and for the others
    "partnerships:agreement-document": [
        (lambda c: {"key": "a-agreement", "number": 1}, dict.fromkeys(PERSONAS, 404))
    ],
    "partnerships:agreement-document-upload": [
        (lambda c: {"key": "a-agreement", "number": 1}, dict.fromkeys(PERSONAS, 405))
    ],
    "api-v1:partnerships_matrix": [(lambda c: {}, PUBLIC)],
    "api-v1:partnerships_list": [(lambda c: {}, PUBLIC)],
    "api-v1:partnerships_detail": [(lambda c: {"key": "a-partner"}, PUBLIC)],
    "api-v1:partnerships_agreement": [(lambda c: {"key": "a-agreement"}, A_ONLY)],
    "api-v1:partnerships_funds": [(lambda c: {}, PUBLIC)],
    "api-v1:partnerships_joint_degrees": [(lambda c: {}, PUBLIC)],
    "api-v1:partnerships_joint_degree_figures": [(lambda c: {}, PUBLIC)],
    "api-v1:partnerships_joint_degree_partners": [(lambda c: {}, PUBLIC)],
    "api-v1:partnerships_network_projects": [(lambda c: {}, PUBLIC)],
    "api-v1:partnerships_mobility": [(lambda c: {"key": "a-partner"}, PUBLIC)],
    # a partnership's health: for its home's editors, as on its page
    "api-v1:partnerships_health": [
        (
            lambda c: {"key": "a-partner"},
            {p: 200 if p in ("editor_a", "admin_a", "superuser") else 403 for p in PERSONAS},
        )
    ],
    "api-v1:partnerships_activity_create": [(lambda c: {"key": "a-partner"}, dict.fromkeys(PERSONAS, 405))],
    # the same address lists the figures on GET (partnerships_mobility)
    "api-v1:partnerships_mobility_create": [(lambda c: {"key": "a-partner"}, PUBLIC)],
    "api-v1:partnerships_team_create": [(lambda c: {"key": "a-partner"}, dict.fromkeys(PERSONAS, 405))],
    **{
        f"api-v1:partnerships_agreement_{verb}": [
            (lambda c: {"key": "a-agreement", "number": 1}, dict.fromkeys(PERSONAS, 405))
        ]
        for verb in ("transition", "sign", "amend", "renew", "terminate")
    },
    # governance: public records for all; a meeting not marked public for the network's members only
    "api-v1:bodies_list": [(lambda c: {}, PUBLIC)],
    "api-v1:bodies_detail": [(lambda c: {"network": "network-n", "key": "council"}, PUBLIC)],
    "api-v1:posts_list": [(lambda c: {}, PUBLIC)],
    "api-v1:documents_list": [(lambda c: {}, PUBLIC)],
    "api-v1:documents_detail": [(lambda c: {"document_id": c.rows[Document].pk}, PUBLIC)],
    "api-v1:meetings_list": [(lambda c: {}, PUBLIC)],  # each persona gets the rows it may see
    "api-v1:meetings_detail": [
        (
            lambda c: {"meeting_id": c.rows[type(c.rows[Decision].meeting)].pk},
            {p: (404 if p in ("anonymous", "outsider") else 200) for p in PERSONAS},
        )
    ],
    # a GET on a write operation's URL is the read of the same path (the writes are in API_WRITES)
    "api-v1:meetings_create": [(lambda c: {}, PUBLIC)],
    "api-v1:meetings_update": [
        (
            lambda c: {"meeting_id": c.rows[type(c.rows[Decision].meeting)].pk},
            {p: (404 if p in ("anonymous", "outsider") else 200) for p in PERSONAS},
        )
    ],
    "api-v1:memberships_detail": [(lambda c: {"membership_id": c.rows[Membership].pk}, PUBLIC)],
    "api-v1:memberships_create": [(lambda c: {}, PUBLIC)],
    "api-v1:memberships_update": [(lambda c: {"membership_id": c.rows[Membership].pk}, PUBLIC)],
    # open data: one set of files for everyone, made as an anonymous visitor sees the records
    "opendata:page": [(lambda c: {}, PUBLIC)],
    "opendata:bundle": [(lambda c: _bundle_built(), PUBLIC)],
    "opendata:manifest": [(lambda c: _bundle_built(), PUBLIC)],
    "opendata:popolo": [(lambda c: {}, PUBLIC)],
    "opendata:popolo-kind": [(lambda c: {"kind": "memberships"}, PUBLIC)],
    "opendata:regenerate": [(lambda c: {}, dict.fromkeys(PERSONAS, 405))],  # POST, superusers only
    "api-v1:needs_list": [(lambda c: {}, PUBLIC)],  # each persona gets the needs it may see
    "api-v1:needs_create": [(lambda c: {}, PUBLIC)],
    "api-v1:needs_detail": [(lambda c: {"need_id": c.rows[matching.Need].pk}, A_OR_COORDINATORS_API)],
    "api-v1:match_runs_list": [(lambda c: {}, PUBLIC)],
    "api-v1:match_runs_create": [(lambda c: {}, PUBLIC)],  # GET: the list of runs each may see
    "api-v1:match_runs_detail": [(lambda c: {"run_id": c.rows[matching.MatchRun].pk}, COORDINATORS_API)],
    "api-v1:gaps_detail": [(lambda c: {"network_key": "network-n"}, PUBLIC)],  # over the needs each may see
    "api-v1:proposals_list": [(lambda c: {}, PUBLIC)],
    "api-v1:proposals_detail": [(lambda c: {"proposal_id": c.rows[matching.Proposal].pk}, COORDINATORS_API)],
    "api-v1:proposals_update": [(lambda c: {"proposal_id": c.rows[matching.Proposal].pk}, COORDINATORS_API)],
    "matching:home": [(lambda c: {}, PARTICIPANTS)],
    "matching:survey-answer": [(lambda c: {"token": "no-such-token"}, dict.fromkeys(PERSONAS, 404))],
    "matching:survey-list": [(lambda c: {}, COORDINATORS)],
    "matching:survey-new": [(lambda c: {}, COORDINATORS)],
    "matching:survey-detail": [(lambda c: {"pk": c.rows[matching.Survey].pk}, COORDINATORS)],
    "matching:survey-status": [
        (
            lambda c: {"pk": c.rows[matching.Survey].pk},
            {p: 302 if p == "anonymous" else 405 for p in PERSONAS},
        )  # GET: POST only
    ],
    "matching:survey-invitations": [(lambda c: {"pk": c.rows[matching.Survey].pk}, COORDINATORS)],
    # the survey's managers only; to others the survey is not there (404), like its link's answers
    "matching:survey-import": [
        (
            lambda c: {"pk": c.rows[matching.Survey].pk},
            {
                p: 302 if p == "anonymous" else 200 if p in ("secretariat", "superuser") else 404
                for p in PERSONAS
            },
        )
    ],
    "matching:survey-import-mapping": [  # no upload of theirs under this token: not found, for everyone
        (
            lambda c: {"pk": c.rows[matching.Survey].pk, "token": "0" * 32},
            {p: 302 if p == "anonymous" else 404 for p in PERSONAS},
        )
    ],
    "matching:invitation-action": [
        (
            lambda c: {"pk": c.rows[matching.Invitation].pk, "action": "withdraw"},
            {p: 302 if p == "anonymous" else 405 for p in PERSONAS},
        )  # GET: POST only
    ],
    "matching:response-detail": [(lambda c: {"pk": c.rows[matching.Response].pk}, A_AND_COORDINATORS)],
    "matching:hearing-new": [(lambda c: {}, COORDINATORS)],
    "matching:hearing-detail": [(lambda c: {"pk": c.rows[matching.Hearing].pk}, COORDINATORS)],
    "matching:need-list": [(lambda c: {}, PARTICIPANTS)],
    "matching:need-new": [(lambda c: {}, PARTICIPANTS)],
    "matching:need-detail": [(lambda c: {"pk": c.rows[matching.Need].pk}, A_AND_COORDINATORS)],
    "matching:run-list": [(lambda c: {}, COORDINATORS)],
    "matching:run-detail": [(lambda c: {"pk": c.rows[matching.MatchRun].pk}, COORDINATORS)],
    "matching:run-status": [(lambda c: {"pk": c.rows[matching.MatchRun].pk}, COORDINATORS)],
    "matching:run-action": [
        (
            lambda c: {"pk": c.rows[matching.MatchRun].pk, "action": "repeat"},
            {p: 302 if p == "anonymous" else 405 for p in PERSONAS},
        )  # GET: POST only
    ],
    "matching:match-detail": [(lambda c: {"pk": c.rows[matching.Match].pk}, A_AND_COORDINATORS)],
    "matching:gaps": [(lambda c: {}, COORDINATORS)],
    "matching:gaps-csv": [(lambda c: {}, COORDINATORS)],
    "matching:proposal-list": [(lambda c: {}, COORDINATORS)],
    "matching:proposal-detail": [(lambda c: {"pk": c.rows[matching.Proposal].pk}, COORDINATORS)],
}


def _bundle_built() -> dict[str, Any]:
    from renkei.formats import bundle

    bundle.build()
    return {}


def test_every_route_is_in_the_matrix() -> None:
    names = {name for route, name in _routes(get_resolver()) if not route.startswith("admin/")}
    names.discard("None")
    missing = names - set(ROUTES)
    assert missing == set(), f"add these routes to ROUTES with what each persona gets: {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_each_route_gives_each_persona_what_the_matrix_says(client, cast, name) -> None:
    mismatches = []
    for arguments, expected in ROUTES[name]:
        url = reverse(name, kwargs=arguments(cast))
        for persona in PERSONAS:
            _log_in(client, cast.users[persona])
            status = client.get(url).status_code
            if status != expected[persona]:
                mismatches.append((url, persona, status, expected[persona]))
    assert mismatches == []


# --- API writes: each write operation × persona, through the session (tokens: tests/functional/api) -------

A_WRITERS = ("editor_a", "admin_a", "superuser")


def _outcome(ok: int, *, hidden: bool) -> dict[str, int]:
    """A's writers get `ok`; A's viewer a 403; the others a 404 for a row they cannot see (a draft) or
    a 403 for one they can; anonymous callers a 401."""
    other = 404 if hidden else 403
    return {
        p: 401 if p == "anonymous" else ok if p in A_WRITERS else 403 if p == "viewer_a" else other
        for p in PERSONAS
    }


def _run_url(c: Cast) -> dict[str, Any]:
    return {"provider_key": c.a.key, "code": "DRAFT", "run_id": c.rows[ProgramRun].pk}


def _version_url(c: Cast) -> dict[str, Any]:
    return {"key": "a-agreement", "number": 1}


NEW_UNIT = {"key": "owner-u.new", "kind": "faculty", "name_ja": "新学部", "parent": "owner-u"}
NEW_TOP = {"key": "new-u", "kind": "university", "name_ja": "新大学"}

# name → (method, path arguments, body, what each persona gets)
API_WRITES: dict[str, list[tuple[str, Callable[[Cast], dict[str, Any]], dict[str, Any] | None, dict[str, int]]]] = {
    "api-v1:programs_create": [
        ("POST", lambda c: {}, {"provider": "owner-u", "code": "NEW", "title_ja": "新講座"},
         {p: 401 if p == "anonymous" else 201 if p in A_WRITERS else 403 for p in PERSONAS}),
    ],
    "api-v1:programs_update": [
        ("PATCH", lambda c: {"provider_key": c.a.key, "code": "DRAFT"}, {"title_en": "x"}, _outcome(200, hidden=True)),
        ("PATCH", lambda c: {"provider_key": c.a.key, "code": "PUB"}, {"title_en": "x"}, _outcome(200, hidden=False)),
    ],
    "api-v1:programs_delete": [
        ("DELETE", lambda c: {"provider_key": c.a.key, "code": "DRAFT"}, None, _outcome(204, hidden=True)),
        ("DELETE", lambda c: {"provider_key": c.a.key, "code": "PUB"}, None, _outcome(204, hidden=False)),
    ],
    "api-v1:programs_runs_create": [
        ("POST", lambda c: {"provider_key": c.a.key, "code": "DRAFT"}, {"starts_on": "2031-04-01"},
         _outcome(201, hidden=True)),
    ],
    "api-v1:programs_runs_update": [("PATCH", _run_url, {"note_en": "x"}, _outcome(200, hidden=True))],
    "api-v1:programs_runs_delete": [("DELETE", _run_url, None, _outcome(204, hidden=True))],
    "api-v1:organisations_create": [
        ("POST", lambda c: {}, NEW_UNIT,
         {p: 401 if p == "anonymous" else 201 if p in ("admin_a", "superuser") else 403 for p in PERSONAS}),
        ("POST", lambda c: {}, NEW_TOP,
         {p: 401 if p == "anonymous" else 201 if p in ("secretariat", "superuser") else 403 for p in PERSONAS}),
    ],
    "api-v1:needs_create": [
        ("POST", lambda c: {}, {"employer": "owner-u", "network": "network-n", "text": "品質管理を学びたい"},
         {p: 401 if p == "anonymous" else 201 if p in (*A_WRITERS, "secretariat") else 403 for p in PERSONAS}),
    ],
    "api-v1:match_runs_create": [
        ("POST", lambda c: {}, {"network": "network-n", "top_k": 3},
         {p: 401 if p == "anonymous" else 201 if p in ("secretariat", "superuser") else 403 for p in PERSONAS}),
    ],
    "api-v1:proposals_update": [
        ("PATCH", lambda c: {"proposal_id": c.rows[matching.Proposal].pk}, {"status": "in_development"},
         {p: 401 if p == "anonymous" else 200 if p in ("secretariat", "superuser") else 404 for p in PERSONAS}),
    ],
    "api-v1:organisations_update": [
        ("PATCH", lambda c: {"key": "owner-u.law"}, {"name_en": "Law"},
         {p: 401 if p == "anonymous" else 200 if p in A_WRITERS else 403 for p in PERSONAS}),
    ],
    "api-v1:partnerships_activity_create": [
        ("POST", lambda c: {"key": "a-partner"},
         {"key": "new-activity", "kind": "workshop", "title_ja": "新しいワークショップ", "starts_on": "2025-01-10"},
         _outcome(201, hidden=False)),
    ],
    # A's indicator is public: others get a 403, not a 404; its actual is not yet published
    "api-v1:indicators_targets_put": [
        ("PUT", _indicator_year(Target), {"value": 1}, _outcome(200, hidden=False)),
        ("PUT", lambda c: {"key": "a-indicator", "fiscal_year": 2030}, {"value": 1}, _outcome(201, hidden=False)),
    ],
    "api-v1:indicators_targets_delete": [("DELETE", _indicator_year(Target), None, _outcome(204, hidden=False))],
    "api-v1:indicators_actuals_put": [
        ("PUT", _indicator_year(Actual), {"value": 1}, _outcome(200, hidden=False)),
        ("PUT", lambda c: {"key": "a-indicator", "fiscal_year": 2030}, {"value": 1}, _outcome(201, hidden=False)),
    ],
    "api-v1:indicators_actuals_delete": [("DELETE", _indicator_year(Actual), None, _outcome(204, hidden=False))],
    "api-v1:partnerships_mobility_create": [
        ("POST", lambda c: {"key": "a-partner"},
         {"fiscal_year": 2023, "direction": "inbound", "category": "faculty", "count": 4},
         _outcome(201, hidden=False)),
    ],
    "api-v1:partnerships_team_create": [
        # the law faculty is in the team already: A's writers get a 409 (taken)
        ("POST", lambda c: {"key": "a-partner"}, {"unit": "owner-u.law"}, _outcome(409, hidden=False)),
    ],
    # the agreement's version 1 is A's draft: hidden from the others; a refused move is the rule's 422
    "api-v1:partnerships_agreement_transition": [
        ("POST", _version_url, {"status": "internal_review"}, _outcome(200, hidden=True)),
        ("POST", _version_url, {"status": "in_effect"}, _outcome(422, hidden=True)),
    ],
    "api-v1:partnerships_agreement_sign": [("POST", _version_url, {}, _outcome(422, hidden=True))],
    "api-v1:partnerships_agreement_amend": [
        ("POST", _version_url, {"change_summary_ja": "変更"}, _outcome(422, hidden=True)),
    ],
    "api-v1:partnerships_agreement_renew": [
        ("POST", _version_url, {"valid_from": "2029-04-01"}, _outcome(422, hidden=True)),
    ],
    "api-v1:partnerships_agreement_terminate": [("POST", _version_url, {}, _outcome(422, hidden=True))],
    # networks and governance: the network's secretariat writes; a meeting not marked public is hidden
    # from those outside the network (404), seen but not written by its members (403)
    "api-v1:memberships_create": [
        ("POST", lambda c: {}, {"network": "network-n", "organisation": "other-u", "role": "observer"},
         {p: 401 if p == "anonymous" else 201 if p in SECRETARIAT else 403 for p in PERSONAS}),
    ],
    "api-v1:memberships_update": [
        ("PATCH", lambda c: {"membership_id": c.rows[Membership].pk}, {"end_date": "2030-03-31"},
         {p: 401 if p == "anonymous" else 200 if p in SECRETARIAT else 403 for p in PERSONAS}),
    ],
    "api-v1:meetings_create": [
        ("POST", lambda c: {}, {"network": "network-n", "body": "council", "title_ja": "臨時会議", "held_on": "2031-06-01"},
         {p: 401 if p == "anonymous" else 201 if p in SECRETARIAT else 403 for p in PERSONAS}),
    ],
    "api-v1:meetings_update": [
        ("PATCH", lambda c: {"meeting_id": c.rows[type(c.rows[Decision].meeting)].pk}, {"location_ja": "山形"},
         {p: 401 if p == "anonymous" else 200 if p in SECRETARIAT else 404 if p == "outsider" else 403
          for p in PERSONAS}),
    ],
}  # fmt: skip


def test_every_api_write_is_in_the_matrix() -> None:
    from renkei.api.urls import api

    writes = {
        f"api-v1:{operation['operationId']}"
        for path in api.get_openapi_schema()["paths"].values()
        for method, operation in path.items()
        if method in ("post", "put", "patch", "delete")
    }
    assert writes, "no write operation found"
    assert writes == set(API_WRITES), (
        f"state in API_WRITES what each persona gets: {sorted(writes ^ set(API_WRITES))}"
    )


@pytest.mark.parametrize("name", sorted(API_WRITES))
def test_each_api_write_gives_each_persona_what_the_matrix_says(client, cast, name) -> None:
    mismatches = []
    for method, arguments, body, expected in API_WRITES[name]:
        url = reverse(name, kwargs=arguments(cast))
        for persona in PERSONAS:
            _log_in(client, cast.users[persona])
            try:
                with transaction.atomic():
                    call = getattr(client, method.lower())
                    response = (
                        call(url, data=json.dumps(body), content_type="application/json")
                        if body is not None
                        else call(url)
                    )
                    raise _Undo
            except _Undo:
                pass
            if response.status_code != expected[persona]:
                mismatches.append((method, url, persona, response.status_code, expected[persona]))
    assert mismatches == []


def test_exports_and_lists_leave_out_another_organisations_drafts(client, cast) -> None:
    for persona in (*B_SIDE, "secretariat", "outsider", "anonymous"):
        _log_in(client, cast.users[persona])
        if persona != "anonymous":
            assert "DRAFT" not in b"".join(client.get("/export/programs.csv").streaming_content).decode(
                "utf-8-sig"
            )
        assert "DRAFT" not in client.get("/api/v1/programs").content.decode()
        assert "下書き講座" not in client.get("/programs/search/", {"q": "講座"}).content.decode()
    _log_in(client, cast.users["viewer_a"])
    assert "下書き講座" in client.get("/programs/search/", {"q": "講座"}).content.decode()
