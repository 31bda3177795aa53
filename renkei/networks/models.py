"""Networks (alliances, platforms, forums, consortia) and how they govern themselves."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renkei.core.keys import KeyField
from renkei.core.models import AuditedModel, Source, localized
from renkei.core.rules import enforce
from renkei.networks.rules import check_membership
from renkei.organisations.models import Organisation, Person


class Network(AuditedModel):
    class Kind(models.TextChoices):
        ALLIANCE = "alliance", _("alliance")
        PLATFORM = "platform", _("platform")
        FORUM = "forum", _("forum")
        CONSORTIUM = "consortium", _("consortium")

    key = KeyField(_("key"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_ja = models.CharField(_("name (Japanese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    short_name_ja = models.CharField(_("short name (Japanese)"), max_length=100, blank=True)
    short_name_en = models.CharField(_("short name (English)"), max_length=100, blank=True)
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    founded_precision = models.CharField(
        _("precision of the founding date"),
        max_length=5,
        choices=[("day", _("day")), ("month", _("month"))],
        default="day",
        help_text=_("'month' when the source gives only the month."),
    )
    founded_note = models.CharField(_("founding date as stated"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    editorial_note = models.TextField(
        _("editorial note"),
        blank=True,
        help_text=_(
            "For staff and editors only: how the record was read from its sources (never shown to the public)."
        ),
    )

    sources = models.ManyToManyField(Source, blank=True, related_name="+", verbose_name=_("sources"))

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["founded_on", "name_ja"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def short_name(self) -> str:
        return localized(self, "short_name") or self.name

    @property
    def founded_iso(self) -> str | None:
        """The founding date as precise as the source states it: 2021-03-12, or 2022-10 for a month."""
        if self.founded_on is None:
            return None
        if self.founded_precision == "month":
            return f"{self.founded_on:%Y-%m}"
        return self.founded_on.isoformat()

    @property
    def description(self) -> str:
        return localized(self, "description")


class NetworkStaff(AuditedModel):
    """A user who works for a network's secretariat and may maintain its records."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="staff", verbose_name=_("network")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="network_roles",
        verbose_name=_("user"),
    )

    class Meta:
        verbose_name = _("secretariat staff member")
        verbose_name_plural = _("secretariat staff")
        constraints = [models.UniqueConstraint(fields=["network", "user"], name="network_staff_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.network}"


class NetworkRecord(AuditedModel):
    """A record that belongs to one network's governance and is kept by its secretariat."""

    class Meta:
        abstract = True


class Membership(NetworkRecord):
    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        SECRETARIAT = "secretariat", _("secretariat")
        OBSERVER = "observer", _("observer")

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("network")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    on_behalf_of = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    category_ja = models.CharField(_("category (Japanese)"), max_length=100, blank=True)
    category_en = models.CharField(_("category (English)"), max_length=100, blank=True)
    start_date = models.DateField(_("since"), null=True, blank=True)
    end_date = models.DateField(_("until"), null=True, blank=True)
    admitted_by = models.ForeignKey(
        "Decision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("admitted by decision"),
    )
    note_ja = models.CharField(_("note (Japanese)"), max_length=300, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=300, blank=True)
    editorial_note = models.TextField(
        _("editorial note"),
        blank=True,
        help_text=_(
            "For staff and editors only: how the record was read from its sources (never shown to the public)."
        ),
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["network", "role", "start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "organisation", "role", "start_date"], name="membership_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="membership_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.network} ({self.get_role_display()})"

    def clean(self) -> None:
        super().clean()
        enforce(check_membership(start_date=self.start_date, end_date=self.end_date))

    @property
    def category(self) -> str:
        return localized(self, "category")

    @property
    def note(self) -> str:
        return localized(self, "note")

    def is_current(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        started = self.start_date is None or self.start_date <= on
        return started and (self.end_date is None or on <= self.end_date)


class DeclaredCount(NetworkRecord):
    """A figure a source states without naming everyone (e.g. '59 members, 13 of them HEIs')."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="declared_counts", verbose_name=_("network")
    )
    subject = models.CharField(_("subject"), max_length=40, help_text=_("e.g. members, heis, municipalities"))
    label_ja = models.CharField(_("label (Japanese)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    value = models.PositiveIntegerField(_("count"), validators=[MaxValueValidator(100_000_000)])
    as_of = models.DateField(_("as of"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=0, validators=[MaxValueValidator(10_000)]
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("declared count")
        verbose_name_plural = _("declared counts")
        ordering = ["network", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["network", "subject"], name="declared_count_unique")]

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"

    @property
    def label(self) -> str:
        return localized(self, "label")


class Document(NetworkRecord):
    """A governing document (bylaws, rules) whose text changes through dated versions."""

    class Kind(models.TextChoices):
        BYLAWS = "bylaws", _("bylaws")
        RULES = "rules", _("rules")
        AGREEMENT = "agreement", _("agreement")
        OTHER = "other", _("other")

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="documents", verbose_name=_("network")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BYLAWS)
    title_ja = models.CharField(_("title (Japanese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["network", "kind", "title_ja"]
        constraints = [models.UniqueConstraint(fields=["network", "title_ja"], name="document_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")


class DocumentVersion(AuditedModel):
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="versions", verbose_name=_("document")
    )
    number = models.PositiveSmallIntegerField(_("version"), validators=[MaxValueValidator(1_000)])
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    effective_from = models.DateField(_("in effect from"), null=True, blank=True)
    text_ja = models.TextField(_("text (Japanese)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    file = models.FileField(_("file"), upload_to="documents/%Y/", blank=True)
    change_summary = models.CharField(_("what changed"), max_length=300, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"

    @property
    def text(self) -> str:
        return localized(self, "text")


class Body(NetworkRecord):
    """A steering council, liaison council, division, secretariat or committee of a network."""

    class Kind(models.TextChoices):
        STEERING_COUNCIL = "steering_council", _("steering council")
        LIAISON_COUNCIL = "liaison_council", _("liaison council")
        DIVISION = "division", _("division")
        SECRETARIAT = "secretariat", _("secretariat")
        COMMITTEE = "committee", _("committee")

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="bodies", verbose_name=_("network")
    )
    key = KeyField(_("key"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_ja = models.CharField(_("name (Japanese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    purpose_ja = models.TextField(_("purpose (Japanese)"), blank=True)
    purpose_en = models.TextField(_("purpose (English)"), blank=True)
    reports_to_body = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reporting_bodies",
        verbose_name=_("reports to (body)"),
    )
    reports_to_post = models.ForeignKey(
        "Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reporting_bodies",
        verbose_name=_("reports to (post)"),
    )
    hosted_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_bodies",
        verbose_name=_("hosted by"),
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    is_provisional_name = models.BooleanField(_("provisional name (仮称)"), default=False)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=0, validators=[MaxValueValidator(10_000)]
    )

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["network", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["network", "key"], name="body_key_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def purpose(self) -> str:
        return localized(self, "purpose")


class BodyParticipant(AuditedModel):
    """An organisation taking part in a body, with its responsibilities there."""

    class Role(models.TextChoices):
        SECRETARIAT = "secretariat", _("secretariat")
        PARTICIPANT = "participant", _("participating organisation")
        MEMBER = "member", pgettext_lazy("body participant", "member")

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="participants", verbose_name=_("body")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="body_participations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    responsibilities_ja = models.CharField(_("responsibilities (Japanese)"), max_length=300, blank=True)
    responsibilities_en = models.CharField(_("responsibilities (English)"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=0, validators=[MaxValueValidator(10_000)]
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["body", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "organisation"], name="body_participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"

    @property
    def responsibilities(self) -> str:
        return localized(self, "responsibilities")

    @property
    def role_and_responsibilities(self) -> tuple[str, str]:
        """What participants share when the page lists them together."""
        return (self.role, self.responsibilities)


class Post(AuditedModel):
    """A position in a body: chair, vice chair, member seats."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        VICE_CHAIR = "vice_chair", _("vice chair")
        MEMBER = "member", pgettext_lazy("post", "member")
        REPRESENTATIVE = "representative", _("representative")
        SECRETARY = "secretary", _("secretary")

    class Selection(models.TextChoices):
        ELECTED_AMONG_MEMBERS = "elected_among_members", _("elected among the members (互選)")
        APPOINTED = "appointed", _("appointed")
        EX_OFFICIO = "ex_officio", _("ex officio")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="posts", verbose_name=_("body"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    label_ja = models.CharField(_("label (Japanese)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    selection = models.CharField(_("how filled"), max_length=30, choices=Selection.choices, blank=True)
    duties_ja = models.TextField(_("duties (Japanese)"), blank=True)
    duties_en = models.TextField(_("duties (English)"), blank=True)
    seats = models.PositiveSmallIntegerField(
        _("seats"), null=True, blank=True, validators=[MaxValueValidator(10_000)]
    )
    seats_note_ja = models.CharField(_("who fills the seats (Japanese)"), max_length=200, blank=True)
    seats_note_en = models.CharField(_("who fills the seats (English)"), max_length=200, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=0, validators=[MaxValueValidator(10_000)]
    )

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["body", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["body", "label_ja"], name="post_unique")]

    def __str__(self) -> str:
        return f"{self.body} — {self.label}"

    @property
    def label(self) -> str:
        return localized(self, "label")

    @property
    def duties(self) -> str:
        return localized(self, "duties")

    @property
    def seats_note(self) -> str:
        return localized(self, "seats_note")


class Tenure(AuditedModel):
    """A person holding a post on behalf of an organisation for a term."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="tenures", verbose_name=_("post"))
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tenures",
        verbose_name=_("person"),
    )
    on_behalf_of = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="tenures", verbose_name=_("on behalf of")
    )
    start_date = models.DateField(_("term from"), null=True, blank=True)
    end_date = models.DateField(_("term until"), null=True, blank=True)
    selected_by = models.ForeignKey(
        "Decision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filled by decision"),
    )

    class Meta:
        verbose_name = _("term of office")
        verbose_name_plural = _("terms of office")
        ordering = ["post", "-start_date"]

    def __str__(self) -> str:
        who = self.person or self.on_behalf_of
        return f"{self.post.label}: {who}"


class Meeting(AuditedModel):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("body"))
    title_ja = models.CharField(_("title (Japanese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    held_on = models.DateField(_("held on"))
    location_ja = models.CharField(_("place (Japanese)"), max_length=200, blank=True)
    location_en = models.CharField(_("place (English)"), max_length=200, blank=True)
    is_public = models.BooleanField(_("public"), default=False)
    minutes_ja = models.TextField(_("minutes (Japanese)"), blank=True)
    minutes_en = models.TextField(_("minutes (English)"), blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on})"

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def minutes(self) -> str:
        return localized(self, "minutes")


class Attendance(AuditedModel):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("organisation")
    )
    attendees = models.PositiveSmallIntegerField(
        _("attendees"), null=True, blank=True, validators=[MaxValueValidator(30_000)]
    )

    class Meta:
        verbose_name = _("attending organisation")
        verbose_name_plural = _("attending organisations")
        constraints = [models.UniqueConstraint(fields=["meeting", "organisation"], name="attendance_unique")]

    def __str__(self) -> str:
        return str(self.organisation)


class AgendaItem(AuditedModel):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MaxValueValidator(1_000)])
    title_ja = models.CharField(_("title (Japanese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_ja = models.TextField(_("summary (Japanese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="agenda_item_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def title(self) -> str:
        return localized(self, "title")


class Decision(AuditedModel):
    class Outcome(models.TextChoices):
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        NOTED = "noted", _("noted")
        DEFERRED = "deferred", _("deferred")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("agenda item"),
    )
    text_ja = models.TextField(_("decision (Japanese)"))
    text_en = models.TextField(_("decision (English)"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.APPROVED)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def text(self) -> str:
        return localized(self, "text")
