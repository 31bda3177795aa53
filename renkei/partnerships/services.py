"""Writes to partnerships, agreements and what hangs from them.

Plain records get their save/delete pair from `record_services`. Agreements have a lifecycle
(`rules.LIFECYCLE`, docs/decisions/0008-partnership-agreement-lifecycle.md): a version is drafted,
reviewed, sent to the partner, signed, in effect, expiring, and ends renewed, amended, terminated or
expired. A signed version never changes (the models refuse it on every path): `agreement_amend`
and `agreement_renew` make a new version linked to it, carrying over everything they do not change.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation

from renkei.core.messages import Msg
from renkei.core.policy import Actor
from renkei.core.private_files import PRIVATE_FILE, ensure_private_dir
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
from renkei.organisations.models import Affiliation
from renkei.partnerships import rules
from renkei.partnerships.models import (
    Activity,
    Agreement,
    AgreementAlert,
    AgreementParty,
    AgreementVersion,
    CooperationCondition,
    FundApplication,
    FundCall,
    JointDegreeFigure,
    JointDegreePartner,
    JointDegreeProgram,
    JointFund,
    MobilityFigure,
    NetworkProject,
    Participation,
    Partnership,
    PartnershipTier,
    PartnerUnit,
    Phase,
    TeamMember,
)

phase_save, phase_delete = record_services(Phase, "phase", module=__name__)
partnership_save, partnership_delete = record_services(Partnership, "partnership", module=__name__)
partnership_tier_save, partnership_tier_delete = record_services(
    PartnershipTier, "partnership_tier", module=__name__
)
team_member_save, team_member_delete = record_services(TeamMember, "team_member", module=__name__)
partner_unit_save, partner_unit_delete = record_services(PartnerUnit, "partner_unit", module=__name__)
activity_save, activity_delete = record_services(Activity, "activity", module=__name__, relations=("units",))
participation_save, participation_delete = record_services(Participation, "participation", module=__name__)
mobility_figure_save, mobility_figure_delete = record_services(
    MobilityFigure, "mobility_figure", module=__name__
)
joint_fund_save, joint_fund_delete = record_services(JointFund, "joint_fund", module=__name__)
fund_call_save, fund_call_delete = record_services(FundCall, "fund_call", module=__name__)
fund_application_save, fund_application_delete = record_services(
    FundApplication, "fund_application", module=__name__
)
joint_degree_program_save, joint_degree_program_delete = record_services(
    JointDegreeProgram, "joint_degree_program", module=__name__, relations=("home_units",)
)
joint_degree_partner_save, joint_degree_partner_delete = record_services(
    JointDegreePartner, "joint_degree_partner", module=__name__
)
joint_degree_figure_save, joint_degree_figure_delete = record_services(
    JointDegreeFigure, "joint_degree_figure", module=__name__
)
network_project_save, network_project_delete = record_services(
    NetworkProject, "network_project", module=__name__
)
# Parties and conditions refuse change once their version is signed (the models' own guard).
agreement_party_save, agreement_party_delete = record_services(
    AgreementParty, "agreement_party", module=__name__
)
cooperation_condition_save, cooperation_condition_delete = record_services(
    CooperationCondition, "cooperation_condition", module=__name__
)
agreement_alert_save, agreement_alert_delete = record_services(
    AgreementAlert, "agreement_alert", module=__name__
)

HAS_SIGNED_VERSIONS = Msg(
    "署名済みの版がある協定は削除できません。", "An agreement with signed versions cannot be deleted."
)
NOT_LIVE = Msg(
    "改定・更新できるのは署名済みで有効な版だけです。",
    "Only a signed version in effect can be amended or renewed.",
)
ALREADY_FOLLOWED = Msg("この版にはすでに次の版があります。", "This version already has a following version.")
UNKNOWN_FIELD = Msg("変更できない項目です。", "This field cannot be changed by an amendment.")


@service
def agreement_save(*, agreement: Agreement, actor: Actor | None) -> Agreement:
    return record_save(obj=agreement, actor=actor)


@service
def agreement_delete(*, agreement: Agreement, actor: Actor | None) -> None:
    """Delete an agreement that was never signed (its drafts go with it)."""
    authorize_delete(actor, agreement)
    if agreement.versions.filter(status__in=rules.SIGNED_STATES).exists():
        raise validation_error([Broken(None, HAS_SIGNED_VERSIONS, "immutable")])
    agreement.versions.all().delete()
    agreement.delete()


@service
def agreement_version_save(*, version: AgreementVersion, actor: Actor | None) -> AgreementVersion:
    """Save a version's content (refused once it is signed) — not its status: the lifecycle
    services move that."""
    authorize_save(actor, version)
    if version.pk is not None:
        stored = AgreementVersion.objects.filter(pk=version.pk).values_list("status", flat=True).first()
        if stored is not None and stored != version.status:
            enforce(rules.check_transition(current=stored, wanted=version.status))
    save_checked(version)
    return version


@service
def agreement_version_delete(*, version: AgreementVersion, actor: Actor | None) -> None:
    record_delete(obj=version, actor=actor)


register_writes(Agreement, save=agreement_save, delete=agreement_delete, argument="agreement")
register_writes(
    AgreementVersion, save=agreement_version_save, delete=agreement_version_delete, argument="version"
)


# --- the lifecycle ------------------------------------------------------------------------------------


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _move(version: AgreementVersion, wanted: str, today: dt.date, **extra: Any) -> AgreementVersion:
    enforce(rules.check_transition(current=version.status, wanted=wanted))
    version.status = wanted
    version.status_changed_on = today
    for name, value in extra.items():
        setattr(version, name, value)
    version.save(update_fields=["status", "status_changed_on", *extra, "updated_at"])
    return version


@service
def agreement_draft(
    *, agreement: Agreement, actor: Actor | None, parties: Sequence[AgreementParty] = (), **content: Any
) -> AgreementVersion:
    """Start the first version of an agreement (saved with the agreement if it is new)."""
    if agreement.pk is None:
        agreement_save(agreement=agreement, actor=actor)
    number = (agreement.versions.aggregate(models.Max("number"))["number__max"] or 0) + 1
    version = AgreementVersion(agreement=agreement, number=number, **content)
    authorize_save(actor, version)
    save_checked(version)
    for order, party in enumerate(parties):
        party.version = version
        party.sort_order = order
        agreement_party_save(agreement_party=party, actor=actor)
    return version


@service
def agreement_transition(
    *, version: AgreementVersion, status: str, actor: Actor | None, today: dt.date | None = None
) -> AgreementVersion:
    """Move a version along the lifecycle table (review, send to the partner, back to draft,
    withdraw); signing, amending, renewing and terminating have their own services."""
    if status in {rules.SIGNED, rules.AMENDED, rules.RENEWED, rules.TERMINATED}:
        raise ValidationError(rules.bad_transition(version.status, status).text())
    authorize_save(actor, version)
    return _move(version, status, _today(today))


@service
def agreement_sign(
    *, version: AgreementVersion, actor: Actor | None, today: dt.date | None = None
) -> AgreementVersion:
    """Record a version as signed by every party (each party's `signed_on` set before). The version
    it replaces becomes amended or renewed. From now on the version is immutable."""
    authorize_save(actor, version)
    today = _today(today)
    parties = list(version.parties.all())
    enforce(
        rules.check_transition(current=version.status, wanted=rules.SIGNED)
        + rules.check_signing(
            parties=len(parties),
            unsigned_parties=sum(1 for p in parties if p.signed_on is None),
            valid_from=version.valid_from,
        )
    )
    signed_on = max(p.signed_on for p in parties if p.signed_on is not None)
    # content and status in one write while the version is still open; frozen from here on
    version.signed_on = signed_on
    version.status = rules.SIGNED
    version.status_changed_on = today
    version.save()
    if version.valid_from and version.valid_from <= today:
        _move(version, rules.IN_EFFECT, today)
    previous = version.previous
    if previous is not None and previous.status in rules.LIVE_STATES | {rules.EXPIRED}:
        ending = rules.AMENDED if version.change == AgreementVersion.Change.AMENDMENT else rules.RENEWED
        if ending in rules.LIFECYCLE[previous.status]:
            _move(previous, ending, today)
    return version


def _carry_over(
    version: AgreementVersion, actor: Actor | None, change: str, values: dict[str, Any]
) -> AgreementVersion:
    authorize_save(actor, version.agreement)
    if version.status not in rules.LIVE_STATES | ({rules.EXPIRED} if change == "renewal" else set()):
        raise validation_error([Broken(None, NOT_LIVE, "transition")])
    if version.successors.exclude(status=rules.WITHDRAWN).exists():
        raise validation_error([Broken(None, ALREADY_FOLLOWED, "transition")])
    content = {
        f.attname: getattr(version, f.attname)
        for f in AgreementVersion._meta.concrete_fields
        if f.attname
        not in {
            "id",
            "created_at",
            "updated_at",
            "agreement_id",
            "number",
            "previous_id",
            "change",
            "signed_on",
            "document",
            *AgreementVersion.LIFECYCLE_FIELDS,
        }
    }
    unknown = set(values) - set(content) - {"change_summary_ja", "change_summary_en"}
    if unknown:
        raise validation_error([Broken(name, UNKNOWN_FIELD, "field") for name in sorted(unknown)])
    content.update({"change_summary_ja": "", "change_summary_en": ""})
    content.update(values)
    number = (version.agreement.versions.aggregate(models.Max("number"))["number__max"] or 0) + 1
    new = AgreementVersion(
        agreement=version.agreement,
        number=number,
        previous=version,
        change=change,
        status=rules.DRAFT,
        **content,
    )
    authorize_save(actor, new)
    save_checked(new)
    for party in version.parties.all():
        copy = AgreementParty(
            version=new,
            organisation_id=party.organisation_id,
            unit_id=party.unit_id,
            iia_code=party.iia_code,
            signatory_name=party.signatory_name,
            signatory_title=party.signatory_title,
            signatory_email=party.signatory_email,
            sort_order=party.sort_order,
        )
        agreement_party_save(agreement_party=copy, actor=actor)
    skip = {"id", "created_at", "updated_at", "version_id"}
    for condition in version.conditions.all():
        values_of = {
            f.attname: getattr(condition, f.attname)
            for f in CooperationCondition._meta.concrete_fields
            if f.attname not in skip
        }
        cooperation_condition_save(
            cooperation_condition=CooperationCondition(version=new, **values_of), actor=actor
        )
    return new


@service
def agreement_amend(
    *, version: AgreementVersion, actor: Actor | None, changes: dict[str, Any] | None = None
) -> AgreementVersion:
    """A draft amendment of a signed version: a new version linked to it that carries over its
    content, parties (to sign again) and cooperation conditions, with `changes` applied. Signing it
    (`agreement_sign`) marks the old version amended."""
    return _carry_over(version, actor, AgreementVersion.Change.AMENDMENT, dict(changes or {}))


@service
def agreement_renew(
    *,
    version: AgreementVersion,
    actor: Actor | None,
    valid_from: dt.date,
    valid_until: dt.date | None,
    changes: dict[str, Any] | None = None,
) -> AgreementVersion:
    """A draft renewal: a new version with new dates carrying over everything else."""
    values = dict(changes or {})
    values.update(valid_from=valid_from, valid_until=valid_until)
    return _carry_over(version, actor, AgreementVersion.Change.RENEWAL, values)


@service
def agreement_terminate(
    *, version: AgreementVersion, actor: Actor | None, reason: str = "", today: dt.date | None = None
) -> AgreementVersion:
    """End a signed version before its term (its content stays as signed)."""
    authorize_save(actor, version)
    today = _today(today)
    return _move(version, rules.TERMINATED, today, terminated_on=today, termination_reason=reason[:300])


def lead_days_of(agreement: Agreement) -> list[int]:
    """The agreement's alert lead times, or the site's default (RENKEI_AGREEMENT_ALERT_DAYS)."""
    leads = agreement.alert_lead_days or list(getattr(settings, "RENKEI_AGREEMENT_ALERT_DAYS", (180, 90, 30)))
    return sorted({int(d) for d in leads if isinstance(d, int) and 0 < d <= 3650}, reverse=True)


@service
def agreements_refresh_status(*, today: dt.date | None = None) -> int:
    """Move live versions along with the calendar: signed → in effect on their first day, in effect
    → expiring within the longest lead time, → expired after their last day. Returns the moves."""
    today = _today(today)
    moved = 0
    for version in AgreementVersion.objects.filter(status__in=rules.LIVE_STATES).select_related("agreement"):
        if version.status == rules.SIGNED and version.valid_from and version.valid_from <= today:
            _move(version, rules.IN_EFFECT, today)
            moved += 1
        if version.valid_until is None:
            continue
        if version.valid_until < today:
            _move(version, rules.EXPIRED, today)
            moved += 1
        elif version.status == rules.IN_EFFECT:
            leads = lead_days_of(version.agreement)
            if leads and (version.valid_until - today).days <= leads[0]:
                _move(version, rules.EXPIRING, today)
                moved += 1
    return moved


@dataclass
class AlertReport:
    sent: list[tuple[str, int, dt.date]] = field(default_factory=list)  # (agreement key, lead, expires)
    recorded: int = 0


def _recipients(agreement: Agreement) -> list[str]:
    staff = agreement.responsible_staff
    if staff is not None and staff.email:
        return [staff.email]
    admins = Affiliation.objects.filter(
        organisation_id=agreement.owner_id, role__in=[Affiliation.Role.ADMIN, Affiliation.Role.EDITOR]
    ).select_related("user")
    found = sorted({a.user.email for a in admins if a.user.email and a.user.is_active})
    return found or [getattr(settings, "RENKEI_ALERTS_FALLBACK_EMAIL", "partnerships@localhost")]


def alerts_due(
    today: dt.date, versions: Iterable[AgreementVersion]
) -> list[tuple[AgreementVersion, list[int]]]:
    """For each live version not already followed by a signed renewal or amendment, the lead times
    that have been reached by `today` (the version expires within them)."""
    due = []
    for version in versions:
        if version.valid_until is None or version.status not in rules.LIVE_STATES:
            continue
        if any(s.status in rules.SIGNED_STATES for s in version.successors.all()):
            continue
        left = (version.valid_until - today).days
        if left < 0:
            continue
        reached = [lead for lead in lead_days_of(version.agreement) if left <= lead]
        if reached:
            due.append((version, reached))
    return due


@service
def agreement_alerts_send(*, today: dt.date | None = None) -> AlertReport:
    """Send the expiry alerts due today, once each: one e-mail per version naming the nearest lead
    time reached, and a row per lead time reached so that none is sent again (running it twice, or
    late, sends nothing twice). A version already renewed or amended gets none."""
    today = _today(today)
    agreements_refresh_status(today=today)
    report = AlertReport()
    versions = (
        AgreementVersion.objects.filter(status__in=rules.LIVE_STATES, valid_until__isnull=False)
        .select_related("agreement__responsible_staff", "agreement__owner")
        .prefetch_related("successors", "alerts")
    )
    for version, reached in alerts_due(today, versions):
        until = version.valid_until
        assert until is not None  # alerts_due keeps versions with an end date only
        done = {alert.lead_days for alert in version.alerts.all()}
        new = [lead for lead in reached if lead not in done]
        if not new:
            continue
        nearest = min(new)
        recipients = _recipients(version.agreement)
        if recipients:
            _mail(version, nearest, recipients)
            report.sent.append((version.agreement.key, nearest, until))
        for lead in new:
            alert = AgreementAlert(
                version=version,
                lead_days=lead,
                due_on=until,
                sent_on=today,
                recipients=", ".join(recipients) if lead == nearest else "",
            )
            agreement_alert_save(agreement_alert=alert, actor=None)
            report.recorded += 1
    return report


def agreement_url(agreement: Agreement) -> str:
    """The agreement's page as a whole address, for an e-mail (RENKEI_SITE_URL: where people reach the site)."""
    with translation.override("ja"):  # the site's first language: its pages have no prefix
        path = reverse("partnerships:agreement", args=[agreement.key])
    return settings.RENKEI_SITE_URL + path


def _mail(version: AgreementVersion, lead: int, recipients: list[str]) -> None:
    agreement = version.agreement
    subject = f"[Renkei] 協定の期限まで{lead}日 / Agreement expires within {lead} days: {agreement.title_ja}"
    body = (
        f"{agreement.title_ja}（第{version.number}版）は {version.valid_until:%Y-%m-%d} に期限を迎えます。\n"
        f"{agreement.title_en or agreement.title_ja} (version {version.number}) expires on "
        f"{version.valid_until:%Y-%m-%d}.\n\n{agreement_url(agreement)}\n"
    )
    send_mail(subject, body, None, recipients)


DOCUMENT_TAKEN = Msg(
    "この版にはすでに署名済み文書があります。", "This version already has its signed document."
)
DOCUMENT_NAME = Msg(
    "ファイル名は英数字と . _ - だけで、拡張子 .pdf が必要です。",
    "A file name has letters, digits, '.', '_' and '-' only, and ends in .pdf.",
)


def document_max_bytes() -> int:
    """The largest signed document accepted (RENKEI_AGREEMENT_DOCUMENT_MAX_BYTES, 20 MB by default)."""
    return int(getattr(settings, "RENKEI_AGREEMENT_DOCUMENT_MAX_BYTES", rules.DOCUMENT_MAX_BYTES))


def agreement_document_path(version: AgreementVersion) -> Path:
    """Where a version's signed document lives: under the data directory, never in the database."""
    return Path(settings.DATA_DIR) / "agreements" / version.agreement.key / version.document


@service
def agreement_document_attach(
    *, version: AgreementVersion, actor: Actor | None, name: str, content: bytes
) -> AgreementVersion:
    """Keep the signed document (a PDF) of a version under the data directory (0600) and its file name
    on the version. Once attached it is part of the version and never replaced."""
    authorize_save(actor, version)
    if version.document:
        raise validation_error([Broken("document", DOCUMENT_TAKEN, "immutable")])
    enforce(
        rules.check_document(
            signed=version.is_signed,
            name=name,
            size=len(content),
            head=content[:5],
            limit=document_max_bytes(),
        )
    )
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,200}\.pdf", name) or ".." in name:
        raise validation_error([Broken("document", DOCUMENT_NAME, "format")])
    version.document = f"v{version.number}-{name}"
    folder = ensure_private_dir(Path(settings.DATA_DIR) / "agreements" / version.agreement.key)
    path = folder / version.document
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    try:
        version.save(update_fields=["document", "updated_at"])
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return version
