"""Taxonomies of fields and skills (our starter taxonomy, and imported ones such as jobtag or ESCO)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.keys import KeyField
from renkei.core.models import AuditedModel, localized


class Scheme(AuditedModel):
    """A taxonomy: Renkei's starter taxonomy, jobtag skills and knowledge, ESCO skills, ..."""

    key = KeyField(_("key"), max_length=60, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    version = models.CharField(_("version"), max_length=50, blank=True)
    attribution = models.TextField(
        _("attribution"), blank=True, help_text=_("Credit line shown wherever the taxonomy is used.")
    )

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class Concept(AuditedModel):
    """A field of study, a skill, a knowledge area or a model-curriculum unit, with labels and synonyms."""

    class Kind(models.TextChoices):
        FIELD = "field", _("field")
        SKILL = "skill", _("skill")
        KNOWLEDGE = "knowledge", _("knowledge")
        CURRICULUM_UNIT = "curriculum_unit", _("model-curriculum unit")

    scheme = models.ForeignKey(
        Scheme, on_delete=models.CASCADE, related_name="concepts", verbose_name=_("taxonomy")
    )
    code = models.CharField(_("code"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    label_ja = models.CharField(_("label (Japanese)"), max_length=300, blank=True)
    label_en = models.CharField(_("label (English)"), max_length=300, blank=True)
    synonyms_ja = models.TextField(_("synonyms (Japanese)"), blank=True, help_text=_("One per line."))
    synonyms_en = models.TextField(_("synonyms (English)"), blank=True, help_text=_("One per line."))
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("broader"),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0, validators=[MaxValueValidator(1_000_000)])
    auto_tag = models.BooleanField(
        _("tag automatically"),
        default=True,
        help_text=_(
            "Look for this concept's labels and synonyms in free text. Off for grouping nodes "
            "(the sections of an MDASH level, ESCO skill groups) and for labels too vague to match."
        ),
    )

    class Meta:
        verbose_name = _("concept")
        verbose_name_plural = _("concepts")
        ordering = ["scheme", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="concept_code_unique")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self, "label")

    def clean(self) -> None:
        super().clean()
        parent = self.parent  # None without a query when parent_id is None
        if parent is None:
            return
        if parent.scheme_id != self.scheme_id:
            raise ValidationError({"parent": _("The broader concept must be in the same taxonomy.")})
        ancestor: Concept | None = parent
        seen: set[int] = set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A concept cannot be broader than itself.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    def synonyms(self) -> list[str]:
        return [s.strip() for s in f"{self.synonyms_ja}\n{self.synonyms_en}".splitlines() if s.strip()]

    def terms(self) -> list[str]:
        """Labels then synonyms, without blanks or repeats: what the tagger looks for."""
        return list(
            dict.fromkeys(t for t in [self.label_ja.strip(), self.label_en.strip(), *self.synonyms()] if t)
        )
