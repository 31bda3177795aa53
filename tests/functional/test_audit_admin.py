"""The admin writes through the same audit log as every other path, and refuses what the policy refuses.

The log itself (every write path, fail closed) is tested in tests/integration/test_audit.py.
"""

from __future__ import annotations

import pytest
from factories import UserFactory
from support.audit import entries_after, entries_for, last_entry_id, table_state

from renkei.core.audit import Via
from renkei.core.models import AuditEntry
from renkei.organisations.models import Affiliation, Organisation

pytestmark = pytest.mark.django_db


def test_admin_forms_raise_no_deprecation_warning(client, superuser, owner_org):
    client.force_login(superuser)
    assert client.get(f"/admin/organisations/organisation/{owner_org.pk}/change/").status_code == 200


@pytest.fixture
def staff_owner(owner):
    owner.is_staff = True
    owner.save()
    return owner


def admin_change_data(organisation: Organisation, **changes: str) -> dict[str, str]:
    fields = [
        "key",
        "kind",
        "code",
        "name_ja",
        "name_en",
        "name_kana",
        "short_name_ja",
        "short_name_en",
        "country",
        "prefecture",
        "municipality_code",
        "address_ja",
        "location_note",
        "website",
        "note_ja",
        "note_en",
    ]
    data = {name: getattr(organisation, name) for name in fields}
    data.update(parent="", latitude="", longitude="", _save="Save")
    for prefix in ("identifiers", "units", "components"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def test_an_admin_change_is_logged_via_admin_as_the_signed_in_user(client, staff_owner, owner_org):
    # given
    client.force_login(staff_owner)
    last = last_entry_id()
    # when
    response = client.post(
        f"/admin/organisations/organisation/{owner_org.pk}/change/",
        admin_change_data(owner_org, name_en="Owner University (renamed)"),
    )
    # then
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = entries_after(last).get(action=AuditEntry.Action.UPDATE)
    assert entry.object_id == str(owner_org.pk)
    assert entry.via == Via.ADMIN
    assert entry.actor == staff_owner
    assert entry.actor_label == "owner"
    assert entry.on_behalf_of_id == owner_org.pk
    assert entry.changes == {"name_en": ["Owner University", "Owner University (renamed)"]}


def test_an_admin_change_in_english_is_logged_via_admin(client, staff_owner, owner_org):
    client.force_login(staff_owner)
    last = last_entry_id()
    response = client.post(
        f"/en/admin/organisations/organisation/{owner_org.pk}/change/",
        admin_change_data(owner_org, name_en="Renamed in English"),
    )
    assert response.status_code == 302
    assert entries_after(last).get(action=AuditEntry.Action.UPDATE).via == Via.ADMIN


def test_the_admin_refuses_a_change_to_another_universitys_record(client, staff_owner, other_org):
    # given
    client.force_login(staff_owner)
    last = last_entry_id()
    before = table_state()
    # when
    response = client.post(
        f"/admin/organisations/organisation/{other_org.pk}/change/",
        admin_change_data(other_org, name_en="Hijacked"),
    )
    # then
    assert response.status_code == 403
    assert Organisation.objects.get(pk=other_org.pk).name_en == "Other University"
    assert not entries_after(last).exists()
    assert table_state() == before


def test_the_admin_refuses_to_add_a_top_level_organisation_for_an_editor(client, staff_owner):
    # given
    client.force_login(staff_owner)
    count = Organisation.objects.count()
    new = Organisation(key="rogue-u", kind="university", name_ja="不正大学", country="JP")
    # when
    response = client.post("/admin/organisations/organisation/add/", admin_change_data(new))
    # then
    assert response.status_code == 403
    assert Organisation.objects.count() == count
    assert not Organisation.objects.filter(key="rogue-u").exists()


def test_the_audit_log_is_read_only_in_the_admin(client, superuser, owner_org):
    client.force_login(superuser)
    entry = entries_for(owner_org).get()
    assert client.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 200
    assert client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_superuser_is_recorded_as_the_actor_of_an_affiliation_they_grant(client, superuser, owner_org):
    # given
    client.force_login(superuser)
    user = UserFactory(username="new-editor")
    last = last_entry_id()
    # when
    response = client.post(
        "/admin/organisations/affiliation/add/",
        {"user": user.pk, "organisation": owner_org.pk, "role": "editor", "_save": "Save"},
    )
    # then
    assert response.status_code == 302
    affiliation = Affiliation.objects.get(user=user)
    entry = entries_after(last).get()
    assert (entry.object_id, entry.action, entry.via, entry.actor) == (
        str(affiliation.pk),
        "create",
        Via.ADMIN,
        superuser,
    )
