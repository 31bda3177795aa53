"""Every write path leaves an AuditEntry; writes outside an audit context fail closed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone, translation
from factories import (
    AffiliationFactory,
    BodyFactory,
    DeclaredCountFactory,
    IdentifierFactory,
    MeetingFactory,
    MembershipFactory,
    NetworkFactory,
    NetworkStaffFactory,
    OrganisationFactory,
    PostFactory,
    SourceFactory,
    UnitFactory,
    UserFactory,
)
from support.audit import entries_after, entries_for, last_entry_id, logged, table_state

from renkei.accounts.models import User
from renkei.core.audit import AuditContextMissing, Via, WriteOutsideService, audit_context, in_service
from renkei.core.models import AuditEntry, Source, audit_bulk_write
from renkei.networks.models import Body, DeclaredCount, Meeting, Membership, Network, NetworkStaff, Post
from renkei.organisations.models import Identifier, Organisation
from renkei.organisations.services import identifier_save, organisation_save

pytestmark = pytest.mark.django_db


# --- who, when, through which path, on whose behalf ------------------------------------------------------


def test_create_records_actor_via_utc_time_and_on_behalf_of(owner_org):
    # given
    user = UserFactory(username="editor-a")
    before = timezone.now()
    # when
    with audit_context(via=Via.WEB, actor=user, on_behalf_of=owner_org, label="add identifier") as context:
        identifier = identifier_save(
            identifier=Identifier(organisation=owner_org, scheme=Identifier.Scheme.ROR, value="0abc"),
            actor=None,
        )
    # then
    [entry] = entries_for(identifier)
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.service == "organisations.identifier_save"
    assert entry.actor == user
    assert entry.actor_label == "editor-a"
    assert entry.via == Via.WEB
    assert entry.label == "add identifier"
    assert entry.request_id == context.request_id
    assert entry.on_behalf_of_id == owner_org.pk
    assert entry.at.utcoffset() == dt.timedelta(0)
    assert before <= entry.at <= timezone.now()
    assert entry.changes["scheme"] == "ror"
    assert entry.changes["value"] == "0abc"
    assert entry.changes["organisation_id"] == owner_org.pk


def test_without_an_actor_the_entry_names_the_path(owner_org):
    [entry] = entries_for(owner_org)
    assert entry.actor is None
    assert entry.actor_label == Via.TEST
    assert entry.via == Via.TEST
    assert entry.label == "test"


def test_an_anonymous_actor_is_recorded_as_no_one(anonymous):
    with audit_context(via=Via.WEB, actor=anonymous):
        organisation = organisation_save(
            organisation=Organisation(key="anon-u", kind=Organisation.Kind.UNIVERSITY, name_ja="匿名大学"),
            actor=None,
        )
    [entry] = entries_for(organisation)
    assert entry.actor is None
    assert entry.actor_label == Via.WEB


@pytest.mark.parametrize("via", [Via.WEB, Via.ADMIN, Via.API, Via.COMMAND, Via.TASK])
def test_a_write_outside_a_service_is_refused_on_every_path(via, owner_org):
    # given: a path other than a test's own setup
    with audit_context(via=via), pytest.raises(WriteOutsideService):
        # when: a row is saved directly instead of through its service
        OrganisationFactory(key="around-the-service")
    # then: nothing was written
    assert not Organisation.objects.filter(key="around-the-service").exists()


def test_on_behalf_of_defaults_to_the_root_organisation(owner_org):
    # when
    unit = UnitFactory(parent=owner_org)
    grandchild = UnitFactory(parent=unit, kind=Organisation.Kind.CENTRE)
    identifier = IdentifierFactory(organisation=grandchild)
    # then
    for obj in (owner_org, unit, grandchild, identifier):
        assert entries_for(obj).get().on_behalf_of_id == owner_org.pk


def test_update_records_only_the_fields_that_changed(owner_org):
    # given
    organisation = Organisation.objects.get(pk=owner_org.pk)
    # when
    organisation.name_en = "Renamed University"
    organisation.prefecture = "06"
    organisation.save()
    # then
    entry = entries_for(organisation).last()
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.changes == {"name_en": ["Owner University", "Renamed University"], "prefecture": ["", "06"]}


def test_saving_an_unchanged_row_writes_no_entry(owner_org):
    # given
    last = last_entry_id()
    # when: the same instance again, and a fresh copy from the database
    owner_org.save()
    Organisation.objects.get(pk=owner_org.pk).save()
    # then
    assert not entries_after(last).exists()


def test_successive_saves_diff_against_the_previous_save(owner_org):
    owner_org.name_en = "One"
    owner_org.save()
    owner_org.name_en = "Two"
    owner_org.save()
    assert [e.changes for e in entries_for(owner_org).filter(action="update")] == [
        {"name_en": ["Owner University", "One"]},
        {"name_en": ["One", "Two"]},
    ]


def test_a_refreshed_row_saved_unchanged_writes_no_entry(owner_org):
    # given: another path changes the row under a loaded instance, which then refreshes
    organisation = Organisation.objects.get(pk=owner_org.pk)
    Organisation.objects.filter(pk=owner_org.pk).update(name_en="Changed elsewhere")
    organisation.refresh_from_db()
    last = last_entry_id()
    # when
    organisation.save()
    # then
    assert not entries_after(last).exists()


# --- deletions, cascades included -----------------------------------------------------------------------


def test_delete_records_the_row_as_it_was(owner_unit):
    # given
    pk = owner_unit.pk
    # when
    with translation.override("ja"):
        owner_unit.delete()
    # then
    entry = AuditEntry.objects.get(object_id=str(pk), action=AuditEntry.Action.DELETE)
    assert entry.content_type.model_class() is Organisation
    assert entry.changes["key"] == "owner-u.law"
    assert entry.object_repr == "法学部"
    assert entry.on_behalf_of_id == owner_unit.parent_id


def test_deleting_a_network_logs_every_audited_row_the_cascade_removes():
    # given
    network = NetworkFactory()
    rows = {
        Network: network,
        Membership: MembershipFactory(network=network),
        Body: (body := BodyFactory(network=network)),
        Post: PostFactory(body=body),
        Meeting: MeetingFactory(body=body),
        NetworkStaff: NetworkStaffFactory(network=network),
        DeclaredCount: DeclaredCountFactory(network=network),
    }
    expected = {(model.__name__, str(obj.pk), "delete") for model, obj in rows.items()}
    last = last_entry_id()
    # when
    network.delete()
    # then
    assert logged(entries_after(last)) == expected


def test_an_audited_row_loads_with_deferred_fields(owner_org):
    organisation = Organisation.objects.only("key").get(pk=owner_org.pk)
    assert organisation.name_ja == "所有大学"


def test_deleting_an_organisation_logs_its_identifiers_and_affiliations(db):
    # given
    organisation = OrganisationFactory()
    identifier = IdentifierFactory(organisation=organisation)
    affiliation = AffiliationFactory(organisation=organisation)
    pk = organisation.pk
    last = last_entry_id()
    # when
    organisation.delete()
    # then
    assert logged(entries_after(last)) == {
        ("Organisation", str(pk), "delete"),
        ("Identifier", str(identifier.pk), "delete"),
        ("Affiliation", str(affiliation.pk), "delete"),
    }


# --- bulk paths -------------------------------------------------------------------------------------------


def test_queryset_update_logs_each_row(db):
    # given
    first, second = OrganisationFactory(), OrganisationFactory()
    untouched = OrganisationFactory()
    last = last_entry_id()
    # when
    count = Organisation.objects.filter(pk__in=[first.pk, second.pk]).update(note_ja="更新")
    # then
    assert count == 2
    entries = list(entries_after(last))
    assert logged(entries) == {
        ("Organisation", str(first.pk), "update"),
        ("Organisation", str(second.pk), "update"),
    }
    assert all(e.changes == {"note_ja": "更新"} and e.via == Via.TEST for e in entries)
    assert not entries_for(untouched).filter(action="update").exists()


def test_queryset_delete_logs_rows_and_cascades(db):
    # given
    organisations = [OrganisationFactory(), OrganisationFactory()]
    identifiers = [IdentifierFactory(organisation=o) for o in organisations]
    last = last_entry_id()
    # when
    Organisation.objects.filter(pk__in=[o.pk for o in organisations]).delete()
    # then
    assert logged(entries_after(last)) == {
        *(("Organisation", str(o.pk), "delete") for o in organisations),
        *(("Identifier", str(i.pk), "delete") for i in identifiers),
    }


def test_bulk_create_logs_each_created_row(owner_org):
    # given
    last = last_entry_id()
    # when
    created = Identifier.objects.bulk_create(
        [Identifier(organisation=owner_org, scheme="other", value=f"bulk-{n}") for n in range(3)]
    )
    # then
    entries = list(entries_after(last))
    assert logged(entries) == {("Identifier", str(i.pk), "create") for i in created}
    assert {e.changes["value"] for e in entries} == {"bulk-0", "bulk-1", "bulk-2"}
    assert {e.on_behalf_of_id for e in entries} == {owner_org.pk}


def test_bulk_update_logs_old_and_new_values_of_the_fields_that_changed(db):
    # given: rows as loaded from the database, one field changed, one set to what it was
    first, second = OrganisationFactory(code="A0"), OrganisationFactory(code="B0")
    organisations = list(Organisation.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk"))
    for n, organisation in enumerate(organisations):
        organisation.code = f"C{n}"
        organisation.updated_at = timezone.now()
    last = last_entry_id()
    # when
    Organisation.objects.bulk_update(organisations, ["code", "name_en", "updated_at"])
    # then: as a single save records it (old and new value; untouched fields and timestamps left out)
    entries = list(entries_after(last))
    assert sorted(((e.object_id, e.action, e.changes) for e in entries), key=lambda row: int(row[0])) == [
        (str(first.pk), "update", {"code": ["A0", "C0"]}),
        (str(second.pk), "update", {"code": ["B0", "C1"]}),
    ]


def test_bulk_update_of_a_row_not_loaded_reads_its_old_values(owner_org):
    # given: a stand-in carrying only the primary key and the new value, as bulk writers build them
    stand_in = Organisation(pk=owner_org.pk, name_en="Renamed University")
    last = last_entry_id()
    # when
    Organisation.objects.bulk_update([stand_in], ["name_en"])
    # then
    [entry] = entries_after(last)
    assert entry.changes == {"name_en": ["Owner University", "Renamed University"]}
    assert entry.on_behalf_of_id == owner_org.pk


def test_bulk_update_writes_no_entry_for_a_row_that_did_not_change(owner_org):
    # given
    organisation = Organisation.objects.get(pk=owner_org.pk)
    last = last_entry_id()
    # when
    Organisation.objects.bulk_update([organisation], ["name_en", "code"])
    # then
    assert not entries_after(last).exists()


def test_a_save_after_a_bulk_update_records_only_what_changed_since(owner_org):
    # given
    organisation = Organisation.objects.get(pk=owner_org.pk)
    organisation.name_en = "One"
    Organisation.objects.bulk_update([organisation], ["name_en"])
    last = last_entry_id()
    # when
    organisation.note_ja = "備考"
    organisation.save()
    # then
    [entry] = entries_after(last)
    assert entry.changes == {"note_ja": ["", "備考"]}


def test_bulk_write_entries_are_recorded_in_the_current_context(owner_org, other_org):
    # given
    user = UserFactory(username="bulk-writer")
    last = last_entry_id()
    # when: a bulk writer (a service) records links it wrote itself, through the public function
    with (
        audit_context(via=Via.COMMAND, actor=user, on_behalf_of=other_org, label="links"),
        in_service("bulk"),
    ):
        audit_bulk_write(
            [owner_org], AuditEntry.Action.UPDATE, [{"sources": {"add": [1], "remove": []}}], using="default"
        )
    # then
    [entry] = entries_after(last)
    assert (entry.action, entry.object_id, entry.changes) == (
        "update",
        str(owner_org.pk),
        {"sources": {"add": [1], "remove": []}},
    )
    assert (entry.actor, entry.via, entry.label, entry.on_behalf_of_id) == (
        user,
        Via.COMMAND,
        "links",
        other_org.pk,
    )


def test_bulk_write_entries_fail_closed_outside_a_context(owner_org, no_audit_context):
    last = last_entry_id()
    with pytest.raises(AuditContextMissing):
        no_audit_context(audit_bulk_write, [owner_org], AuditEntry.Action.UPDATE, [{}], using="default")
    assert not entries_after(last).exists()


def test_many_to_many_add_and_remove_are_logged(owner_org):
    # given
    first, second = SourceFactory(), SourceFactory()
    last = last_entry_id()
    # when
    owner_org.sources.add(first, second)
    owner_org.sources.remove(first)
    # then
    entries = list(entries_after(last))
    assert [(e.object_id, e.action, e.changes) for e in entries] == [
        (str(owner_org.pk), "update", {"sources": {"add": sorted([first.pk, second.pk])}}),
        (str(owner_org.pk), "update", {"sources": {"remove": [first.pk]}}),
    ]
    assert all(e.content_type.model_class() is Organisation for e in entries)


# --- passwords ----------------------------------------------------------------------------------------------

PASSWORD = "correct horse battery staple"


@pytest.fixture
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def assert_no_secret(entries: list[AuditEntry], *secrets: str) -> None:
    dumped = json.dumps([e.changes for e in entries], ensure_ascii=False)
    for secret in secrets:
        assert secret not in dumped


def test_the_password_is_masked_on_create_and_on_change(fast_hasher):
    # when
    user = User.objects.create_user("alice", password=PASSWORD)
    first_hash = user.password
    user.set_password(PASSWORD + "!")
    user.save()
    # then
    created, changed = entries_for(user)
    assert created.changes["password"].startswith("sha256:")
    assert [value.startswith("sha256:") for value in changed.changes["password"]] == [True, True]
    assert_no_secret([created, changed], PASSWORD, first_hash, user.password)


def test_the_password_is_masked_on_queryset_update(fast_hasher):
    # given
    user = UserFactory()
    new_hash = make_password(PASSWORD)
    last = last_entry_id()
    # when
    User.objects.filter(pk=user.pk).update(password=new_hash)
    # then
    assert_no_secret(list(entries_after(last)), PASSWORD, new_hash)


def test_the_password_is_masked_on_bulk_update(fast_hasher):
    # given
    user = UserFactory()
    user.password = make_password(PASSWORD)
    last = last_entry_id()
    # when
    User.objects.bulk_update([user], ["password"])
    # then: the old and the new hash are both masked
    [entry] = entries_after(last)
    assert [value.startswith("sha256:") for value in entry.changes["password"]] == [True, True]
    assert_no_secret([entry], PASSWORD, user.password)


# --- fail closed: no context, no write ------------------------------------------------------------------


def _save_changed(org: Organisation) -> None:
    org.name_en = "changed"
    org.save()


def _bulk_update(org: Organisation) -> None:
    org.name_en = "changed"
    Organisation.objects.bulk_update([org], ["name_en"])


def _write_paths() -> dict[str, Callable[[Organisation], Any]]:
    """Every way to write an audited table; each gets the organisation A with one linked source."""
    return {
        "save new": lambda org: OrganisationFactory.build().save(),
        "manager create": lambda org: Organisation.objects.create(
            key="new-u", kind="university", name_ja="新"
        ),
        "save changed": _save_changed,
        "delete": lambda org: org.delete(),
        "queryset update": lambda org: Organisation.objects.filter(pk=org.pk).update(name_en="changed"),
        "queryset delete": lambda org: Organisation.objects.filter(pk=org.pk).delete(),
        "bulk_create": lambda org: Identifier.objects.bulk_create(
            [Identifier(organisation=org, scheme="other", value="x")]
        ),
        "bulk_update": _bulk_update,
        "m2m add": lambda org: org.sources.add(Source.objects.get(code="spare")),
        "m2m remove": lambda org: org.sources.remove(*org.sources.all()),
    }


# Transactional: the writes run in autocommit mode, as in a script, so a write that is not undone stays.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", list(_write_paths()))
def test_a_write_outside_an_audit_context_raises_and_changes_nothing(owner_org, no_audit_context, path):
    # given
    owner_org.sources.add(SourceFactory())
    SourceFactory(code="spare")
    organisation = Organisation.objects.get(pk=owner_org.pk)
    before = table_state()
    # when
    with pytest.raises(AuditContextMissing):
        no_audit_context(_write_paths()[path], organisation)
    # then
    assert table_state() == before


def test_no_audit_context_really_has_no_context(no_audit_context):
    from renkei.core.audit import current_context

    assert current_context().via == Via.TEST
    with pytest.raises(AuditContextMissing):
        no_audit_context(current_context)
