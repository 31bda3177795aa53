"""The catalog: programs and their runs, shared teaching content, joint curricula, and the search index rows."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renkei.catalog.rules import check_program, check_program_run, check_unit_of_provider
from renkei.core.keys import KeyField
from renkei.core.models import AuditedModel, Source, localized
from renkei.core.rules import enforce
from renkei.networks.models import Network
from renkei.organisations.models import LATITUDE, LONGITUDE, Organisation, Prefecture
from renkei.taxonomy.models import Concept

CODE_VALIDATOR = RegexValidator(
    r"^[^/\s](?:[^/]*[^/\s])?$", _("A code may not contain '/' or start or end with a space.")
)
MUNICIPALITY_VALIDATOR = RegexValidator(
    r"^\d{5}$", _("Five digits (全国地方公共団体コード without the check digit).")
)


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


class RunState(models.TextChoices):
    """Where a run stands today (computed, never stored: today moves)."""

    OPEN = "open", _("open")
    CLOSED = "closed", _("applications closed")
    ENDED = "ended", _("ended")


class Program(AuditedModel):
    """A learning offering of one provider: a degree, a course, a seminar, a micro-credential..."""

    class Kind(models.TextChoices):
        DEGREE = "degree", _("degree program")
        CERTIFICATE = "certificate", _("certificate program")
        COURSE = "course", _("course")
        SHORT_COURSE = "short_course", _("short course")
        ONLINE_COURSE = "online_course", _("online course")
        SEMINAR = "seminar", _("seminar")
        MICRO_CREDENTIAL = "micro_credential", _("micro-credential")

    class Audience(models.TextChoices):
        WORKING_ADULTS = "working_adults", _("working adults")
        STUDENTS = "students", _("students")
        GENERAL_PUBLIC = "general_public", _("general public")
        PROFESSIONALS = "professionals", _("professionals")
        EMPLOYERS = "employers", _("employers")
        TEACHERS = "teachers", _("teachers")

    class Level(models.TextChoices):
        INTRODUCTORY = "introductory", _("introductory")
        INTERMEDIATE = "intermediate", _("intermediate")
        ADVANCED = "advanced", _("advanced")
        MDASH_LITERACY = "mdash_literacy", _("MDASH literacy level")
        MDASH_APPLIED_BASIC = "mdash_applied_basic", _("MDASH applied-basic level")
        GRADUATE = "graduate", _("graduate level")

    class Mode(models.TextChoices):
        ONSITE = "onsite", _("on site")
        ONLINE = "online", _("online (live)")
        HYBRID = "hybrid", _("hybrid")
        ON_DEMAND = "on_demand", _("on demand")

    class Language(models.TextChoices):
        JA = "ja", _("Japanese")
        EN = "en", _("English")
        JA_EN = "ja_en", _("Japanese and English")

    Status = Status

    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="programs", verbose_name=_("provider")
    )
    unit = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="unit_programs",
        verbose_name=_("unit"),
        help_text=_("The faculty, centre or office that runs it."),
    )
    code = models.CharField(
        _("program code"),
        max_length=60,
        validators=[CODE_VALIDATOR],
        help_text=_("The provider's own code; with the provider it identifies the program in imports."),
    )
    title_ja = models.CharField(_("title (Japanese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_ja = models.TextField(_("summary (Japanese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COURSE)
    audiences = models.JSONField(_("audiences"), default=list, blank=True, help_text=_("Who it is for."))
    fields = models.ManyToManyField(
        Concept,
        blank=True,
        related_name="programs_by_field",
        verbose_name=_("fields"),
        limit_choices_to={"kind": Concept.Kind.FIELD},
    )
    skills = models.ManyToManyField(
        Concept, blank=True, related_name="programs_by_skill", verbose_name=_("skills")
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.ONSITE)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.JA)
    venue_name_ja = models.CharField(_("venue (Japanese)"), max_length=200, blank=True)
    venue_name_en = models.CharField(_("venue (English)"), max_length=200, blank=True)
    venue_address_ja = models.CharField(_("venue address"), max_length=300, blank=True)
    prefecture = models.CharField(_("prefecture"), max_length=2, choices=Prefecture.choices, blank=True)
    municipality_code = models.CharField(
        _("municipality code"), max_length=5, blank=True, validators=[MUNICIPALITY_VALIDATOR]
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LATITUDE
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LONGITUDE
    )
    fee_yen = models.PositiveIntegerField(
        _("fee (yen)"),
        null=True,
        blank=True,
        help_text=_("0 = free; empty = unknown."),
        validators=[MaxValueValidator(100_000_000)],
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, validators=[MaxValueValidator(100_000)]
    )
    hours_total = models.DecimalField(
        _("total hours"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(20_000)],
    )
    subsidy_kyouiku_kunren = models.BooleanField(
        _("education and training benefit (教育訓練給付)"),
        default=False,
        help_text=_("Designated for the public education and training benefit."),
    )
    subsidy_note_ja = models.CharField(_("subsidy note (Japanese)"), max_length=300, blank=True)
    subsidy_note_en = models.CharField(_("subsidy note (English)"), max_length=300, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    shared_with = models.ManyToManyField(
        Network, blank=True, related_name="shared_programs", verbose_name=_("shared with networks")
    )
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Made up for the demo: not a real offering.")
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["provider_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "code"], name="program_provider_code_unique"),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="program_lat_lng_together",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def venue_name(self) -> str:
        return localized(self, "venue_name")

    @property
    def subsidy_note(self) -> str:
        return localized(self, "subsidy_note")

    def audience_labels(self) -> list[str]:
        labels = dict(self.Audience.choices)
        return [str(labels.get(value, value)) for value in self.audiences or []]

    def audit_organisation_id(self) -> int | None:
        return self.provider_id

    def clean(self) -> None:
        super().clean()
        unit_chain = [self.unit.pk, *(a.pk for a in self.unit.ancestors())] if self.unit is not None else []
        enforce(
            check_program(
                audiences=self.audiences,
                audience_choices=self.Audience.values,
                prefecture=self.prefecture,
                municipality_code=self.municipality_code,
                latitude=self.latitude,
                longitude=self.longitude,
            )
            + check_unit_of_provider(provider=self.provider_id, unit=self.unit_id, unit_chain=unit_chain)
        )

    def next_run(self, today: dt.date | None = None) -> ProgramRun | None:
        """The next run starting today or later, else None (uses prefetched runs if any)."""
        today = today or timezone.localdate()
        return next((run for run in self._sorted_runs() if run.starts_on >= today), None)

    def _sorted_runs(self) -> list[ProgramRun]:
        return sorted(self.runs.all(), key=lambda run: (run.starts_on, run.pk or 0))

    def schedule_state(self, today: dt.date | None = None) -> str:
        """'' while a run is still to start (or no run is scheduled); else the state of the last run:
        'closed' (受付終了: it has started, applications are over) or 'ended' (終了)."""
        runs = self._sorted_runs()
        if not runs:
            return ""
        today = today or timezone.localdate()
        states = [run.state(today) for run in runs]
        if RunState.OPEN in states:
            return ""
        return RunState.CLOSED if RunState.CLOSED in states else RunState.ENDED

    @property
    def schedule_state_label(self) -> str:
        state = self.schedule_state()
        return str(RunState(state).label) if state else ""


class ProgramRun(AuditedModel):
    """One scheduled offering of a program (a term, a cohort, a date)."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="runs", verbose_name=_("program")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    application_deadline = models.DateField(_("application deadline"), null=True, blank=True)
    sessions = models.PositiveSmallIntegerField(
        _("sessions"), null=True, blank=True, validators=[MaxValueValidator(1_000)]
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(20_000)],
    )
    note_ja = models.CharField(_("note (Japanese)"), max_length=300, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("run")
        verbose_name_plural = _("runs")
        ordering = ["program_id", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="program_run_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.program.code} {self.starts_on:%Y-%m-%d}"

    @property
    def note(self) -> str:
        return localized(self, "note")

    def state(self, today: dt.date | None = None) -> str:
        """open until applications close (the deadline, else the start); then closed while it runs;
        ended after its last day (its first day when no end is given)."""
        today = today or timezone.localdate()
        if (self.ends_on or self.starts_on) < today:
            return RunState.ENDED
        closes = self.application_deadline or self.starts_on
        return RunState.CLOSED if closes < today else RunState.OPEN

    @property
    def state_label(self) -> str:
        return str(RunState(self.state()).label)

    def audit_organisation_id(self) -> int | None:
        return self.program.provider_id

    def clean(self) -> None:
        super().clean()
        enforce(
            check_program_run(
                starts_on=self.starts_on, ends_on=self.ends_on, application_deadline=self.application_deadline
            )
        )


class TeachingContent(AuditedModel):
    """Lectures, slides, exercises, videos... a member shares with the others, under a licence."""

    class Kind(models.TextChoices):
        LECTURE = "lecture", _("lecture")
        SLIDES = "slides", _("slides")
        EXERCISE = "exercise", _("exercise")
        VIDEO = "video", _("video")
        DATASET = "dataset", _("dataset")
        TEXTBOOK = "textbook", _("textbook")

    class Licence(models.TextChoices):
        CC_BY = "CC-BY-4.0", "CC BY 4.0"
        CC_BY_SA = "CC-BY-SA-4.0", "CC BY-SA 4.0"
        CC_BY_NC = "CC-BY-NC-4.0", "CC BY-NC 4.0"
        CC_BY_NC_SA = "CC-BY-NC-SA-4.0", "CC BY-NC-SA 4.0"
        CC_BY_ND = "CC-BY-ND-4.0", "CC BY-ND 4.0"
        CC_BY_NC_ND = "CC-BY-NC-ND-4.0", "CC BY-NC-ND 4.0"
        CC0 = "CC0-1.0", "CC0 1.0"
        MEMBERS_ONLY = "members-only", _("members of the network only")
        ALL_RIGHTS_RESERVED = "all-rights-reserved", _("all rights reserved")

    Status = Status

    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="teaching_contents", verbose_name=_("provider")
    )
    code = models.CharField(_("code"), max_length=60, validators=[CODE_VALIDATOR])
    title_ja = models.CharField(_("title (Japanese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_ja = models.TextField(_("summary (Japanese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LECTURE)
    licence = models.CharField(
        _("licence"), max_length=30, choices=Licence.choices, default=Licence.ALL_RIGHTS_RESERVED
    )
    url = models.URLField(_("URL"), max_length=500, blank=True)
    mdash_units = models.ManyToManyField(
        Concept, blank=True, related_name="teaching_contents", verbose_name=_("model-curriculum units")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Made up for the demo: not real teaching content.")
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("teaching content")
        verbose_name_plural = _("teaching content")
        ordering = ["provider_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "code"], name="content_provider_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def is_open_licence(self) -> bool:
        return self.licence.startswith("CC")

    def audit_organisation_id(self) -> int | None:
        return self.provider_id


class JointCurriculum(AuditedModel):
    """A curriculum a network develops together, unit by unit (e.g. the MDASH model curriculum)."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="joint_curricula", verbose_name=_("network")
    )
    key = KeyField(_("key"), max_length=80)
    title_ja = models.CharField(_("title (Japanese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False, help_text=_("Made up for the demo."))
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("joint curriculum")
        verbose_name_plural = _("joint curricula")
        ordering = ["network_id", "key"]
        constraints = [models.UniqueConstraint(fields=["network", "key"], name="joint_curriculum_key_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")


class CurriculumUnit(AuditedModel):
    """One unit of a joint curriculum: a model-curriculum concept, and the programs and content that teach it."""

    curriculum = models.ForeignKey(
        JointCurriculum, on_delete=models.CASCADE, related_name="units", verbose_name=_("curriculum")
    )
    concept = models.ForeignKey(
        Concept,
        on_delete=models.PROTECT,
        related_name="curriculum_units",
        verbose_name=_("model-curriculum unit"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0, validators=[MaxValueValidator(10_000)])
    title_ja = models.CharField(
        _("title (Japanese)"), max_length=300, blank=True, help_text=_("Defaults to the concept.")
    )
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    programs = models.ManyToManyField(
        Program, blank=True, related_name="curriculum_units", verbose_name=_("programs")
    )
    contents = models.ManyToManyField(
        TeachingContent, blank=True, related_name="curriculum_units", verbose_name=_("teaching content")
    )

    class Meta:
        verbose_name = _("curriculum unit")
        verbose_name_plural = _("curriculum units")
        ordering = ["curriculum_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "concept"], name="curriculum_unit_concept_unique")
        ]

    def __str__(self) -> str:
        return f"{self.curriculum_id}:{self.order} {self.title}"

    @property
    def title(self) -> str:
        return localized(self, "title") or self.concept.label


class FeeBand(models.TextChoices):
    FREE = "free", _("free")
    UP_TO_10K = "le10k", _("up to ¥10,000")
    UP_TO_50K = "le50k", _("up to ¥50,000")
    OVER_50K = "gt50k", _("over ¥50,000")
    UNKNOWN = "unknown", _("fee not stated")

    @classmethod
    def of(cls, fee_yen: int | None) -> FeeBand:
        if fee_yen is None:
            return cls.UNKNOWN
        if fee_yen == 0:
            return cls.FREE
        if fee_yen <= 10_000:
            return cls.UP_TO_10K
        if fee_yen <= 50_000:
            return cls.UP_TO_50K
        return cls.OVER_50K


class ProgramIndex(models.Model):
    """Derived, narrow row per program: facet values and sort keys, rebuilt by `renkei.catalog.search`.

    Not audited: every value is computed from audited rows and can be rebuilt at any time
    (`renkei reindex`). The full-text terms live beside it in `catalog_program_fts` (SQLite FTS5)
    or `catalog_program_tsv` (PostgreSQL), created by migration 0002.
    """

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, primary_key=True, related_name="search_index", db_constraint=True
    )
    status = models.CharField(max_length=10)
    provider_id = models.BigIntegerField()
    unit_id = models.BigIntegerField(null=True)
    mode = models.CharField(max_length=10)
    level = models.CharField(max_length=20)
    prefecture = models.CharField(max_length=2)
    municipality_code = models.CharField(max_length=5)
    fee_band = models.CharField(max_length=8)
    fee_yen = models.PositiveIntegerField(null=True)
    start_month = models.CharField(max_length=7)
    next_start = models.DateField(null=True)
    subsidy = models.BooleanField()
    is_sample = models.BooleanField()
    has_location = models.BooleanField()
    created = models.DateTimeField()
    sort_title_ja = models.CharField(max_length=100)
    sort_title_en = models.CharField(max_length=100)

    class Meta:
        default_permissions = ()
        indexes = [
            models.Index(fields=["status"], name="catalog_pi_status"),
            models.Index(fields=["provider_id"], name="catalog_pi_provider"),
            models.Index(fields=["created"], name="catalog_pi_created"),
            models.Index(fields=["next_start"], name="catalog_pi_next_start"),
            models.Index(fields=["fee_yen"], name="catalog_pi_fee"),
            models.Index(fields=["sort_title_ja"], name="catalog_pi_title_ja"),
            # one per facet column: the facet bitmaps are built by index-ordered GROUP BYs
            models.Index(fields=["mode"], name="catalog_pi_mode"),
            models.Index(fields=["level"], name="catalog_pi_level"),
            models.Index(fields=["prefecture"], name="catalog_pi_prefecture"),
            models.Index(fields=["municipality_code"], name="catalog_pi_municipality"),
            models.Index(fields=["fee_band"], name="catalog_pi_fee_band"),
            models.Index(fields=["start_month"], name="catalog_pi_start_month"),
            models.Index(fields=["subsidy"], name="catalog_pi_subsidy"),
        ]

    def __str__(self) -> str:
        return f"index row {self.pk}"


class ProgramText(models.Model):
    """Derived row per program: the text a quoted phrase of several words is checked on
    (`renkei.text.phrase_text` of the texts the search index covers), rebuilt with `ProgramIndex`.

    The index terms find a phrase's candidates; this text tells which hold its words adjacent and in
    order, within one text (docs/decisions/0002-search-index.md). Not audited, rebuilt by `renkei reindex`.
    """

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, primary_key=True, related_name="search_text", db_constraint=True
    )
    text = models.TextField()

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"phrase text {self.pk}"


class SearchState(models.Model):
    """A token that changes with every re-index; per-process caches derived from the index compare it.

    `epoch` changes with every full re-index and `seq` counts the partial ones since; each partial one
    leaves a `SearchChange` naming its programs, so a process can patch its caches instead of
    rebuilding them.
    """

    PROGRAMS = "programs"

    key = models.CharField(max_length=20, primary_key=True)
    token = models.CharField(max_length=32)
    epoch = models.CharField(max_length=32, default="")
    seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.key}: {self.token}"


class SearchChange(models.Model):
    """The programs one partial re-index touched (derived data, not audited; the last few are kept)."""

    key = models.CharField(max_length=20)
    seq = models.PositiveBigIntegerField()
    token = models.CharField(max_length=32)  # the index token this change produced
    program_ids = models.TextField()  # comma-separated

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["key", "seq"], name="search_change_unique")]

    def __str__(self) -> str:
        return f"{self.key} #{self.seq}"
