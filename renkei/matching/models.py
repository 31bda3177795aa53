"""Needs and matching: surveys and hearings of employers, their needs, matching runs and their matches,
target segments (STP) and proposals for new programs.

Who sees what (`renkei.matching.policy`): the coordinators of a network (its secretariat) keep its
surveys, invitations, hearings, runs, segments and proposals and see every response and need of the
network; an employer (a user with a role at the respondent organisation) sees only its own answers,
needs and matches.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renkei.catalog.models import MUNICIPALITY_VALIDATOR, Program
from renkei.core.keys import KeyField
from renkei.core.models import AuditedModel, Source, localized
from renkei.core.rules import enforce
from renkei.matching import rules
from renkei.matching.segments import Area, EmployeesBand, Industry, area_of
from renkei.networks.models import Network
from renkei.organisations.models import Organisation
from renkei.taxonomy.models import Concept

SAMPLE_HELP = _("Made up for the demo: not a real employer's answer or need.")


class Mode(models.TextChoices):
    ANY = "any", _("any mode")
    ONSITE = "onsite", _("on site")
    ONLINE = "online", _("online (live)")
    HYBRID = "hybrid", _("hybrid")
    ON_DEMAND = "on_demand", _("on demand")


class Level(models.TextChoices):
    ANY = "", _("any level")
    INTRODUCTORY = "introductory", _("introductory")
    INTERMEDIATE = "intermediate", _("intermediate")
    ADVANCED = "advanced", _("advanced")


class Survey(AuditedModel):
    """A questionnaire a network sends to employers (人材ニーズ調査)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", pgettext_lazy("survey", "open")
        CLOSED = "closed", pgettext_lazy("survey", "closed")

    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("network")
    )
    key = KeyField(_("key"), max_length=80)
    title_ja = models.CharField(_("title (Japanese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    intro_ja = models.TextField(_("introduction (Japanese)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False, help_text=SAMPLE_HELP)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )
    import_mapping = models.JSONField(
        _("mapping of imported files"), default=dict, blank=True,
        help_text=_("How the headers of a form tool's export map to the questions and the respondent's "
                    "fields, as confirmed at the last import (`renkei.matching.importers`)."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["network_id", "-opens_on", "key"]
        constraints = [models.UniqueConstraint(fields=["network", "key"], name="survey_network_key_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def intro(self) -> str:
        return localized(self, "intro")

    def clean(self) -> None:
        super().clean()
        enforce(rules.check_survey(opens_on=self.opens_on, closes_on=self.closes_on))

    def is_open(self, today: object = None) -> bool:
        day = today or timezone.localdate()
        return (
            self.status == self.Status.OPEN
            and (self.opens_on is None or self.opens_on <= day)  # type: ignore[operator]
            and (self.closes_on is None or self.closes_on >= day)  # type: ignore[operator]
        )


class SurveySection(AuditedModel):
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="sections", verbose_name=_("survey")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0, validators=[MaxValueValidator(1_000)])
    title_ja = models.CharField(_("title (Japanese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("survey section")
        verbose_name_plural = _("survey sections")
        ordering = ["survey_id", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")


class Question(AuditedModel):
    class Kind(models.TextChoices):
        SINGLE = rules.SINGLE, _("single choice")
        MULTIPLE = rules.MULTIPLE, _("multiple choice")
        SCALE = rules.SCALE, _("scale")
        NUMBER = rules.NUMBER, _("number")
        TEXT = rules.TEXT, _("free text")
        SKILLS = rules.SKILLS, _("skills from the taxonomy")

    class Role(models.TextChoices):
        """What an answer means beyond itself: the needs and the profile are read from these."""

        NONE = "", _("—")
        NEED_TEXT = "need_text", _("a need, as written")
        NEED_SKILLS = "need_skills", _("skills needed")
        HEADCOUNT = "headcount", _("how many people")
        MODE = "mode", _("preferred mode")
        BUDGET = "budget", _("budget per person (yen)")

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey")
    )
    section = models.ForeignKey(
        SurveySection, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions",
        verbose_name=_("section"),
    )  # fmt: skip
    key = KeyField(_("key"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0, validators=[MaxValueValidator(1_000)])
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    role = models.CharField(_("meaning"), max_length=20, choices=Role.choices, blank=True)
    text_ja = models.CharField(_("question (Japanese)"), max_length=500)
    text_en = models.CharField(_("question (English)"), max_length=500, blank=True)
    help_ja = models.CharField(_("help (Japanese)"), max_length=500, blank=True)
    help_en = models.CharField(_("help (English)"), max_length=500, blank=True)
    required = models.BooleanField(_("answer required"), default=False)
    choices = models.JSONField(
        _("choices"), default=list, blank=True,
        help_text=_('For choice questions: [{"value": "a", "ja": "…", "en": "…"}, …]'),
    )  # fmt: skip
    scale_min = models.SmallIntegerField(
        _("scale from"), null=True, blank=True, validators=[MinValueValidator(-100), MaxValueValidator(100)]
    )
    scale_max = models.SmallIntegerField(
        _("scale to"), null=True, blank=True, validators=[MinValueValidator(-100), MaxValueValidator(100)]
    )
    number_min = models.IntegerField(
        _("number at least"), null=True, blank=True,
        validators=[MinValueValidator(-1_000_000_000), MaxValueValidator(1_000_000_000)],
    )  # fmt: skip
    number_max = models.IntegerField(
        _("number at most"), null=True, blank=True,
        validators=[MinValueValidator(-1_000_000_000), MaxValueValidator(1_000_000_000)],
    )  # fmt: skip

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["survey", "key"], name="question_survey_key_unique")]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return localized(self, "text")

    @property
    def help(self) -> str:
        return localized(self, "help")

    def choice_labels(self) -> list[tuple[str, str]]:
        en = (localized(self, "text") == self.text_en) and bool(self.text_en)
        return [
            (c["value"], (c.get("en") if en else None) or c.get("ja", c["value"])) for c in self.choices or []
        ]

    def clean(self) -> None:
        super().clean()
        broken = rules.check_question(
            kind=self.kind, choices=self.choices, scale_min=self.scale_min, scale_max=self.scale_max,
            number_min=self.number_min, number_max=self.number_max,
        )  # fmt: skip
        if self.section_id and self.section is not None and self.section.survey_id != self.survey_id:
            broken.append(rules.Broken("section", rules.SECTION_OF_OTHER_SURVEY, "section"))
        enforce(broken)


class EmployerProfile(AuditedModel):
    """What segments an employer: industry, size and place (one per organisation)."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="employer_profile",
        verbose_name=_("organisation"),
    )
    industry = models.CharField(
        _("industry (JSIC major group)"), max_length=1, choices=Industry.choices, blank=True
    )
    employees_band = models.CharField(
        _("employees"), max_length=10, choices=EmployeesBand.choices, blank=True
    )
    municipality_code = models.CharField(
        _("municipality code"), max_length=5, blank=True, validators=[MUNICIPALITY_VALIDATOR]
    )
    is_sample = models.BooleanField(_("sample data"), default=False, help_text=SAMPLE_HELP)

    class Meta:
        verbose_name = _("employer profile")
        verbose_name_plural = _("employer profiles")
        ordering = ["organisation_id"]

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def area(self) -> str:
        return area_of(self.municipality_code)

    def audit_organisation_id(self) -> int | None:
        return self.organisation_id


class Invitation(AuditedModel):
    """A survey sent to one organisation: a link with a token, for one respondent, until it expires.
    Only the SHA-256 of the token's secret is kept (as for API tokens)."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("survey")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="survey_invitations",
        verbose_name=_("organisation"),
    )
    target_group = models.CharField(
        _("target group"), max_length=100, blank=True,
        help_text=_("How the secretariat groups invitations for the response rate, e.g. 製造業・村山."),
    )  # fmt: skip
    prefix = models.CharField(_("prefix"), max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(_("SHA-256 of the secret"), max_length=64, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False, help_text=SAMPLE_HELP)

    audit_masked_fields = ("secret_hash",)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["survey_id", "target_group", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "organisation"], name="invitation_survey_org_unique")
        ]

    def __str__(self) -> str:
        return f"{self.survey} → {self.organisation}"

    def audit_organisation_id(self) -> int | None:
        return self.organisation_id


class Response(AuditedModel):
    """The answers of one respondent: a draft until submitted, then fixed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", pgettext_lazy("survey response", "submitted")

    class Via(models.TextChoices):
        FORM = "form", _("survey link")
        IMPORT = "import", _("imported file")
        STAFF = "staff", _("entered by the secretariat")

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey")
    )
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="response",
        verbose_name=_("invitation"),
    )  # fmt: skip
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="survey_responses", verbose_name=_("respondent")
    )
    external_id = models.CharField(
        _("external id"), max_length=100, blank=True, help_text=_("The row's id in an imported export.")
    )
    respondent_name = models.CharField(_("respondent"), max_length=200, blank=True)
    industry = models.CharField(
        _("industry (JSIC major group)"), max_length=1, choices=Industry.choices, blank=True
    )
    employees_band = models.CharField(
        _("employees"), max_length=10, choices=EmployeesBand.choices, blank=True
    )
    municipality_code = models.CharField(
        _("municipality code"), max_length=5, blank=True, validators=[MUNICIPALITY_VALIDATOR]
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    via = models.CharField(_("through"), max_length=10, choices=Via.choices, default=Via.FORM)
    source_file = models.CharField(
        _("imported from"),
        max_length=200,
        blank=True,
        help_text=_("The name of the file it was imported from."),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False, help_text=SAMPLE_HELP)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["survey_id", "-submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "external_id"], condition=~models.Q(external_id=""),
                name="response_external_id_unique",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.survey} — {self.organisation}"

    def audit_organisation_id(self) -> int | None:
        return self.organisation_id


class Hearing(AuditedModel):
    """Structured notes of an interview with an employer (ヒアリング)."""

    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="hearings", verbose_name=_("network")
    )
    survey = models.ForeignKey(
        Survey,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hearings",
        verbose_name=_("survey"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="hearings", verbose_name=_("employer")
    )
    held_on = models.DateField(_("held on"))
    interviewees = models.CharField(_("who was heard"), max_length=300)
    interviewer = models.CharField(_("interviewer"), max_length=200)
    notes_ja = models.TextField(_("what was said (Japanese)"))
    notes_en = models.TextField(_("what was said (English)"), blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False, help_text=SAMPLE_HELP)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["network_id", "-held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.held_on:%Y-%m-%d}"

    @property
    def notes(self) -> str:
        return localized(self, "notes")

    def audit_organisation_id(self) -> int | None:
        return self.organisation_id


class Need(AuditedModel):
    """What an employer needs, as it wrote it, with the skills found in it and its constraints."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        MATCHED = "matched", _("matched")
        ADDRESSED = "addressed", _("addressed")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Timeframe(models.TextChoices):
        ANY = "", _("no timeframe")
        NOW = "3m", _("within 3 months")
        HALF_YEAR = "6m", _("within 6 months")
        YEAR = "12m", _("within a year")
        LATER = "later", _("later")

    class TimeOfDay(models.TextChoices):
        ANY = "", _("any time")
        MORNING = "morning", _("mornings")
        DAYTIME = "daytime", _("weekday daytime")
        EVENING = "evening", _("evenings")
        WEEKEND = "weekend", _("weekends")

    Mode = Mode
    Level = Level

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="needs", verbose_name=_("employer")
    )
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="needs", verbose_name=_("network"),
        help_text=_("The network whose coordinators see and match this need."),
    )  # fmt: skip
    response = models.ForeignKey(
        Response,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("from response"),
    )
    hearing = models.ForeignKey(
        Hearing,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("from hearing"),
    )
    text = models.TextField(_("the need, as written"), max_length=rules.MAX_TEXT)
    skills: models.ManyToManyField[Concept, NeedSkill] = models.ManyToManyField(
        Concept, through="NeedSkill", related_name="needs", blank=True, verbose_name=_("skills")
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    headcount = models.PositiveIntegerField(
        _("people"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    timeframe = models.CharField(_("timeframe"), max_length=10, choices=Timeframe.choices, blank=True)
    mode = models.CharField(_("preferred mode"), max_length=10, choices=Mode.choices, default=Mode.ANY)
    time_of_day = models.CharField(_("time of day"), max_length=20, choices=TimeOfDay.choices, blank=True)
    municipality_code = models.CharField(
        _("place (municipality code)"), max_length=5, blank=True, validators=[MUNICIPALITY_VALIDATOR],
        help_text=_("Where the people work; empty: the employer's own municipality."),
    )  # fmt: skip
    budget_yen = models.PositiveIntegerField(
        _("budget per person (yen)"), null=True, blank=True, validators=[MaxValueValidator(100_000_000)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    is_sample = models.BooleanField(_("sample data"), default=False, help_text=SAMPLE_HELP)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["organisation_id", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    def audit_organisation_id(self) -> int | None:
        return self.organisation_id

    def place_code(self) -> str:
        if self.municipality_code:
            return self.municipality_code
        profile = EmployerProfile.objects.filter(organisation_id=self.organisation_id).first()
        return (profile.municipality_code if profile else "") or self.organisation.municipality_code or ""

    def clean(self) -> None:
        super().clean()
        stored = (
            None
            if self.pk is None
            else Need.objects.filter(pk=self.pk).values_list("status", flat=True).first()
        )
        enforce(rules.check_need_status(stored=stored, new=self.status) + rules.check_need_text(self.text))


class NeedSkill(AuditedModel):
    """A skill of a need: found by the tagger (with the words that produced it) or set by a person."""

    class Origin(models.TextChoices):
        TAGGER = "tagger", _("found in the text")
        PERSON = "person", _("set by a person")

    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, related_name="need_skills", verbose_name=_("need")
    )
    concept = models.ForeignKey(Concept, on_delete=models.PROTECT, related_name="+", verbose_name=_("skill"))
    words = models.CharField(_("words that produced it"), max_length=200, blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.PERSON)
    rejected = models.BooleanField(
        _("removed by a person"), default=False,
        help_text=_("The tagger found it but a person removed it: it stays off when the text is tagged again."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("skill of a need")
        verbose_name_plural = _("skills of needs")
        ordering = ["need_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["need", "concept"], name="need_skill_unique")]

    def __str__(self) -> str:
        return f"{self.concept} ({self.words})" if self.words else str(self.concept)

    def audit_organisation_id(self) -> int | None:
        return self.need.organisation_id


class MatchRun(AuditedModel):
    """One ranking of programs for needs by the engine, with the engine's version and parameters, so that
    it can be reproduced and repeated."""

    class Scope(models.TextChoices):
        OPEN_NEEDS = "open_needs", _("all open needs")
        ONE_NEED = "one_need", _("one need")
        IMPORTED = "imported", _("needs from an import")

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="match_runs", verbose_name=_("network")
    )
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.OPEN_NEEDS)
    need = models.ForeignKey(
        Need,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="single_runs",
        verbose_name=_("need"),
    )
    need_ids = models.JSONField(
        _("needs chosen"), default=list, blank=True,
        help_text=_("For a run over the needs of an import: their ids (the run ranks those still open)."),
    )  # fmt: skip
    repeat_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name=_("repeat of"),
    )
    engine_version = models.CharField(_("engine version"), max_length=40, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    inputs = models.JSONField(
        _("inputs"), default=dict, blank=True,
        help_text=_("The needs and programs ranked (ids and a fingerprint of their content)."),
    )  # fmt: skip
    fingerprint = models.CharField(_("fingerprint of the results"), max_length=64, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("job")
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("started by"),
    )  # fmt: skip
    need_count = models.PositiveIntegerField(
        _("needs"), default=0, validators=[MaxValueValidator(10_000_000)]
    )
    match_count = models.PositiveIntegerField(
        _("matches"), default=0, validators=[MaxValueValidator(100_000_000)]
    )
    top_k = models.PositiveSmallIntegerField(
        _("programs per need"), default=5, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False, help_text=SAMPLE_HELP)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.created_at:%Y-%m-%d %H:%M}" if self.pk else "run"


class Match(AuditedModel):
    """A program ranked for a need in a run, with the reasons, in both languages."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="matches", verbose_name=_("run"))
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="matches", verbose_name=_("need"))
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="need_matches", verbose_name=_("program")
    )
    rank = models.PositiveSmallIntegerField(
        _("rank"), validators=[MinValueValidator(1), MaxValueValidator(1_000)]
    )
    score = models.FloatField(_("score"), validators=[MinValueValidator(0.0), MaxValueValidator(1_000_000.0)])
    reasons_ja = models.CharField(_("reasons (Japanese)"), max_length=500, blank=True)
    reasons_en = models.CharField(_("reasons (English)"), max_length=500, blank=True)
    contributions = models.JSONField(_("contributions"), default=dict, blank=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["run_id", "need_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["run", "need", "rank"], name="match_run_need_rank_unique"),
            models.UniqueConstraint(fields=["run", "need", "program"], name="match_run_need_program_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.rank} {self.program}"

    @property
    def reasons(self) -> str:
        return localized(self, "reasons")

    def audit_organisation_id(self) -> int | None:
        return self.need.organisation_id


class TargetSegment(AuditedModel):
    """A segment (industry × size × area) the network chose to target, and where it stands (STP)."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="target_segments", verbose_name=_("network")
    )
    industry = models.CharField(
        _("industry (JSIC major group)"), max_length=1, choices=Industry.choices, blank=True
    )
    employees_band = models.CharField(
        _("employees"), max_length=10, choices=EmployeesBand.choices, blank=True
    )
    area = models.CharField(_("area"), max_length=20, choices=Area.choices, blank=True)
    position_ja = models.TextField(
        _("position (Japanese)"), blank=True, help_text=_("Where the members' programs stand.")
    )
    position_en = models.TextField(_("position (English)"), blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False, help_text=SAMPLE_HELP)

    class Meta:
        verbose_name = _("target segment")
        verbose_name_plural = _("target segments")
        ordering = ["network_id", "industry", "employees_band", "area"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "industry", "employees_band", "area"], name="target_segment_unique"
            )
        ]

    def __str__(self) -> str:
        from renkei.matching.segments import segment_label

        return segment_label(self.industry, self.employees_band, self.area)

    @property
    def position(self) -> str:
        return localized(self, "position")


class Proposal(AuditedModel):
    """A new program proposed from a gap: what, for whom, why (the needs), and who could develop it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        IN_DEVELOPMENT = "in_development", _("in development")
        LAUNCHED = "launched", _("launched")
        WITHDRAWN = "withdrawn", _("withdrawn")

    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("network")
    )
    key = KeyField(_("key"), max_length=80)
    title_ja = models.CharField(_("title (Japanese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_ja = models.TextField(_("summary (Japanese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    skills = models.ManyToManyField(Concept, blank=True, related_name="proposals", verbose_name=_("skills"))
    industry = models.CharField(
        _("industry (JSIC major group)"), max_length=1, choices=Industry.choices, blank=True
    )
    employees_band = models.CharField(
        _("employees"), max_length=10, choices=EmployeesBand.choices, blank=True
    )
    area = models.CharField(_("area"), max_length=20, choices=Area.choices, blank=True)
    needs = models.ManyToManyField(
        Need, blank=True, related_name="proposals", verbose_name=_("needs behind it")
    )
    suggested_mode = models.CharField(
        _("suggested mode"), max_length=10, choices=Mode.choices, default=Mode.ANY
    )
    suggested_level = models.CharField(_("suggested level"), max_length=20, choices=Level.choices, blank=True)
    developers = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="proposals_to_develop",
        verbose_name=_("best placed to develop it"),
    )
    developer_evidence = models.JSONField(
        _("why they are best placed"), default=list, blank=True,
        help_text=_("Per organisation: its programs and teaching content on these skills."),
    )  # fmt: skip
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    program = models.ForeignKey(
        Program, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals",
        verbose_name=_("launched as"),
    )  # fmt: skip
    is_sample = models.BooleanField(_("sample data"), default=False, help_text=SAMPLE_HELP)

    class Meta:
        verbose_name = _("program proposal")
        verbose_name_plural = _("program proposals")
        ordering = ["network_id", "-created_at", "key"]
        constraints = [models.UniqueConstraint(fields=["network", "key"], name="proposal_network_key_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    def employers(self) -> list[Organisation]:
        """The employers who asked: the organisations of the needs behind it."""
        return list(Organisation.objects.filter(needs__proposals=self).distinct())

    def clean(self) -> None:
        super().clean()
        stored = (
            None
            if self.pk is None
            else Proposal.objects.filter(pk=self.pk).values_list("status", flat=True).first()
        )
        program = self.program if self.program_id is not None else None
        published = None if program is None else program.status == Program.Status.PUBLISHED
        enforce(rules.check_proposal(stored_status=stored, status=self.status, program_published=published))
