"""Organisations of every kind, their units (a tree), identifiers, people and user affiliations."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.keys import KeyField
from renkei.core.models import AuditedModel, Source, localized
from renkei.core.rules import enforce
from renkei.organisations.rules import check_parent, check_place

LATITUDE = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE = [MinValueValidator(-180), MaxValueValidator(180)]


class Prefecture(models.TextChoices):
    """JIS X 0401 codes."""

    HOKKAIDO = "01", _("Hokkaido")
    AOMORI = "02", _("Aomori")
    IWATE = "03", _("Iwate")
    MIYAGI = "04", _("Miyagi")
    AKITA = "05", _("Akita")
    YAMAGATA = "06", _("Yamagata")
    FUKUSHIMA = "07", _("Fukushima")
    IBARAKI = "08", _("Ibaraki")
    TOCHIGI = "09", _("Tochigi")
    GUNMA = "10", _("Gunma")
    SAITAMA = "11", _("Saitama")
    CHIBA = "12", _("Chiba")
    TOKYO = "13", _("Tokyo")
    KANAGAWA = "14", _("Kanagawa")
    NIIGATA = "15", _("Niigata")
    TOYAMA = "16", _("Toyama")
    ISHIKAWA = "17", _("Ishikawa")
    FUKUI = "18", _("Fukui")
    YAMANASHI = "19", _("Yamanashi")
    NAGANO = "20", _("Nagano")
    GIFU = "21", _("Gifu")
    SHIZUOKA = "22", _("Shizuoka")
    AICHI = "23", _("Aichi")
    MIE = "24", _("Mie")
    SHIGA = "25", _("Shiga")
    KYOTO = "26", _("Kyoto")
    OSAKA = "27", _("Osaka")
    HYOGO = "28", _("Hyogo")
    NARA = "29", _("Nara")
    WAKAYAMA = "30", _("Wakayama")
    TOTTORI = "31", _("Tottori")
    SHIMANE = "32", _("Shimane")
    OKAYAMA = "33", _("Okayama")
    HIROSHIMA = "34", _("Hiroshima")
    YAMAGUCHI = "35", _("Yamaguchi")
    TOKUSHIMA = "36", _("Tokushima")
    KAGAWA = "37", _("Kagawa")
    EHIME = "38", _("Ehime")
    KOCHI = "39", _("Kochi")
    FUKUOKA = "40", _("Fukuoka")
    SAGA = "41", _("Saga")
    NAGASAKI = "42", _("Nagasaki")
    KUMAMOTO = "43", _("Kumamoto")
    OITA = "44", _("Oita")
    MIYAZAKI = "45", _("Miyazaki")
    KAGOSHIMA = "46", _("Kagoshima")
    OKINAWA = "47", _("Okinawa")


class Organisation(AuditedModel):
    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("university")
        JUNIOR_COLLEGE = "junior_college", _("junior college")
        TECHNICAL_COLLEGE = "technical_college", _("college of technology (KOSEN)")
        OTHER_HEI = "other_hei", _("other higher-education institution")
        FACULTY = "faculty", _("faculty")
        GRADUATE_SCHOOL = "graduate_school", _("graduate school")
        INSTITUTE = "institute", _("research institute")
        CENTRE = "centre", _("centre")
        HOSPITAL = "hospital", _("hospital")
        OFFICE = "office", _("administrative office")
        COMPANY = "company", _("company")
        PREFECTURE = "prefecture", _("prefecture")
        MUNICIPALITY = "municipality", _("local government")
        BUSINESS_ASSOCIATION = "business_association", _("business association")
        PROFESSIONAL_ASSOCIATION = "professional_association", _("professional association")
        BANKERS_ASSOCIATION = "bankers_association", _("bankers' association")
        MEDICAL_ASSOCIATION = "medical_association", _("medical association")
        GOVERNMENT_BODY = "government_body", _("government body")
        AGENCY = "agency", _("public agency")
        INSTITUTION_GROUP = "institution_group", _("group of institutions")
        RESEARCH_ORGANISATION = "research_organisation", _("research organisation")
        OTHER = "other", _("other")

    UNIT_KINDS = frozenset(
        {Kind.FACULTY, Kind.GRADUATE_SCHOOL, Kind.INSTITUTE, Kind.CENTRE, Kind.HOSPITAL, Kind.OFFICE}
    )
    HEI_KINDS = frozenset({Kind.UNIVERSITY, Kind.JUNIOR_COLLEGE, Kind.TECHNICAL_COLLEGE, Kind.OTHER_HEI})

    key = KeyField(_("key"), max_length=120, unique=True, help_text=_("Stable identifier used in URLs."))
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices, db_index=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    name_kana = models.CharField(_("name (kana)"), max_length=300, blank=True)
    short_name_ja = models.CharField(_("short name (Japanese)"), max_length=100, blank=True)
    short_name_en = models.CharField(_("short name (English)"), max_length=100, blank=True)
    code = models.CharField(
        _("short code"), max_length=30, blank=True, help_text=_("e.g. the unit code 法, 医, 工")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("parent"),
    )
    country = models.CharField(_("country"), max_length=2, blank=True, default="JP")
    prefecture = models.CharField(_("prefecture"), max_length=2, choices=Prefecture.choices, blank=True)
    municipality_code = models.CharField(_("municipality code"), max_length=5, blank=True, db_index=True)
    address_ja = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LATITUDE
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LONGITUDE
    )
    location_note = models.CharField(_("how the location was obtained"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    note_ja = models.TextField(_("note (Japanese)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    editorial_note = models.TextField(
        _("editorial note"),
        blank=True,
        help_text=_(
            "For staff and editors only: how the record was read from its sources (never shown to the public)."
        ),
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="+", verbose_name=_("sources"))

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_kana", "name_ja"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="organisation_lat_lng_together",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def short_name(self) -> str:
        return localized(self, "short_name") or self.name

    @property
    def note(self) -> str:
        return localized(self, "note")

    @property
    def full_name(self) -> str:
        """The name with its parents, e.g. 東北大学 総務企画部総務課."""
        return " ".join([*(a.name for a in self.ancestors()), self.name])

    @property
    def is_unit(self) -> bool:
        return self.kind in self.UNIT_KINDS

    @property
    def map_link(self) -> str:
        """A link to the place on OpenStreetMap (a page people follow, not an asset this site loads)."""
        if self.latitude is None or self.longitude is None:
            return ""
        lat, lon = f"{self.latitude}", f"{self.longitude}"
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=13/{lat}/{lon}"

    def audit_organisation_id(self) -> int | None:
        return self.root_id()

    def clean(self) -> None:
        super().clean()
        parent_chain = (
            [self.parent_id, *(a.pk for a in reversed(self.parent.ancestors()))] if self.parent else []
        )
        enforce(
            check_parent(this=self.pk, parent_chain=parent_chain)
            + check_place(
                prefecture=self.prefecture,
                municipality_code=self.municipality_code,
                latitude=self.latitude,
                longitude=self.longitude,
            )
        )

    def located_in(self) -> Organisation | None:
        """The prefecture (as an organisation) a municipality lies in; None for anything else."""
        if self.kind != self.Kind.MUNICIPALITY or not self.prefecture:
            return None
        return Organisation.objects.filter(
            kind=self.Kind.PREFECTURE, prefecture=self.prefecture, parent=None
        ).first()

    def root_id(self) -> int | None:
        node: Organisation = self
        seen: set[int] = set()
        while node.parent is not None and node.parent_id not in seen:
            seen.add(node.pk)
            node = node.parent
        return node.pk

    def ancestors(self) -> list[Organisation]:
        chain, node = [], self.parent
        while node is not None and node not in chain:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class GroupComponent(AuditedModel):
    """An institution that belongs to a group of institutions (e.g. パリ・グランゼコール群)."""

    group = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="components", verbose_name=_("group")
    )
    member = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="groups", verbose_name=_("institution")
    )
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=0, validators=[MaxValueValidator(10_000)]
    )

    class Meta:
        verbose_name = _("group component")
        verbose_name_plural = _("group components")
        ordering = ["group", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["group", "member"], name="group_component_unique")]

    def __str__(self) -> str:
        return f"{self.group} ⊃ {self.member}"

    def audit_organisation_id(self) -> int | None:
        return self.group.root_id()


class Identifier(AuditedModel):
    class Scheme(models.TextChoices):
        MEXT = "mext", _("MEXT school code")
        ROR = "ror", _("ROR id")
        LG = "lg", _("local government code")
        SCHAC = "schac", _("SCHAC home organisation (hei-id)")
        ERASMUS = "erasmus", _("Erasmus code")
        OTHER = "other", _("other")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="identifiers", verbose_name=_("organisation")
    )
    scheme = models.CharField(_("scheme"), max_length=20, choices=Scheme.choices)
    value = models.CharField(_("value"), max_length=200)

    class Meta:
        verbose_name = _("external identifier")
        verbose_name_plural = _("external identifiers")
        ordering = ["scheme"]
        constraints = [models.UniqueConstraint(fields=["scheme", "value"], name="identifier_unique")]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()}: {self.value}"

    def audit_organisation_id(self) -> int | None:
        return self.organisation.root_id()


class Person(AuditedModel):
    """Someone who holds a post; not necessarily a user of Renkei."""

    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organisation"),
    )
    title_ja = models.CharField(_("title (Japanese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name_kana", "name_ja"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    def audit_organisation_id(self) -> int | None:
        return self.organisation.root_id() if self.organisation is not None else None


class Affiliation(AuditedModel):
    """A user belongs to an organisation with a role; the role covers the organisation's units too."""

    class Role(models.TextChoices):
        VIEWER = "viewer", _("viewer")
        EDITOR = "editor", _("editor")
        ADMIN = "admin", _("administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="affiliations",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="affiliations", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="affiliation_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    def audit_organisation_id(self) -> int | None:
        return self.organisation.root_id()
