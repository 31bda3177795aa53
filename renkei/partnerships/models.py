"""Strategic partnerships: phases and tiers, unit teams, agreements with immutable signed versions and
cooperation conditions (EWP IIA v7 shaped), activities, mobility figures, joint funds, joint degrees.

Names follow `../shared/design/glossary.md`. Agreement versions, once signed, never change: their
content is frozen on every path (model save, queryset update and bulk update, deletion), and the
parties and cooperation conditions of a signed version with them. Amending or renewing makes a new
version (`renkei.partnerships.services`).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.keys import KeyField
from renkei.core.models import AuditedModel, AuditedQuerySet, Source, localized
from renkei.core.rules import enforce, validation_error
from renkei.networks.models import Network
from renkei.organisations.models import Organisation
from renkei.partnerships import rules

YEAR = [MinValueValidator(1900), MaxValueValidator(2200)]
COUNT = [MaxValueValidator(10_000_000)]


class Precision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")
    FISCAL_YEAR = "fy", _("fiscal year")


class Basis(models.TextChoices):
    """Whether a figure counts records or repeats what a document declares."""

    COUNTED = "counted", _("counted from records")
    DECLARED = "declared", _("declared in a source")


class Qualifier(models.TextChoices):
    EXACT = "exact", _("exactly")
    ABOUT = "about", _("about")
    OVER = "over", _("over")
    UNDER = "under", _("under")


def _source() -> Any:
    return models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )


def _sample() -> Any:
    return models.BooleanField(
        _("sample data"), default=False, help_text=_("Made up for the demo: not from a source.")
    )


# --- programme phases and partnerships ----------------------------------------------------------------


class Phase(AuditedModel):
    """A dated period of a home institution's partnership programme (第1期 2014–2016 …) with the
    number of partners the source states for it."""

    home = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="partnership_phases",
        verbose_name=_("home institution"),
    )
    number = models.PositiveSmallIntegerField(
        _("phase number"), validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    name_ja = models.CharField(_("name (Japanese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    aims_ja = models.TextField(_("aims (Japanese)"), blank=True)
    aims_en = models.TextField(_("aims (English)"), blank=True)
    stated_partners = models.PositiveSmallIntegerField(
        _("partners (as stated)"), null=True, blank=True, validators=[MaxValueValidator(10_000)]
    )
    stated_primary = models.PositiveSmallIntegerField(
        _("primary partners (as stated)"), null=True, blank=True, validators=[MaxValueValidator(10_000)]
    )
    stated_prospective = models.PositiveSmallIntegerField(
        _("prospective partners (as stated)"), null=True, blank=True, validators=[MaxValueValidator(10_000)]
    )
    stated_note = models.CharField(_("as the source writes it"), max_length=100, blank=True)
    source = _source()

    class Meta:
        verbose_name = _("programme phase")
        verbose_name_plural = _("programme phases")
        ordering = ["home_id", "number"]
        constraints = [models.UniqueConstraint(fields=["home", "number"], name="phase_home_number_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on:%Y}–{self.ends_on:%Y})" if self.ends_on else self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def aims(self) -> str:
        return localized(self, "aims")

    def audit_organisation_id(self) -> int | None:
        return self.home_id

    def clean(self) -> None:
        super().clean()
        enforce(rules.check_dates(starts=self.starts_on, ends=self.ends_on))


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


class Tier(models.TextChoices):
    PRIMARY = "primary", _("primary strategic partner")
    PROSPECTIVE = "prospective", _("prospective strategic partner")


class Partnership(AuditedModel):
    """A home institution's strategic partnership with a partner university or a group of
    institutions (an organisation of kind 'group of institutions' with its components)."""

    Status = Status

    key = KeyField(_("key"), max_length=120, unique=True, help_text=_("Stable identifier used in URLs."))
    home = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="home_partnerships",
        verbose_name=_("home institution"),
    )
    partner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partner_partnerships", verbose_name=_("partner")
    )
    title_ja = models.CharField(_("title (Japanese)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_ja = models.TextField(
        _("summary (Japanese)"), blank=True, help_text=_("Public text, third person.")
    )
    summary_en = models.TextField(_("summary (English)"), blank=True)
    how_it_works_ja = models.TextField(
        _("how it works (Japanese)"),
        blank=True,
        help_text=_("e.g. a joint project with a joint governance committee"),
    )
    how_it_works_en = models.TextField(_("how it works (English)"), blank=True)
    started_on = models.DateField(_("since"), null=True, blank=True)
    started_precision = models.CharField(
        _("precision of 'since'"), max_length=5, choices=Precision.choices, default=Precision.YEAR
    )
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    editorial_note = models.TextField(_("editorial note (staff only)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    is_sample = _sample()
    source = _source()

    class Meta:
        verbose_name = _("strategic partnership")
        verbose_name_plural = _("strategic partnerships")
        ordering = ["home_id", "key"]
        constraints = [
            models.UniqueConstraint(fields=["home", "partner"], name="partnership_home_partner_unique")
        ]

    def __str__(self) -> str:
        return self.title or f"{self.home} – {self.partner}"

    @property
    def title(self) -> str:
        return localized(self, "title") or self.partner.name

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def how_it_works(self) -> str:
        return localized(self, "how_it_works")

    def audit_organisation_id(self) -> int | None:
        return self.home_id


class PartnershipTier(AuditedModel):
    """The tier a partner had in one phase of the programme."""

    Tier = Tier

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("partnership")
    )
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="tiers", verbose_name=_("phase"))
    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices)
    source = _source()

    class Meta:
        verbose_name = _("tier in a phase")
        verbose_name_plural = _("tiers in phases")
        ordering = ["partnership_id", "phase__number"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "phase"], name="tier_partnership_phase_unique")
        ]

    def __str__(self) -> str:
        return f"{self.partnership.key} {self.phase.number}: {self.tier}"

    def audit_organisation_id(self) -> int | None:
        return self.partnership.home_id


class TeamMember(AuditedModel):
    """A participating unit (参画部局) of the home side's team for one partnership."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="team", verbose_name=_("partnership")
    )
    unit = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partnership_teams", verbose_name=_("unit")
    )
    is_lead = models.BooleanField(_("lead unit (主幹部局)"), default=False)
    joined_on = models.DateField(_("joined"), null=True, blank=True)
    joined_precision = models.CharField(
        _("precision of 'joined'"), max_length=5, choices=Precision.choices, default=Precision.YEAR
    )
    left_on = models.DateField(_("left"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=0, validators=[MaxValueValidator(10_000)]
    )
    note_ja = models.CharField(_("note (Japanese)"), max_length=300, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=300, blank=True)
    source = _source()

    class Meta:
        verbose_name = _("team unit")
        verbose_name_plural = _("team units")
        ordering = ["partnership_id", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "unit"], name="team_partnership_unit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.partnership.key}: {self.unit.code or self.unit.name}"

    def audit_organisation_id(self) -> int | None:
        return self.partnership.home_id

    def clean(self) -> None:
        super().clean()
        if self.partnership_id is None or self.unit_id is None:
            return
        chain = [self.unit.pk, *(a.pk for a in self.unit.ancestors())]
        enforce(
            rules.check_team_member(
                home=self.partnership.home_id,
                unit_chain=chain[1:],
                joined_on=self.joined_on,
                left_on=self.left_on,
            )
        )


class PartnerUnit(AuditedModel):
    """A unit on the partner's side, where known (an organisation in the registry, or just a name)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="partner_units", verbose_name=_("partnership")
    )
    unit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    name_ja = models.CharField(_("name (Japanese)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    is_sample = _sample()
    source = _source()

    class Meta:
        verbose_name = _("partner-side unit")
        verbose_name_plural = _("partner-side units")
        ordering = ["partnership_id", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name") or (self.unit.name if self.unit is not None else "")

    def audit_organisation_id(self) -> int | None:
        return self.partnership.home_id


# --- agreements ---------------------------------------------------------------------------------------


class Agreement(AuditedModel):
    """An agreement as a whole: its kind, parties' relationship and the chain of its versions.
    What it says lives in its versions (`AgreementVersion`), each signed one immutable."""

    class Kind(models.TextChoices):
        MEMORANDUM = "memorandum", _("memorandum of understanding")
        STRATEGIC_MOU = "strategic_mou", _("strategic partnership memorandum")
        STUDENT_EXCHANGE = "student_exchange", _("student exchange agreement")
        JSD = "jsd", _("jointly supervised degree (JSD)")
        DD = "dd", _("double degree (DD)")
        RESEARCH = "research", _("research agreement")
        INDUSTRY_REGIONAL = "industry_regional", _("industry or regional agreement")

    key = KeyField(_("key"), max_length=120, unique=True)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("owner (home institution)"),
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("partnership"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title_ja = models.CharField(_("title (Japanese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    iia_id = models.UUIDField(_("IIA id (EWP)"), default=uuid.uuid4, unique=True, editable=False)
    responsible_unit = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible unit"),
    )
    responsible_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible staff"),
        help_text=_("Receives the expiry alerts."),
    )
    alert_lead_days = models.JSONField(
        _("alert lead times (days)"),
        default=list,
        blank=True,
        help_text=_("Empty: the site's default (180, 90, 30)."),
    )
    is_public = models.BooleanField(_("public"), default=False, help_text=_("Shown to everyone once signed."))
    is_sample = _sample()
    source = _source()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["owner_id", "key"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    def audit_organisation_id(self) -> int | None:
        return self.owner_id

    def current_version(self) -> AgreementVersion | None:
        versions = sorted(self.versions.all(), key=lambda v: v.number, reverse=True)
        live = [v for v in versions if v.status in rules.LIVE_STATES]
        return live[0] if live else (versions[0] if versions else None)


class SignedQuerySet(AuditedQuerySet):
    """Refuses bulk writes to rows of a signed version (update, bulk update, delete), except the
    lifecycle fields a service moves (`LIFECYCLE_FIELDS` of the model)."""

    signed_lookup = "status__in"

    def _signed(self) -> models.QuerySet:
        return self.filter(**{self.signed_lookup: rules.SIGNED_STATES})

    def update(self, **kwargs: Any) -> int:
        frozen = set(kwargs) - set(getattr(self.model, "LIFECYCLE_FIELDS", ()))
        if frozen and self._signed().exists():
            raise validation_error(rules.check_unchanged(changed=frozen))
        return super().update(**kwargs)

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        objs = list(objs)
        frozen = set(fields) - set(getattr(self.model, "LIFECYCLE_FIELDS", ()))
        if frozen and self.filter(pk__in=[o.pk for o in objs])._signed().exists():
            raise validation_error(rules.check_unchanged(changed=frozen))
        return super().bulk_update(objs, fields, *args, **kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self._signed().exists():
            raise validation_error([rules.Broken(None, rules.SIGNED_NOT_DELETABLE, "immutable")])
        return super().delete()


class VersionPartQuerySet(SignedQuerySet):
    signed_lookup = "version__status__in"


class Frozen(AuditedModel):
    """A row whose content is frozen once its version is signed (the version itself, its parties and
    its cooperation conditions): save and delete refuse, as the querysets do."""

    LIFECYCLE_FIELDS: tuple[str, ...] = ("updated_at",)

    class Meta:
        abstract = True

    @property
    def is_signed(self) -> bool:  # pragma: no cover - each frozen model says when it is signed
        raise NotImplementedError

    def frozen_changes(self) -> list[str]:
        """The content fields that differ from the stored row, when the stored row is signed."""
        if self._state.adding or self.pk is None:
            return []
        stored = type(self)._base_manager.filter(pk=self.pk).first()
        if stored is None or not stored.is_signed:
            return []
        skip = {"id", "created_at", *self.LIFECYCLE_FIELDS}
        if getattr(stored, "document", None) == "":
            skip.add("document")  # the signed document is attached once, after signing
        return [
            f.attname
            for f in self._meta.concrete_fields
            if f.attname not in skip and getattr(stored, f.attname) != getattr(self, f.attname)
        ]

    def frozen_on_add(self) -> bool:
        return False

    def clean(self) -> None:
        super().clean()
        changed = self.frozen_changes()
        if self.frozen_on_add():
            changed = ["version"]
        enforce(rules.check_unchanged(changed=changed))

    def save(self, *args: Any, **kwargs: Any) -> None:
        changed = self.frozen_changes() or (["version"] if self.frozen_on_add() else [])
        enforce(rules.check_unchanged(changed=changed))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        stored = type(self)._base_manager.filter(pk=self.pk).first()
        if stored is not None and stored.is_signed:
            raise validation_error([rules.Broken(None, rules.SIGNED_NOT_DELETABLE, "immutable")])
        return super().delete(*args, **kwargs)


class AgreementVersion(Frozen):
    """One version of an agreement: the original, an amendment (linked to the version it changes,
    carrying over what it does not change) or a renewal (new dates). Immutable once signed."""

    class Status(models.TextChoices):
        DRAFT = rules.DRAFT, _("draft")
        INTERNAL_REVIEW = rules.INTERNAL_REVIEW, _("internal review")
        WITH_PARTNER = rules.WITH_PARTNER, _("with the partner")
        SIGNED = rules.SIGNED, _("signed")
        IN_EFFECT = rules.IN_EFFECT, _("in effect")
        EXPIRING = rules.EXPIRING, _("expiring")
        RENEWED = rules.RENEWED, _("renewed")
        AMENDED = rules.AMENDED, _("amended")
        TERMINATED = rules.TERMINATED, _("terminated")
        EXPIRED = rules.EXPIRED, _("expired")
        WITHDRAWN = rules.WITHDRAWN, _("withdrawn")

    class Change(models.TextChoices):
        ORIGINAL = "original", _("original")
        AMENDMENT = "amendment", _("amendment")
        RENEWAL = "renewal", _("renewal")

    LIFECYCLE_FIELDS = ("status", "status_changed_on", "terminated_on", "termination_reason", "updated_at")

    objects: ClassVar[Any] = SignedQuerySet.as_manager()

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="versions", verbose_name=_("agreement")
    )
    number = models.PositiveSmallIntegerField(
        _("version"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("replaces version"),
    )
    change = models.CharField(_("change"), max_length=10, choices=Change.choices, default=Change.ORIGINAL)
    change_summary_ja = models.TextField(_("what changes (Japanese)"), blank=True)
    change_summary_en = models.TextField(_("what changes (English)"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    valid_from = models.DateField(_("in effect from"), null=True, blank=True)
    valid_until = models.DateField(_("in effect until"), null=True, blank=True)
    signed_on = models.DateField(
        _("signed on"), null=True, blank=True, help_text=_("The last party's signature.")
    )
    date_precision = models.CharField(
        _("precision of the dates"), max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    scope_ja = models.TextField(_("scope and terms (Japanese)"), blank=True)
    scope_en = models.TextField(_("scope and terms (English)"), blank=True)
    intended_outcomes_ja = models.TextField(_("intended outcomes (Japanese)"), blank=True)
    intended_outcomes_en = models.TextField(_("intended outcomes (English)"), blank=True)
    document = models.CharField(
        _("signed document"),
        max_length=300,
        blank=True,
        help_text=_("File name under the data directory (never in the database)."),
    )
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.CharField(_("reason for termination"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["agreement_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_number_unique"),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="agreement_version_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.key} v{self.number}"

    @property
    def is_signed(self) -> bool:
        return self.status in rules.SIGNED_STATES

    @property
    def change_summary(self) -> str:
        return localized(self, "change_summary")

    @property
    def scope(self) -> str:
        return localized(self, "scope")

    @property
    def intended_outcomes(self) -> str:
        return localized(self, "intended_outcomes")

    def audit_organisation_id(self) -> int | None:
        return self.agreement.owner_id

    def clean(self) -> None:
        super().clean()
        enforce(rules.check_dates(starts=self.valid_from, ends=self.valid_until, field="valid_until"))


class VersionPart(Frozen):
    """A party or cooperation condition: frozen with its version."""

    objects: ClassVar[Any] = VersionPartQuerySet.as_manager()
    if TYPE_CHECKING:  # the concrete parts declare the foreign key
        version: AgreementVersion
        version_id: int | None

    class Meta:
        abstract = True

    @property
    def is_signed(self) -> bool:
        return self.version.status in rules.SIGNED_STATES

    def frozen_on_add(self) -> bool:
        """A new part cannot be added to a signed version either."""
        return self._state.adding and self.version_id is not None and self.version.is_signed

    def audit_organisation_id(self) -> int | None:
        return self.version.agreement.owner_id


class AgreementParty(VersionPart):
    """A party to a version: the institution, the unit it binds (whole university or a department),
    the signatory and the date it signed (EWP: partner hei-id, ounit, signing contact, iia-code)."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="parties", verbose_name=_("version")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    unit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit bound"),
        help_text=_("Empty: the whole institution."),
    )
    iia_code = models.CharField(_("the party's own code"), max_length=100, blank=True)
    signatory_name = models.CharField(_("signatory"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=200, blank=True)
    signatory_email = models.EmailField(_("signatory's e-mail"), blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=0, validators=[MaxValueValidator(10_000)]
    )

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["version_id", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "organisation", "unit"], name="agreement_party_unique")
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.organisation}"


class CooperationCondition(VersionPart):
    """One direction of mobility under a version, in the shape of an EWP IIA v7 `*-mobility-spec`."""

    class MobilityType(models.TextChoices):
        STUDENT_STUDIES = "student-studies", _("student mobility for studies")
        STUDENT_TRAINEESHIP = "student-traineeship", _("student mobility for traineeships")
        STAFF_TEACHER = "staff-teacher", _("staff mobility for teaching")
        STAFF_TRAINING = "staff-training", _("staff mobility for training")

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="conditions", verbose_name=_("version")
    )
    mobility_type = models.CharField(_("mobility type"), max_length=20, choices=MobilityType.choices)
    sending_hei = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("sending institution")
    )
    sending_ounit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sending unit"),
    )
    receiving_hei = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("receiving institution")
    )
    receiving_ounit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receiving unit"),
    )
    receiving_first_academic_year_id = models.CharField(
        _("first academic year"), max_length=9, help_text="2024/2025"
    )
    receiving_last_academic_year_id = models.CharField(_("last academic year"), max_length=9, blank=True)
    mobilities_per_year = models.PositiveIntegerField(
        _("places per year"), null=True, blank=True, validators=[MaxValueValidator(100_000)]
    )
    total_months_per_year = models.DecimalField(
        _("total months per year"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100_000)],
    )
    total_days_per_year = models.DecimalField(
        _("total days per year"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100_000)],
    )
    subject_areas = models.JSONField(_("subject areas (ISCED-F codes)"), default=list, blank=True)
    eqf_levels = models.JSONField(_("EQF levels"), default=list, blank=True)
    recommended_language_skills = models.JSONField(
        _("recommended language skills (CEFR)"),
        default=list,
        blank=True,
        help_text='[{"language": "en", "cefr_level": "B2"}]',
    )
    blended = models.BooleanField(_("blended"), default=False)
    other_info_ja = models.TextField(_("other information (Japanese)"), blank=True)
    other_info_en = models.TextField(_("other information (English)"), blank=True)
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=0, validators=[MaxValueValidator(10_000)]
    )

    class Meta:
        verbose_name = _("cooperation condition")
        verbose_name_plural = _("cooperation conditions")
        ordering = ["version_id", "sort_order", "pk"]

    def __str__(self) -> str:
        return f"{self.version}: {self.mobility_type} {self.sending_hei_id}→{self.receiving_hei_id}"

    def clean(self) -> None:
        super().clean()
        enforce(
            rules.check_cooperation_condition(
                mobility_type=self.mobility_type,
                sending_hei=self.sending_hei_id,
                receiving_hei=self.receiving_hei_id,
                first_year=self.receiving_first_academic_year_id,
                last_year=self.receiving_last_academic_year_id,
                total_months_per_year=self.total_months_per_year,
                total_days_per_year=self.total_days_per_year,
                eqf_levels=self.eqf_levels,
                subject_areas=self.subject_areas,
                language_skills=self.recommended_language_skills,
            )
        )


class AgreementAlert(AuditedModel):
    """An expiry alert sent for one version at one lead time: at most one per (version, lead)."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("version")
    )
    lead_days = models.PositiveSmallIntegerField(_("lead time (days)"), validators=[MaxValueValidator(3650)])
    due_on = models.DateField(_("expires on"))
    sent_on = models.DateField(_("sent on"))
    recipients = models.TextField(_("recipients"), blank=True)

    class Meta:
        verbose_name = _("expiry alert")
        verbose_name_plural = _("expiry alerts")
        ordering = ["-sent_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "lead_days"], name="agreement_alert_unique")
        ]

    def __str__(self) -> str:
        return f"{self.version} −{self.lead_days}d"

    def audit_organisation_id(self) -> int | None:
        return self.version.agreement.owner_id


# --- activities and mobility --------------------------------------------------------------------------


class Activity(AuditedModel):
    """A symposium, workshop, joint conference, summer program, visit, online event or joint lecture."""

    class Kind(models.TextChoices):
        SYMPOSIUM = "symposium", _("symposium")
        WORKSHOP = "workshop", _("workshop")
        JOINT_CONFERENCE = "joint_conference", _("joint conference")
        SUMMER_PROGRAM = "summer_program", _("summer program")
        VISIT = "visit", _("visit")
        ONLINE_EVENT = "online_event", _("online event")
        JOINT_LECTURE = "joint_lecture", _("joint lecture")
        SEMINAR = "seminar", _("seminar")
        FORUM = "forum", _("forum")
        TRAINING = "training", _("training program")
        OTHER = "other", _("other")

    class Host(models.TextChoices):
        HOME = "home", _("home side")
        PARTNER = "partner", _("partner side")
        ALTERNATING = "alternating", _("alternating hosts")
        JOINT = "joint", _("jointly")
        OTHER = "other", _("elsewhere")

    class Mode(models.TextChoices):
        ONSITE = "onsite", _("on site")
        ONLINE = "online", _("online")
        HYBRID = "hybrid", _("hybrid")

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="activities", verbose_name=_("partnership")
    )
    key = KeyField(_("key"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title_ja = models.CharField(_("title (Japanese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    starts_on = models.DateField(_("starts on"))
    date_precision = models.CharField(
        _("precision"), max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_recurring = models.BooleanField(_("recurring (a series since this date)"), default=False)
    host = models.CharField(_("host"), max_length=12, choices=Host.choices, blank=True)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, blank=True)
    theme_ja = models.CharField(_("theme (Japanese)"), max_length=300, blank=True)
    theme_en = models.CharField(_("theme (English)"), max_length=300, blank=True)
    outcomes_ja = models.TextField(_("outcomes (Japanese)"), blank=True)
    outcomes_en = models.TextField(_("outcomes (English)"), blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True, validators=COUNT)
    participants_qualifier = models.CharField(
        _("participants are"), max_length=6, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    units = models.ManyToManyField(
        Organisation, blank=True, related_name="partnership_activities", verbose_name=_("units")
    )
    is_sample = _sample()
    source = _source()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["partnership_id", "-starts_on", "key"]
        constraints = [models.UniqueConstraint(fields=["partnership", "key"], name="activity_key_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def theme(self) -> str:
        return localized(self, "theme")

    @property
    def outcomes(self) -> str:
        return localized(self, "outcomes")

    def audit_organisation_id(self) -> int | None:
        return self.partnership.home_id

    def clean(self) -> None:
        super().clean()
        enforce(rules.check_dates(starts=self.starts_on, ends=self.ends_on))


class Participation(AuditedModel):
    """Participant count of one category (and side) at an activity: '60 + 60 students'."""

    class Category(models.TextChoices):
        UNDERGRADUATE = "undergraduate", _("undergraduates")
        GRADUATE = "graduate", _("graduate students")
        STUDENT = "student", _("students")
        FACULTY = "faculty", _("faculty")
        STAFF = "staff", _("staff")
        OTHER = "other", _("others")

    class Side(models.TextChoices):
        HOME = "home", _("home side")
        PARTNER = "partner", _("partner side")
        BOTH = "both", _("both sides")

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="participation", verbose_name=_("activity")
    )
    category = models.CharField(_("category"), max_length=14, choices=Category.choices)
    side = models.CharField(_("side"), max_length=8, choices=Side.choices, default=Side.BOTH)
    count = models.PositiveIntegerField(_("count"), validators=COUNT)
    qualifier = models.CharField(
        _("count is"), max_length=6, choices=Qualifier.choices, default=Qualifier.EXACT
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participation")
        ordering = ["activity_id", "side", "category"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "category", "side"], name="participation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.activity}: {self.count} {self.category}"

    def audit_organisation_id(self) -> int | None:
        return self.activity.partnership.home_id


class MobilityFigure(AuditedModel):
    """People moving in one fiscal year, one direction and category: counted from records, or as a
    source declares it ('about 100 staff and students a year'), never mixed."""

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("outbound")
        INBOUND = "inbound", _("inbound")
        BOTH = "both", _("both ways")

    class Category(models.TextChoices):
        UNDERGRADUATE = "undergraduate", _("undergraduates")
        GRADUATE = "graduate", _("graduate students")
        FACULTY = "faculty", _("faculty")
        STAFF = "staff", _("staff")
        MIXED = "mixed", _("faculty, staff and students")

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="mobility", verbose_name=_("partnership")
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mobility",
        verbose_name=_("agreement"),
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"),
        null=True,
        blank=True,
        validators=YEAR,
        help_text=_("Empty: a typical year, as a source states it."),
    )
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    category = models.CharField(_("category"), max_length=14, choices=Category.choices)
    count = models.PositiveIntegerField(_("people"), validators=COUNT)
    basis = models.CharField(_("basis"), max_length=8, choices=Basis.choices, default=Basis.COUNTED)
    qualifier = models.CharField(
        _("count is"), max_length=6, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    note_ja = models.CharField(_("note (Japanese)"), max_length=300, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=300, blank=True)
    is_sample = _sample()
    source = _source()

    class Meta:
        verbose_name = _("mobility figure")
        verbose_name_plural = _("mobility figures")
        ordering = ["partnership_id", "-fiscal_year", "direction", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "fiscal_year", "direction", "category", "basis"],
                name="mobility_figure_unique",
            )
        ]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year} {self.direction} {self.category}: {self.count}"

    def audit_organisation_id(self) -> int | None:
        return self.partnership.home_id


# --- joint funds --------------------------------------------------------------------------------------


class JointFund(AuditedModel):
    """A fund a home institution runs with a partner, its governance and its calls."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="funds", verbose_name=_("partnership")
    )
    key = KeyField(_("key"), max_length=120, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    governance_ja = models.TextField(_("governance (Japanese)"), blank=True)
    governance_en = models.TextField(_("governance (English)"), blank=True)
    started_on = models.DateField(_("since"), null=True, blank=True)
    started_precision = models.CharField(
        _("precision"), max_length=5, choices=Precision.choices, default=Precision.MONTH
    )
    declared_calls = models.PositiveSmallIntegerField(
        _("calls (as declared)"), null=True, blank=True, validators=[MaxValueValidator(10_000)]
    )
    declared_projects = models.PositiveSmallIntegerField(
        _("funded projects (as declared)"), null=True, blank=True, validators=[MaxValueValidator(10_000)]
    )
    declared_note_ja = models.CharField(_("as the source writes it"), max_length=300, blank=True)
    is_sample = _sample()
    source = _source()

    class Meta:
        verbose_name = _("joint fund")
        verbose_name_plural = _("joint funds")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def governance(self) -> str:
        return localized(self, "governance")

    def audit_organisation_id(self) -> int | None:
        return self.partnership.home_id


class FundCall(AuditedModel):
    fund = models.ForeignKey(
        JointFund, on_delete=models.CASCADE, related_name="calls", verbose_name=_("fund")
    )
    number = models.PositiveSmallIntegerField(
        _("call number"), validators=[MinValueValidator(1), MaxValueValidator(10_000)]
    )
    title_ja = models.CharField(_("title (Japanese)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    budget_yen = models.PositiveBigIntegerField(
        _("budget (yen)"), null=True, blank=True, validators=[MaxValueValidator(10**13)]
    )
    is_sample = _sample()
    source = _source()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["fund_id", "number"]
        constraints = [models.UniqueConstraint(fields=["fund", "number"], name="fund_call_number_unique")]

    def __str__(self) -> str:
        return f"{self.fund.key} #{self.number}"

    @property
    def title(self) -> str:
        return localized(self, "title")

    def audit_organisation_id(self) -> int | None:
        return self.fund.partnership.home_id

    def clean(self) -> None:
        super().clean()
        enforce(rules.check_dates(starts=self.opens_on, ends=self.deadline, field="deadline"))


class FundApplication(AuditedModel):
    """An application to a call, its review outcome and, once funded, the project it became."""

    class Outcome(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        FUNDED = "funded", _("funded")
        NOT_FUNDED = "not_funded", _("not funded")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class ProjectStatus(models.TextChoices):
        NOT_STARTED = "", _("—")
        RUNNING = "running", _("running")
        COMPLETED = "completed", _("completed")
        STOPPED = "stopped", _("stopped")

    call = models.ForeignKey(
        FundCall, on_delete=models.CASCADE, related_name="applications", verbose_name=_("call")
    )
    title_ja = models.CharField(_("title (Japanese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    lead_researcher = models.CharField(_("lead researcher"), max_length=200, blank=True)
    lead_unit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead unit"),
    )
    partner_researcher = models.CharField(_("partner researcher"), max_length=200, blank=True)
    partner_unit = models.CharField(_("partner unit"), max_length=300, blank=True)
    outcome = models.CharField(
        _("review outcome"), max_length=12, choices=Outcome.choices, default=Outcome.SUBMITTED
    )
    amount_yen = models.PositiveBigIntegerField(
        _("amount (yen)"), null=True, blank=True, validators=[MaxValueValidator(10**12)]
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    project_status = models.CharField(
        _("project status"),
        max_length=10,
        choices=ProjectStatus.choices,
        blank=True,
        default=ProjectStatus.NOT_STARTED,
    )
    outputs_ja = models.TextField(_("outputs (Japanese)"), blank=True)
    outputs_en = models.TextField(_("outputs (English)"), blank=True)
    is_sample = _sample()
    source = _source()

    class Meta:
        verbose_name = _("application / funded project")
        verbose_name_plural = _("applications and funded projects")
        ordering = ["call_id", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    def audit_organisation_id(self) -> int | None:
        return self.call.fund.partnership.home_id

    def clean(self) -> None:
        super().clean()
        enforce(rules.check_dates(starts=self.starts_on, ends=self.ends_on))


# --- joint and double degrees -------------------------------------------------------------------------


class JointDegreeProgram(AuditedModel):
    """An international joint graduate program (国際共同大学院) with JSD/DD partner universities."""

    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="joint_degree_programs",
        verbose_name=_("institution"),
    )
    key = KeyField(_("key"), max_length=120, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    field_ja = models.CharField(_("field (Japanese)"), max_length=200, blank=True)
    field_en = models.CharField(_("field (English)"), max_length=200, blank=True)
    home_units = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("home units")
    )
    note_ja = models.TextField(_("note (Japanese)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    is_sample = _sample()
    source = _source()

    class Meta:
        verbose_name = _("joint degree program")
        verbose_name_plural = _("joint degree programs")
        ordering = ["owner_id", "key"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def field(self) -> str:
        return localized(self, "field")

    def audit_organisation_id(self) -> int | None:
        return self.owner_id


class JointDegreePartner(AuditedModel):
    """A partner university under a JSD/DD memorandum: of one program, or of the institution's
    programs as a whole when the source does not say which."""

    class Kind(models.TextChoices):
        JSD = "jsd", _("jointly supervised degree (JSD)")
        DD = "dd", _("double degree (DD)")
        JSD_OR_DD = "jsd_dd", _("JSD or DD")

    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    program = models.ForeignKey(
        JointDegreeProgram,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="partners",
        verbose_name=_("program"),
    )
    partner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("partner university")
    )
    kind = models.CharField(_("memorandum"), max_length=8, choices=Kind.choices, default=Kind.JSD_OR_DD)
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement"),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=0, validators=[MaxValueValidator(10_000)]
    )
    note_ja = models.CharField(_("note (Japanese)"), max_length=300, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=300, blank=True)
    source = _source()

    class Meta:
        verbose_name = _("joint degree partner")
        verbose_name_plural = _("joint degree partners")
        ordering = ["owner_id", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "partner"], name="joint_degree_partner_unique")
        ]

    def __str__(self) -> str:
        return f"{self.owner} – {self.partner}"

    def audit_organisation_id(self) -> int | None:
        return self.owner_id


class JointDegreeFigure(AuditedModel):
    """A figure of an institution's joint degree programs for one fiscal year (enrolment, graduates,
    own funding, programs, partner universities), declared or counted."""

    class Metric(models.TextChoices):
        ENROLMENT = "enrolment", _("students enrolled")
        GRADUATES = "graduates", _("graduates (cumulative)")
        FUNDING_YEN = "funding_yen", _("own funding (yen)")
        PROGRAMS = "programs", _("programs")
        PARTNERS = "partners", _("partner universities under JSD/DD memoranda")

    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    program = models.ForeignKey(
        JointDegreeProgram,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="figures",
        verbose_name=_("program"),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), validators=YEAR)
    metric = models.CharField(_("metric"), max_length=12, choices=Metric.choices)
    value = models.PositiveBigIntegerField(_("value"), validators=[MaxValueValidator(10**13)])
    basis = models.CharField(_("basis"), max_length=8, choices=Basis.choices, default=Basis.DECLARED)
    qualifier = models.CharField(
        _("value is"), max_length=6, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    stated_as = models.CharField(_("as the source writes it"), max_length=200, blank=True)
    source = _source()

    class Meta:
        verbose_name = _("joint degree figure")
        verbose_name_plural = _("joint degree figures")
        ordering = ["owner_id", "fiscal_year", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "program", "fiscal_year", "metric"], name="joint_degree_figure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year} {self.metric}: {self.value}"

    def audit_organisation_id(self) -> int | None:
        return self.owner_id


# --- forums and national networks ---------------------------------------------------------------------


class NetworkProject(AuditedModel):
    """A project run inside a network such as 大学の国際化促進フォーラム, led by one member."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="projects", verbose_name=_("network")
    )
    key = KeyField(_("key"), max_length=120)
    lead = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="network_projects", verbose_name=_("lead")
    )
    title_ja = models.CharField(_("title (Japanese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_ja = models.TextField(_("summary (Japanese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    source = _source()

    class Meta:
        verbose_name = _("network project")
        verbose_name_plural = _("network projects")
        ordering = ["network_id", "key"]
        constraints = [models.UniqueConstraint(fields=["network", "key"], name="network_project_key_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def summary(self) -> str:
        return localized(self, "summary")


def assert_not_signed(version: AgreementVersion) -> None:
    """Raise the rule's message if `version` is signed (for callers that would add to it)."""
    if version.is_signed:
        raise ValidationError(rules.SIGNED_IMMUTABLE.text())
