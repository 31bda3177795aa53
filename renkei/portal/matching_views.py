"""Needs and matching pages: the survey link for invited respondents (no account), and the pages of
coordinators (surveys and responses, needs, runs, gaps, proposals) and employers (their needs and the
programs matched, with reasons). Parse, call a selector or a service, render."""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from renkei.catalog.models import Program, TeachingContent
from renkei.core import charts, policy
from renkei.core.policy import Action
from renkei.jobs.selectors import job_status
from renkei.matching import jobs as matching_jobs
from renkei.matching import selectors, services
from renkei.matching.models import (
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
)
from renkei.matching.params import GapsCsv, GapsPage, NeedListPage
from renkei.matching.segments import EmployeesBand, Industry
from renkei.networks.models import Network
from renkei.organisations import policy as organisation_policy
from renkei.organisations.models import Organisation
from renkei.portal.params import parses
from renkei.taxonomy.models import Concept


def _lang() -> str:
    return "en" if (get_language() or "ja")[:2] == "en" else "ja"


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.setdefault("coordinator_nav", selectors.coordinated_networks(request.user).exists())
    return render(request, template, context, status=status)


def _coordinator(request: HttpRequest) -> QuerySet[Network]:
    networks = selectors.coordinated_networks(request.user)
    if not networks.exists():
        raise PermissionDenied
    return networks


def _participant(request: HttpRequest) -> None:
    """A coordinator, or an employer (someone with a role at an organisation)."""
    if not selectors.coordinated_networks(
        request.user
    ).exists() and not organisation_policy.organisation_roles(request.user):
        raise PermissionDenied


def _visible(user: Any, queryset: QuerySet, pk: int) -> Any:
    row = policy.visible(user, queryset).filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


def _network(request: HttpRequest, key: str | None) -> Network:
    networks = _coordinator(request)
    if key:
        network = networks.filter(key=key).first()
    else:  # the network with the most needs first
        network = networks.annotate(need_total=Count("needs")).order_by("-need_total", "pk").first()
    if network is None:
        raise Http404
    return network


# --- the survey link (no account) -----------------------------------------------------------------------


class ProfileForm(forms.Form):
    respondent_name = forms.CharField(label=_("Your name and position"), max_length=200, required=False)
    industry = forms.ChoiceField(label=_("Industry"), choices=[("", "—"), *Industry.choices], required=False)
    employees_band = forms.ChoiceField(
        label=_("Number of employees"), choices=[("", "—"), *EmployeesBand.choices], required=False
    )
    municipality_code = forms.ChoiceField(label=_("Municipality"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality_code"]
        if isinstance(field, forms.ChoiceField):
            municipalities = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).exclude(
                municipality_code=""
            )
            field.choices = [("", "—")] + [
                (m.municipality_code, m.name) for m in municipalities.order_by("municipality_code")
            ]


def _answers_from_post(request: HttpRequest, questions: list[Question]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for question in questions:
        name = f"q-{question.key}"
        if question.kind in (Question.Kind.MULTIPLE, Question.Kind.SKILLS):
            answers[question.key] = request.POST.getlist(name)
        else:
            answers[question.key] = request.POST.get(name, "")
    return answers


def _sections(survey: Survey, answers: dict[str, Any], errors: dict[str, str]) -> list[dict[str, Any]]:
    questions = list(survey.questions.select_related("section"))
    skills = list(services.skill_choices().values()) if any(q.kind == "skills" for q in questions) else []
    sections: dict[Any, dict[str, Any]] = {}
    for section in survey.sections.all():
        sections[section.pk] = {"section": section, "questions": []}
    loose: dict[str, Any] = {"section": None, "questions": []}
    for question in questions:
        value = answers.get(question.key)
        item = {
            "q": question, "name": f"q-{question.key}", "value": value,
            "values": value if isinstance(value, list) else ([] if value in (None, "") else [str(value)]),
            "error": errors.get(question.key, ""),
            "choices": question.choice_labels() if question.kind in ("single", "multiple") else
            [(c.code, c.label) for c in skills] if question.kind == "skills" else [],
            "scale": list(range(question.scale_min, question.scale_max + 1))
            if question.kind == "scale" and question.scale_min is not None and question.scale_max is not None else [],
        }  # fmt: skip
        sections.get(question.section_id, loose)["questions"].append(item)
    return ([loose] if loose["questions"] else []) + [s for s in sections.values() if s["questions"]]


def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The public form of an invited respondent: save a draft, or submit once."""
    invitation = selectors.invitation_for_token(token)
    if invitation is None:
        raise Http404
    survey = invitation.survey
    response = Response.objects.filter(invitation=invitation).first()
    answers = dict(response.answers) if response else {}
    initial = {n: getattr(response, n) for n in ProfileForm.base_fields} if response else {}
    if not initial:
        profile = getattr(invitation.organisation, "employer_profile", None)
        if profile is not None:
            initial = {"industry": profile.industry, "employees_band": profile.employees_band,
                       "municipality_code": profile.municipality_code}  # fmt: skip
    errors: dict[str, str] = {}
    refused: str = ""
    saved = False
    profile_form = ProfileForm(request.POST or None, initial=initial)
    if response is not None and response.status == Response.Status.SUBMITTED:
        # answers sent again (from a page left open) are refused, and the respondent is told so
        again = request.method == "POST"
        return _render(request, "portal/matching/survey_done.html",
                      {"survey": survey, "response": response, "refused": services.rules.ALREADY_SUBMITTED.text() if again else "",
                       "needs": _needs_with_matches(response)}, status=409 if again else 200)  # fmt: skip
    if request.method == "POST":
        questions = list(survey.questions.all())
        answers = _answers_from_post(request, questions)
        submit = request.POST.get("action") == "submit"
        profile_form.is_valid()
        profile = {n: request.POST.get(n, "") for n in ProfileForm.base_fields}
        try:
            response = services.response_answer(
                invitation=invitation, answers=answers, profile=profile, submit=submit
            )
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors[key] = " ".join(str(m) for m in messages)
            refused = errors.pop("__all__", "")
        else:
            if submit:
                return redirect("matching:survey-answer", token=token)
            saved = True
    else:
        why = services.rules.check_invitation(
            expires_at=invitation.expires_at, revoked=invitation.revoked_at is not None, submitted=False,
            survey_open=survey.is_open(), now=timezone.now(),
        )  # fmt: skip
        refused = why.text() if why else ""
    context = {
        "survey": survey, "invitation": invitation, "sections": _sections(survey, answers, errors),
        "profile_rows": [(profile_form[name], errors.get(name, "")) for name in ProfileForm.base_fields],
        "errors": errors, "refused": refused, "saved": saved, "token": token,
    }  # fmt: skip
    status = 410 if refused and request.method == "GET" else (422 if errors or refused else 200)
    return _render(request, "portal/matching/survey_form.html", context, status=status)


def _needs_with_matches(response: Response) -> list[tuple[Need, list[Match]]]:
    out = []
    for need in response.needs.order_by("pk"):
        latest = need.matches.order_by("-run_id").values_list("run_id", flat=True).first()
        matches = (
            list(need.matches.filter(run_id=latest).select_related("program", "program__provider"))
            if latest
            else []
        )
        out.append((need, matches))
    return out


# --- home ---------------------------------------------------------------------------------------------------


@login_required
def matching_home(request: HttpRequest) -> HttpResponse:
    _participant(request)
    networks = list(selectors.coordinated_networks(request.user))
    context: dict[str, Any] = {"networks": networks, "nav": "matching"}
    if networks:
        context.update(
            surveys=list(selectors.surveys(request.user)[:10]),
            runs=list(selectors.runs(request.user)[:5]),
            proposals=list(selectors.proposals(request.user)[:5]),
            open_needs=selectors.needs(request.user, status=Need.Status.OPEN).count(),
            all_needs=selectors.needs(request.user).count(),
        )
    own = [pk for pk, rank in organisation_policy.organisation_roles(request.user).items() if rank > 0]
    if own:
        context["my_needs"] = [
            (need, selectors.latest_matches(need, request.user))
            for need in selectors.needs(request.user).filter(organisation_id__in=own)[:20]
        ]
    return _render(request, "portal/matching/home.html", context)


# --- surveys -------------------------------------------------------------------------------------------------


@login_required
@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    """The surveys of the coordinator's networks: where each stands and how many answered."""
    _coordinator(request)
    rows = []
    for survey in selectors.surveys(request.user).order_by("network__name_ja", "-created_at", "pk"):
        invited, submitted = getattr(survey, "invited", 0), getattr(survey, "submitted", 0)
        rows.append((survey, round(100 * submitted / invited) if invited else None))
    may_create = any(policy.can_save(request.user, Survey(network=n)) for n in _coordinator(request))
    return _render(request, "portal/matching/survey_list.html",
                   {"surveys": rows, "may_create": may_create, "nav": "matching"})  # fmt: skip


class SurveyForm(forms.Form):
    network = forms.ModelChoiceField(label=_("Network"), queryset=Network.objects.none())
    title_ja = forms.CharField(label=_("Title (Japanese)"), max_length=300)
    title_en = forms.CharField(
        label=_("Title (English)"), max_length=300, required=False,
        help_text=_("Shown on English pages; when empty, the Japanese title is shown."),
    )  # fmt: skip
    intro_ja = forms.CharField(
        label=_("Introduction (Japanese)"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What respondents read above the questions."),
    )  # fmt: skip
    intro_en = forms.CharField(
        label=_("Introduction (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    opens_on = forms.DateField(
        label=_("Opens on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_on = forms.DateField(
        label=_("Closes on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, networks: QuerySet[Network], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["network"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = networks.order_by("name_ja", "pk")
            if networks.count() == 1:
                field.initial = networks.first()


@login_required
def survey_new(request: HttpRequest) -> HttpResponse:
    """A coordinator drafts a survey for one of their networks; questions and invitations follow."""
    networks = _coordinator(request)
    form = SurveyForm(request.POST or None, networks=networks)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not policy.can_save(request.user, Survey(network=data["network"])):
            raise PermissionDenied
        try:
            survey = services.survey_create(
                network=data["network"], actor=request.user, title_ja=data["title_ja"], title_en=data["title_en"],
                intro_ja=data["intro_ja"], intro_en=data["intro_en"], opens_on=data["opens_on"],
                closes_on=data["closes_on"],
            )  # fmt: skip
        except ValidationError as exc:
            for name, errors in getattr(exc, "error_dict", {}).items():
                form.add_error(name if name in form.fields else None, errors)
            if not hasattr(exc, "error_dict"):
                form.add_error(None, exc)
        else:
            return redirect("matching:survey-detail", pk=survey.pk)
    status = 422 if request.method == "POST" else 200
    return _render(
        request, "portal/matching/survey_new.html", {"form": form, "nav": "matching"}, status=status
    )


def _survey_context(request: HttpRequest, survey: Survey) -> dict[str, Any]:
    rates = selectors.response_rates(request.user, survey)
    invited = sum(r["invited"] for r in rates)
    submitted = sum(r["submitted"] for r in rates)
    may_change = policy.can(request.user, Action.CHANGE, survey)
    steps = services.rules.SURVEY_STEPS.get(survey.status, frozenset())
    return {
        "survey": survey, "nav": "matching", "rates": rates, "invited": invited, "submitted": submitted,
        "rate": round(100 * submitted / invited) if invited else None,
        "actions": [s for s in (Survey.Status.OPEN, Survey.Status.CLOSED) if s in steps] if may_change else [],
        "accepting": survey.is_open(),
        "responses": list(selectors.responses(request.user, survey).order_by("-submitted_at", "pk")),
        "hearings": list(policy.visible(request.user, Hearing.objects.filter(survey=survey)).select_related("organisation")),
        "questions": list(survey.questions.select_related("section")),
    }  # fmt: skip


@login_required
@require_POST
def survey_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a survey to answers, or close it; a refusal is shown on the survey's page with its reason."""
    _coordinator(request)
    survey = _visible(request.user, Survey.objects.select_related("network"), pk)
    if not policy.can(request.user, Action.CHANGE, survey):
        raise PermissionDenied
    status = request.POST.get("status", "")
    if status not in Survey.Status.values:
        raise Http404
    try:
        services.survey_set_status(survey=survey, status=status, actor=request.user)
    except ValidationError as exc:
        survey.refresh_from_db()
        context = _survey_context(request, survey)
        context["refused"] = " ".join(exc.messages)
        return _render(request, "portal/matching/survey_detail.html", context, status=422)
    return redirect("matching:survey-detail", pk=survey.pk)


@login_required
@require_GET
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    survey = _visible(request.user, Survey.objects.select_related("network"), pk)
    return _render(request, "portal/matching/survey_detail.html", _survey_context(request, survey))


HEI_KINDS = (
    Organisation.Kind.UNIVERSITY, Organisation.Kind.JUNIOR_COLLEGE, Organisation.Kind.TECHNICAL_COLLEGE,
    Organisation.Kind.OTHER_HEI, Organisation.Kind.FACULTY, Organisation.Kind.GRADUATE_SCHOOL,
)  # fmt: skip


class InvitationForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    target_group = forms.CharField(
        label=_("Target group"), max_length=100, required=False,
        help_text=_("How the response rate is grouped, e.g. 製造業・村山."),
    )  # fmt: skip
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=365, initial=30)

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = (
                Organisation.objects.exclude(kind__in=HEI_KINDS)
                .exclude(survey_invitations__survey=survey)
                .order_by("name_ja", "pk")
            )


def _invitations_context(request: HttpRequest, survey: Survey, form: InvitationForm) -> dict[str, Any]:
    return {
        "survey": survey, "form": form, "nav": "matching",
        "invitations": selectors.invitations(request.user, survey),
        "may_invite": policy.can_save(request.user, Invitation(survey=survey)),
    }  # fmt: skip


def _link(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("matching:survey-answer", kwargs={"token": token}))


@login_required
def survey_invitations(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite target organisations to a survey: each link is shown once, when it is made."""
    _coordinator(request)
    survey = _visible(request.user, Survey.objects.select_related("network"), pk)
    form = InvitationForm(request.POST or None, survey=survey)
    context = _invitations_context(request, survey, form)
    if request.method == "POST":
        if not context["may_invite"]:
            raise PermissionDenied
        if not form.is_valid():
            return _render(request, "portal/matching/invitations.html", context, status=422)
        try:
            invitation, token = services.invitation_create(
                survey=survey, organisation=form.cleaned_data["organisation"], actor=request.user,
                target_group=form.cleaned_data["target_group"], days=form.cleaned_data["days"],
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
            return _render(request, "portal/matching/invitations.html", context, status=422)
        context = _invitations_context(request, survey, InvitationForm(survey=survey))
        context.update(new_link=_link(request, token), new_invitation=invitation)
        return _render(request, "portal/matching/invitations.html", context, status=201)
    return _render(request, "portal/matching/invitations.html", context)


@login_required
@require_POST
def invitation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Withdraw an invitation, or issue it a new link (the old one stops working; shown once)."""
    _coordinator(request)
    invitation = _visible(request.user, Invitation.objects.select_related("survey", "organisation"), pk)
    if not policy.can(request.user, Action.CHANGE, invitation):
        raise PermissionDenied
    survey = invitation.survey
    if action == "withdraw":
        services.invitation_revoke(invitation=invitation, actor=request.user)
        return redirect("matching:survey-invitations", pk=survey.pk)
    if action != "reissue":
        raise Http404
    form = InvitationForm(survey=survey)
    try:
        token = services.invitation_reissue(invitation=invitation, actor=request.user)
    except ValidationError as exc:
        context = _invitations_context(request, survey, form)
        context["refused"] = " ".join(exc.messages)
        return _render(request, "portal/matching/invitations.html", context, status=409)
    context = _invitations_context(request, survey, form)
    context.update(new_link=_link(request, token), new_invitation=invitation)
    return _render(request, "portal/matching/invitations.html", context)


@login_required
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _participant(request)
    response = _visible(request.user, Response.objects.select_related("survey", "organisation"), pk)
    questions = list(response.survey.questions.all())
    skills = {c.code: c.label for c in services.skill_choices().values()}
    rows = []
    for question in questions:
        value = response.answers.get(question.key)
        labels = dict(question.choice_labels())
        if isinstance(value, list):
            shown = "、".join(str(labels.get(v) or skills.get(v) or v) for v in value)
        else:
            shown = "" if value is None else str(labels.get(str(value), value))
        rows.append((question, shown))
    return _render(request, "portal/matching/response_detail.html",
                  {"response": response, "rows": rows, "needs": response.needs.all(), "nav": "matching"})  # fmt: skip


class HearingForm(forms.ModelForm):
    needs = forms.CharField(
        label=_("Needs extracted"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One need per line, as the employer put it: each is tagged with skills and matched at once."),
    )  # fmt: skip

    class Meta:
        model = Hearing
        fields = ["network", "survey", "organisation", "held_on", "interviewees", "interviewer", "notes_ja",
                  "notes_en"]  # fmt: skip
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "notes_ja": forms.Textarea(attrs={"rows": 6}), "notes_en": forms.Textarea(attrs={"rows": 3}),
        }  # fmt: skip

    def __init__(self, *args: Any, networks: QuerySet[Network], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        network, survey, organisation = (self.fields[n] for n in ("network", "survey", "organisation"))
        if isinstance(network, forms.ModelChoiceField):
            network.queryset = networks
        if isinstance(survey, forms.ModelChoiceField):
            survey.queryset = Survey.objects.filter(network__in=networks)
        if isinstance(organisation, forms.ModelChoiceField):
            organisation.queryset = Organisation.objects.exclude(kind__in=HEI_KINDS).order_by("name_ja", "pk")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        survey, network = data.get("survey"), data.get("network")
        if survey is not None and network is not None and survey.network_id != network.pk:
            self.add_error("survey", _("This survey belongs to another network."))
        lines = [line.strip() for line in str(data.get("needs") or "").splitlines() if line.strip()]
        if len(lines) > 50:
            self.add_error("needs", _("At most 50 needs at a time."))
        data["needs"] = lines
        return data


@login_required
def hearing_new(request: HttpRequest) -> HttpResponse:
    """A coordinator enters a hearing: who, when, the interviewer, what was said and the needs heard."""
    networks = _coordinator(request)
    initial: dict[str, Any] = {"held_on": timezone.localdate()}
    initial.update({k: _int(request.GET.get(k)) for k in ("survey", "network") if _int(request.GET.get(k))})
    form = HearingForm(request.POST or None, networks=networks, initial=initial)
    if request.method == "POST" and form.is_valid():
        hearing = form.save(commit=False)
        if not policy.can_save(request.user, hearing):
            raise PermissionDenied
        try:
            services.hearing_record(hearing=hearing, needs=form.cleaned_data["needs"], actor=request.user)
        except ValidationError as exc:  # a need's own rules (its text) are shown beside the needs
            field_errors = getattr(exc, "error_dict", {})
            for name, errors in field_errors.items():
                form.add_error(name if name in form.fields else "needs" if name == "text" else None, errors)
            if not field_errors:
                form.add_error(None, exc)
        else:
            return redirect("matching:hearing-detail", pk=hearing.pk)
    status = 422 if request.method == "POST" else 200
    return _render(
        request, "portal/matching/hearing_form.html", {"form": form, "nav": "matching"}, status=status
    )


@login_required
def hearing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    hearing = _visible(request.user, Hearing.objects.select_related("organisation", "network"), pk)
    skills = Prefetch("need_skills", NeedSkill.objects.filter(rejected=False).select_related("concept"))
    needs = hearing.needs.order_by("pk").prefetch_related(skills)
    return _render(request, "portal/matching/hearing_detail.html",
                  {"hearing": hearing, "needs": needs, "nav": "matching"})  # fmt: skip


# --- needs ---------------------------------------------------------------------------------------------------


class NeedForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = ["organisation", "network", "text", "level", "headcount", "timeframe", "mode", "time_of_day",
                  "municipality_code", "budget_yen"]  # fmt: skip
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = list(selectors.coordinated_networks(user).values_list("pk", flat=True))
        own = organisation_policy.editable_organisation_ids(user)
        organisation = self.fields["organisation"]
        network = self.fields["network"]
        if isinstance(organisation, forms.ModelChoiceField) and isinstance(network, forms.ModelChoiceField):
            # an employer enters needs for its own organisations, in the networks that invited or
            # matched it; a coordinator for the employers of its networks
            organisation.queryset = Organisation.objects.filter(
                Q(pk__in=own) | Q(needs__network__in=staff) | Q(survey_invitations__survey__network__in=staff)
            ).distinct()
            network.queryset = Network.objects.filter(
                Q(pk__in=staff) | Q(surveys__invitations__organisation__in=own) | Q(needs__organisation__in=own)
                | Q(memberships__organisation__in=own)
            ).distinct()  # fmt: skip


@parses(NeedListPage)  # before the sign-in: a bad address is explained, not redirected
@login_required
def need_list(request: HttpRequest, params: NeedListPage) -> HttpResponse:
    _participant(request)
    network = Network.objects.filter(key=params.network).first() if params.network else None
    rows = selectors.needs(request.user, network=network, status=params.status or "")
    page = Paginator(rows, 30).get_page(params.page)
    return _render(request, "portal/matching/need_list.html",
                  {"page_obj": page, "statuses": Need.Status.choices, "status": params.status or "",
                   "nav": "matching"})  # fmt: skip


@login_required
def need_new(request: HttpRequest) -> HttpResponse:
    _participant(request)
    form = NeedForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        need = form.save(commit=False)
        try:
            services.need_save(need=need, actor=request.user)
            services.need_match(need=need, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("matching:need-detail", pk=need.pk)
    return _render(request, "portal/matching/need_form.html", {"form": form, "nav": "matching"})


class SkillAddForm(forms.Form):
    concept = forms.ModelChoiceField(label=_("Add a skill"), queryset=Concept.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["concept"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = Concept.objects.filter(pk__in=[c.pk for c in services.skill_choices().values()])


@login_required
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _participant(request)
    need = _visible(
        request.user, Need.objects.select_related("organisation", "network", "response", "hearing"), pk
    )
    may_change = policy.can(request.user, Action.CHANGE, need)
    coordinator = need.network_id in services.network_policy.staff_network_ids(
        request.user
    ) or policy.is_superuser(request.user)
    form = SkillAddForm(request.POST or None)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        action = request.POST.get("action", "")
        try:
            if action == "add-skill" and form.is_valid():
                services.need_skill_add(need=need, concept=form.cleaned_data["concept"], actor=request.user)
            elif action == "remove-skill":
                row = NeedSkill.objects.filter(need=need, pk=_int(request.POST.get("skill"))).first()
                if row is None:
                    raise Http404
                services.need_skill_remove(need_skill=row, actor=request.user)
            elif action == "status" and request.POST.get("status") in Need.Status.values:
                services.need_set_status(need=need, status=request.POST["status"], actor=request.user)
            elif action == "match":
                services.need_match(need=need, actor=request.user)
            else:
                return _render(request, "portal/matching/need_detail.html",
                              _need_context(request, need, form, may_change, coordinator), status=422)  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
            return _render(request, "portal/matching/need_detail.html",
                          _need_context(request, need, form, may_change, coordinator), status=422)  # fmt: skip
        return redirect("matching:need-detail", pk=need.pk)
    return _render(
        request,
        "portal/matching/need_detail.html",
        _need_context(request, need, form, may_change, coordinator),
    )


def _int(value: Any) -> int:
    try:
        number = int(str(value))
    except ValueError:
        return 0
    return number if 0 < number < 2**63 else 0


def _need_context(
    request: HttpRequest, need: Need, form: Any, may_change: bool, coordinator: bool
) -> dict[str, Any]:
    return {
        "need": need, "form": form, "may_change": may_change, "coordinator": coordinator, "nav": "matching",
        "place": selectors.place_name(need.place_code()),
        "skills": list(need.need_skills.select_related("concept").order_by("rejected", "pk")),
        "matches": selectors.latest_matches(need, request.user), "statuses": Need.Status.choices,
    }  # fmt: skip


# --- runs ----------------------------------------------------------------------------------------------------


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    networks = _coordinator(request)
    if request.method == "POST":
        network = networks.filter(pk=_int(request.POST.get("network"))).first()
        if network is None or not policy.can_save(request.user, MatchRun(network=network)):
            raise PermissionDenied
        top_k = min(max(_int(request.POST.get("top_k")) or 5, 1), 50)
        match_run = matching_jobs.match_run_launch(user=request.user, network=network, top_k=top_k)
        return redirect("matching:run-detail", pk=match_run.pk)
    runs = selectors.runs(request.user).exclude(scope=MatchRun.Scope.ONE_NEED)
    singles = selectors.runs(request.user).filter(scope=MatchRun.Scope.ONE_NEED)[:10]
    return _render(request, "portal/matching/run_list.html",
                  {"runs": runs[:50], "singles": singles, "networks": networks, "nav": "matching"})  # fmt: skip


def _run_context(request: HttpRequest, match_run: MatchRun) -> dict[str, Any]:
    status = job_status(match_run.job, _lang()) if match_run.job else None
    finished = match_run.state == MatchRun.State.DONE or (status is not None and status.finished)
    matches = []
    if match_run.state == MatchRun.State.DONE:
        by_need: dict[int, dict[str, Any]] = {}
        rows = policy.visible(request.user, match_run.matches.select_related("need", "need__organisation", "program",
                                                                             "program__provider"))  # fmt: skip
        for match in rows.order_by("need_id", "rank"):
            by_need.setdefault(match.need_id, {"need": match.need, "matches": []})["matches"].append(match)
        matches = list(by_need.values())
    return {"run": match_run, "status": status, "finished": finished, "by_need": matches, "nav": "matching"}


@login_required
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    match_run = _visible(request.user, MatchRun.objects.select_related("network", "job", "need"), pk)
    return _render(request, "portal/matching/run_detail.html", _run_context(request, match_run))


@login_required
@require_GET
def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    match_run = _visible(request.user, MatchRun.objects.select_related("network", "job"), pk)
    context = _run_context(request, match_run)
    response = _render(request, "portal/matching/_run_progress.html", context)
    if context["finished"] or (context["status"] is not None and context["status"].stalled):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _coordinator(request)
    match_run = _visible(request.user, MatchRun.objects.select_related("network", "job"), pk)
    if not policy.can(request.user, Action.CHANGE, match_run):
        raise PermissionDenied
    if action == "retry":
        matching_jobs.match_run_retry(match_run)
        return redirect("matching:run-detail", pk=match_run.pk)
    if action == "repeat":
        again = matching_jobs.match_run_repeat(match_run=match_run, user=request.user)
        return redirect("matching:run-detail", pk=again.pk)
    raise Http404


# the engine's contributions to a score (renkei/engine), named in the user's language
CONTRIBUTIONS = {
    "skill": pgettext_lazy("match contribution", "Skills"),
    "skill_narrower": pgettext_lazy("match contribution", "Related skills (narrower)"),
    "skill_broader": pgettext_lazy("match contribution", "Related skills (broader)"),
    "skill_related": pgettext_lazy("match contribution", "Related skills (related)"),
    "text": pgettext_lazy("match contribution", "Text"),
    "precedent": pgettext_lazy("match contribution", "Similar needs"),
    "mode": pgettext_lazy("match contribution", "Mode"),
    "distance": pgettext_lazy("match contribution", "Distance"),
    "fee": pgettext_lazy("match contribution", "Fee"),
    "level": pgettext_lazy("match contribution", "Level"),
    "schedule": pgettext_lazy("match contribution", "Schedule"),
    "time": pgettext_lazy("match contribution", "Time of day"),
}


@login_required
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _participant(request)
    match = _visible(request.user, Match.objects.select_related("need", "need__organisation", "program",
                                                                "program__provider", "run"), pk)  # fmt: skip
    parts = sorted(match.contributions.items(), key=lambda kv: -kv[1])
    total = sum(v for _, v in parts) or 1.0
    contributions = [{"kind": CONTRIBUTIONS.get(k, k), "value": v, "percent": round(100 * v / total)}
                     for k, v in parts]  # fmt: skip
    return _render(request, "portal/matching/match_detail.html",
                  {"match": match, "contributions": contributions, "nav": "matching"})  # fmt: skip


# --- gaps ----------------------------------------------------------------------------------------------------


@parses(GapsPage)  # before the sign-in: a bad address is explained, not redirected
@login_required
def gaps(request: HttpRequest, params: GapsPage) -> HttpResponse:
    network = _network(request, params.network)
    result = selectors.gaps(request.user, network)
    context = {"gaps": result, "network": network, "networks": _coordinator(request), "nav": "matching",
               "heat": result.heat(), "charts": _charts(result)}  # fmt: skip
    return _render(request, "portal/matching/gaps.html", context)


def _charts(result: selectors.Gaps) -> dict[str, str]:
    """The bar chart of demand against supply per skill, and the heat map of unmet people per industry
    and area (server-side SVG); the tables beside them carry the same numbers."""
    top = result.skills[:12]
    heat = result.heat()
    return {
        "skills": charts.bars(
            [row.concept.label for row in top],
            [
                charts.Series(str(_("People in live needs")), [row.people for row in top]),
                charts.Series(str(_("People in unmet needs")), [row.unmet_people for row in top]),
                charts.Series(str(_("Seats in upcoming runs")), [row.seats for row in top]),
            ],
            title=str(_("Demand and supply per skill")), empty=str(_("No live need has a skill yet.")),
        ),
        "heat": charts.heat_map(
            [label for _code, label, _cells in heat["rows"]], [label for _code, label in heat["columns"]],
            [[value for value, _level in cells] for _code, _label, cells in heat["rows"]],
            title=str(_("Unmet people per industry and area")), empty=str(_("No live need yet.")),
        ),
    }  # fmt: skip


@parses(GapsCsv)  # before the sign-in: a bad address is explained, not redirected
@login_required
def gaps_csv(request: HttpRequest, params: GapsCsv) -> HttpResponse:
    network = _network(request, params.network)
    result = selectors.gaps(request.user, network)
    table = params.table or "skills"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if table == "skills":
        writer.writerow(["skill_code", "skill", "needs", "people", "unmet_needs", "unmet_people", "programs", "seats",
                         "upcoming_runs"])  # fmt: skip
        for row in result.skills:
            writer.writerow([row.concept.code, row.concept.label, row.needs, row.people, row.unmet, row.unmet_people,
                             row.programs, row.seats, row.upcoming_runs])  # fmt: skip
    elif table == "segments":
        writer.writerow(["industry", "employees_band", "area", "segment", "needs", "people", "unmet_needs",
                         "unmet_people", "employers", "target"])  # fmt: skip
        for seg in result.segments:
            writer.writerow([seg.industry, seg.employees_band, seg.area, seg.label, seg.needs, seg.people, seg.unmet,
                             seg.unmet_people, len(seg.employers), "yes" if seg.target else ""])  # fmt: skip
    else:
        writer.writerow(["need_id", "employer", "text", "people", "status"])
        for need in result.unmet:
            writer.writerow([need.pk, need.organisation.name, need.text, need.headcount or "", need.status])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="renkei-gaps-{network.key}-{table}.csv"'
    return response


# --- proposals -----------------------------------------------------------------------------------------------


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    networks = _coordinator(request)
    if request.method == "POST":
        network = networks.filter(pk=_int(request.POST.get("network"))).first()
        skill_ids = [_int(v) for v in request.POST.getlist("skill")][:10]
        skills = list(Concept.objects.filter(pk__in=[s for s in skill_ids if s]))
        if network is None or not skills:
            raise Http404
        if not policy.can_save(request.user, Proposal(network=network)):
            raise PermissionDenied
        import uuid

        proposal = services.proposal_draft_from_gap(
            network=network, skills=skills, actor=request.user, key=f"p-{uuid.uuid4().hex[:10]}",
            industry=request.POST.get("industry", "") if request.POST.get("industry", "") in Industry.values else "",
        )  # fmt: skip
        return redirect("matching:proposal-detail", pk=proposal.pk)
    rows = selectors.proposals(request.user)
    return _render(request, "portal/matching/proposal_list.html", {"proposals": rows, "nav": "matching"})


class ProposalTextForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["title_ja", "title_en", "summary_ja", "summary_en"]
        widgets = {
            "summary_ja": forms.Textarea(attrs={"rows": 3}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"title_en": _("Shown on English pages; when empty, the Japanese title is shown.")}


def _evidence(proposal: Proposal, user: Any) -> list[dict[str, Any]]:
    """Who is best placed to develop it, with their programs and teaching content as they are now (titles
    in the reader's language, linked when the reader may see them); as stored when since removed."""
    evidence = proposal.developer_evidence or []
    organisations = Organisation.objects.in_bulk([d["organisation"] for d in evidence])
    program_ids = [p["id"] for d in evidence for p in d.get("programs", [])]
    content_ids = [c["id"] for d in evidence for c in d.get("contents", [])]
    programs = policy.visible(user, Program.objects.select_related("provider")).in_bulk(program_ids)
    contents = policy.visible(user, TeachingContent.objects.all()).in_bulk(content_ids)
    english = _lang() == "en"

    def stored(item: dict[str, Any]) -> str:
        return (item.get("title_en") if english else "") or item.get("title", "")

    rows = []
    for entry in evidence:
        shown_programs = []
        for item in entry.get("programs", []):
            program = programs.get(item["id"])
            url = (
                reverse("catalog:program-detail", args=[program.provider.key, program.code])
                if program
                else ""
            )
            shown_programs.append({"title": program.title if program else stored(item), "url": url})
        shown_contents = []
        for item in entry.get("contents", []):
            content = contents.get(item["id"])
            url = reverse("catalog:content-detail", args=[content.pk]) if content else ""
            shown_contents.append({"title": content.title if content else stored(item), "url": url})
        rows.append({"organisation": organisations.get(entry["organisation"]), "programs": shown_programs,
                     "contents": shown_contents})  # fmt: skip
    return rows


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    proposal = _visible(request.user, Proposal.objects.select_related("network", "program"), pk)
    may_change = policy.can(request.user, Action.CHANGE, proposal)
    error = ""
    text_form = ProposalTextForm(instance=proposal)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if request.POST.get("action") == "texts":
            text_form = ProposalTextForm(request.POST, instance=Proposal.objects.get(pk=proposal.pk))
            if text_form.is_valid():
                data = text_form.cleaned_data
                try:
                    services.proposal_set_texts(
                        proposal=Proposal.objects.get(pk=proposal.pk), actor=request.user,
                        title_ja=data["title_ja"], title_en=data["title_en"], summary_ja=data["summary_ja"],
                        summary_en=data["summary_en"],
                    )  # fmt: skip
                except ValidationError as exc:
                    text_form.add_error(None, exc)
                else:
                    return redirect("matching:proposal-detail", pk=proposal.pk)
            error = " ".join(str(e) for errors in text_form.errors.values() for e in errors)
        else:
            status = request.POST.get("status", "")
            if status not in Proposal.Status.values:
                raise Http404
            try:
                services.proposal_set_status(proposal=proposal, status=status, actor=request.user)
            except ValidationError as exc:
                error = " ".join(exc.messages)
                proposal.refresh_from_db()
            else:
                return redirect("matching:proposal-detail", pk=proposal.pk)
    context = {
        "proposal": proposal, "developers": _evidence(proposal, request.user), "text_form": text_form,
        "may_change": may_change, "needs": list(proposal.needs.select_related("organisation")),
        "employers": proposal.employers(), "skills": list(proposal.skills.all()), "error": error,
        "next_statuses": [(v, label) for v, label in Proposal.Status.choices
                          if v in services.rules.PROPOSAL_STEPS.get(proposal.status, ())],
        "nav": "matching",
    }  # fmt: skip
    return _render(request, "portal/matching/proposal_detail.html", context, status=422 if error else 200)
