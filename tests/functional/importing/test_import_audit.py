"""What an import leaves in the audit log: old and new values of every change, like a single save, on
behalf of the editor's organisation (the audit context's), never of the row that was written."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from factories import MembershipFactory, NetworkFactory, OrganisationFactory
from support.import_files import ORG_HEADER, csv_bytes, org_row
from test_import_views import job_id_of, upload

from renkei.core.audit import Via, audit_context
from renkei.core.models import AuditEntry
from renkei.importing import apply_plan, get_importer, plan_import
from renkei.networks.models import Membership
from renkei.organisations.models import Organisation


def entries_after(last: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(id__gt=last).order_by("id"))


def last_entry_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def plan_for(rows: list[list[Any]], user: Any = None) -> Any:
    return plan_import(get_importer("organisations"), csv_bytes(rows), filename="o.csv", user=user)


def test_an_update_records_the_old_and_the_new_value(owner_org: Any) -> None:
    # given
    plan = plan_for([["key", "name_en", "prefecture"], ["owner-u", "Renamed University", "宮城県"]])
    last = last_entry_id()
    # when
    apply_plan(plan)
    # then: one entry, as a save in the admin would write it (no timestamps)
    [entry] = entries_after(last)
    assert (entry.action, entry.object_id) == ("update", str(owner_org.pk))
    assert entry.changes == {"name_en": ["Owner University", "Renamed University"], "prefecture": ["", "04"]}


def test_the_entries_are_on_behalf_of_the_audit_contexts_organisation(owner_org: Any, other_org: Any) -> None:
    # given: an editor acting for another organisation than the rows' own
    plan = plan_for([ORG_HEADER, org_row("owner-u", name_en="Renamed"), org_row("new-u")])
    last = last_entry_id()
    # when
    with audit_context(via=Via.WEB, on_behalf_of=other_org):
        apply_plan(plan, via=Via.WEB)
    # then: every entry, creation and update, names the context's organisation
    entries = entries_after(last)
    assert {e.action for e in entries} == {"create", "update"}
    assert {e.on_behalf_of_id for e in entries} == {other_org.pk}


def test_apply_plan_records_the_organisation_it_is_given(owner_org: Any, other_org: Any) -> None:
    plan = plan_for([["key", "name_en"], ["owner-u", "Renamed University"]])
    last = last_entry_id()
    apply_plan(plan, via=Via.COMMAND, on_behalf_of=other_org.pk)
    assert [e.on_behalf_of_id for e in entries_after(last)] == [other_org.pk]


def test_without_an_organisation_each_entry_names_its_rows_organisation(owner_org: Any) -> None:
    plan = plan_for([ORG_HEADER, org_row("a-u"), org_row("a-u.x", kind="faculty", parent="a-u")])
    last = last_entry_id()
    apply_plan(plan)
    created = Organisation.objects.get(key="a-u")
    assert {e.on_behalf_of_id for e in entries_after(last)} == {created.pk}


def test_a_web_import_is_recorded_on_behalf_of_the_editors_organisation(client: Any, owner: Any) -> None:
    # given: the editor's university serves as a network's secretariat, so they may register a new
    # top-level organisation (whose own organisation is itself)
    owner_org = Organisation.objects.get(key="owner-u")
    MembershipFactory(network=NetworkFactory(), organisation=owner_org, role=Membership.Role.SECRETARIAT)
    client.force_login(owner)
    job_id = job_id_of(upload(client, csv_bytes([ORG_HEADER, org_row("joining-u")])))
    last = last_entry_id()
    # when
    client.post(reverse("portal:import-confirm", args=[job_id]))
    # then
    created = Organisation.objects.get(key="joining-u")
    [entry] = entries_after(last)
    assert (entry.action, entry.object_id, entry.via, entry.actor_id) == ("create", str(created.pk), Via.WEB,
                                                                          owner.pk)  # fmt: skip
    assert entry.on_behalf_of_id == owner_org.pk


def test_an_editor_of_several_universities_acts_for_each_rows_own(client: Any, owner: Any) -> None:
    # given: the editor is also an editor elsewhere, so no single organisation is theirs
    from factories import AffiliationFactory

    second = OrganisationFactory(key="second-u")
    AffiliationFactory(user=owner, organisation=second, role="editor")
    client.force_login(owner)
    job_id = job_id_of(upload(client, csv_bytes([["key", "name_en"], ["second-u", "Second"]])))
    last = last_entry_id()
    # when
    client.post(reverse("portal:import-confirm", args=[job_id]))
    # then
    assert [e.on_behalf_of_id for e in entries_after(last)] == [second.pk]
