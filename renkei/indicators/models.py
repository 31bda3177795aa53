"""Initiatives and their evaluations; indicators with a baseline, targets and actuals per fiscal year;
generated progress reports.

An indicator belongs to exactly one owner: an initiative, an organisation or a network (an
initiative itself belongs to an organisation or a network). Its values are either typed (actuals
entered by a person, each with its source, verification state and whether it is a declared figure or
a count) or computed by a named computation of `renkei.indicators.computations` from Renkei's own
records; a typed actual of a computed indicator stands for its year and is shown as typed.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.keys import KeyField
from renkei.core.models import AuditedModel, Source, localized
from renkei.core.rules import enforce
from renkei.indicators.rules import check_indicator, check_owner, check_period
from renkei.networks.models import Network
from renkei.organisations.models import Organisation

FISCAL_YEAR = [MinValueValidator(1900), MaxValueValidator(2200)]
VALUE_LIMITS = [MinValueValidator(-1_000_000_000_000), MaxValueValidator(1_000_000_000_000)]


def fiscal_year_field(label: str, *, null: bool = False) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        _(label),
        null=null,
        blank=null,
        validators=FISCAL_YEAR,
        help_text=_("Japanese fiscal year (April to March), written as its first calendar year: 2019 = R1."),
    )


def value_field(label: str, *, null: bool = False) -> models.DecimalField:
    return models.DecimalField(
        _(label), max_digits=16, decimal_places=2, null=null, blank=null, validators=VALUE_LIMITS
    )


class OwnedRecord(AuditedModel):
    """A record that belongs to an organisation or a network (exactly one of them)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("network")
    )

    class Meta:
        abstract = True

    def owner_ids(self) -> tuple[int | None, int | None]:
        """(organisation id, network id) of whoever keeps this record."""
        return self.organisation_id, self.network_id

    def audit_organisation_id(self) -> int | None:
        return self.owner_ids()[0]


class Initiative(OwnedRecord):
    """A funded programme or project with its aims and period (e.g. the Top Global University project)."""

    key = KeyField(_("key"), max_length=80, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    funder_ja = models.CharField(_("funding programme (Japanese)"), max_length=300, blank=True)
    funder_en = models.CharField(_("funding programme (English)"), max_length=300, blank=True)
    aims_ja = models.TextField(_("aims (Japanese)"), blank=True)
    aims_en = models.TextField(_("aims (English)"), blank=True)
    starts_fy = fiscal_year_field("first fiscal year", null=True)
    ends_fy = fiscal_year_field("last fiscal year", null=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def aims(self) -> str:
        return localized(self, "aims")

    @property
    def funder(self) -> str:
        return localized(self, "funder")

    def clean(self) -> None:
        super().clean()
        enforce(
            check_owner(organisation=self.organisation_id, network=self.network_id)
            + check_period(starts_fy=self.starts_fy, ends_fy=self.ends_fy)
        )


class Evaluation(AuditedModel):
    """An evaluation of an initiative: who evaluated, when, the grade (when one was given), the comments."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("initiative")
    )
    evaluator_ja = models.CharField(_("evaluator (Japanese)"), max_length=300)
    evaluator_en = models.CharField(_("evaluator (English)"), max_length=300, blank=True)
    fiscal_year = fiscal_year_field("fiscal year")
    held_on = models.DateField(_("date"), null=True, blank=True)
    grade = models.CharField(
        _("grade"),
        max_length=40,
        blank=True,
        help_text=_("As the evaluator gave it; empty when none was given."),
    )
    comments_ja = models.TextField(_("comments (Japanese)"), blank=True)
    comments_en = models.TextField(_("comments (English)"), blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["initiative", "fiscal_year", "pk"]

    def __str__(self) -> str:
        return f"{self.evaluator} ({self.fiscal_year})"

    @property
    def evaluator(self) -> str:
        return localized(self, "evaluator")

    @property
    def comments(self) -> str:
        return localized(self, "comments")

    def owner_ids(self) -> tuple[int | None, int | None]:
        return self.initiative.owner_ids()

    def audit_organisation_id(self) -> int | None:
        return self.owner_ids()[0]


class Indicator(OwnedRecord):
    """A KPI: what is measured, which way is better, its baseline, its targets and its actuals."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("higher is better")
        LOWER = "lower", _("lower is better")

    class Category(models.TextChoices):
        STUDENTS = "students", _("students")
        EDUCATION = "education", _("education")
        MOBILITY = "mobility", _("mobility")
        PROGRAMS = "programs", _("joint programs")
        SUPPORT = "support", _("student support")
        NETWORK = "network", _("network")
        RECURRENT = "recurrent", _("recurrent education")
        OTHER = "other", _("other")

    key = KeyField(_("key"), max_length=80, unique=True)
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("initiative"),
    )
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    unit_ja = models.CharField(_("unit (Japanese)"), max_length=20, blank=True, help_text=_("e.g. 人, 科目"))
    unit_en = models.CharField(_("unit (English)"), max_length=40, blank=True, help_text=_("e.g. students"))
    definition_ja = models.TextField(_("definition (Japanese)"), blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    baseline_value = value_field("baseline value", null=True)
    baseline_fy = fiscal_year_field("baseline fiscal year", null=True)
    computation = models.CharField(
        _("computation"),
        max_length=60,
        blank=True,
        help_text=_("A computation from the registry; empty when the actuals are typed."),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=0, validators=[MaxValueValidator(10_000)]
    )
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Made up for the demo, or computed from sample records.")
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["sort_order", "key"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def unit(self) -> str:
        return localized(self, "unit")

    @property
    def definition(self) -> str:
        return localized(self, "definition")

    @property
    def is_computed(self) -> bool:
        return bool(self.computation)

    def owner_ids(self) -> tuple[int | None, int | None]:
        initiative = self.initiative if self.initiative_id is not None else None
        if initiative is not None:
            return initiative.owner_ids()
        return self.organisation_id, self.network_id

    def clean(self) -> None:
        super().clean()
        from renkei.indicators.computations import registry

        subject = registry.subject_of(self.computation) if self.computation else None
        enforce(
            check_owner(
                organisation=self.organisation_id,
                network=self.network_id,
                initiative=self.initiative_id,
            )
            + check_indicator(
                computation=self.computation,
                known=registry.keys(),
                subject=subject,
                owner_organisation=self.owner_ids()[0]
                if self.initiative_id or self.organisation_id
                else None,
                owner_network=self.owner_ids()[1] if self.initiative_id or self.network_id else None,
                baseline_value=self.baseline_value,
                baseline_fy=self.baseline_fy,
            )
        )


class IndicatorValue(AuditedModel):
    """A value of an indicator for one fiscal year."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, verbose_name=_("indicator"))
    fiscal_year = fiscal_year_field("fiscal year")
    value = value_field("value")
    note_ja = models.CharField(_("note (Japanese)"), max_length=500, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=500, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("source")
    )

    class Meta:
        abstract = True

    @property
    def note(self) -> str:
        return localized(self, "note")

    def owner_ids(self) -> tuple[int | None, int | None]:
        return self.indicator.owner_ids()

    def audit_organisation_id(self) -> int | None:
        return self.owner_ids()[0]


class Target(IndicatorValue):
    """A target for a fiscal year (an indicator may have several: an R1 and an R5 target)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    set_in_fy = fiscal_year_field("set in fiscal year", null=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "fiscal_year"], name="target_unique")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} (FY{self.fiscal_year})"


class Actual(IndicatorValue):
    """A typed actual for a fiscal year, with its source, its verification state and its kind of figure."""

    class State(models.TextChoices):
        ENTERED = "entered", _("entered")
        CHECKED = "checked", _("checked")
        PUBLISHED = "published", _("published")

    class Basis(models.TextChoices):
        DECLARED = "declared", _("declared figure")
        COUNTED = "counted", _("counted")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="actuals", verbose_name=_("indicator")
    )
    basis = models.CharField(
        _("kind of figure"),
        max_length=10,
        choices=Basis.choices,
        default=Basis.DECLARED,
        help_text=_("Declared: a figure as a document states it. Counted: counted from named records."),
    )
    state = models.CharField(
        _("verification"), max_length=10, choices=State.choices, default=State.ENTERED, db_index=True
    )
    source_detail = models.CharField(
        _("where in the source"), max_length=300, blank=True, help_text=_("Page, section or table.")
    )
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        verbose_name = _("actual")
        verbose_name_plural = _("actuals")
        ordering = ["indicator", "fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "fiscal_year"], name="actual_unique")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} (FY{self.fiscal_year})"


class Report(OwnedRecord):
    """A progress report generated from the records, kept with its date and the data it was made from.

    Its owner is the initiative's (or the organisation or network whose dashboard it reports on). The
    files (HTML, Excel, PDF) sit in `DATA_DIR/reports/<uuid>/`; `data` is the snapshot they were
    written from (the indicators, their series and the sentences, as they stood)."""

    class Language(models.TextChoices):
        JA = "ja", _("Japanese")
        EN = "en", _("English")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, null=True, blank=True, related_name="reports",
        verbose_name=_("initiative"),
    )  # fmt: skip
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.JA)
    title = models.CharField(_("title"), max_length=300)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    job_id = models.UUIDField(_("job"), null=True, blank=True)
    data = models.JSONField(_("data the report was made from"), default=dict, blank=True)
    files = models.JSONField(_("files"), default=dict, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.created_at:%Y-%m-%d})" if self.pk is not None else self.title

    def owner_ids(self) -> tuple[int | None, int | None]:
        initiative = self.initiative if self.initiative_id is not None else None
        if initiative is not None:
            return initiative.owner_ids()
        return self.organisation_id, self.network_id

    def clean(self) -> None:
        super().clean()
        enforce(
            check_owner(
                organisation=self.organisation_id, network=self.network_id, initiative=self.initiative_id
            )
        )
