"""The one write path, as a gate: every admin page and every other route writes through services.

Each admin page (and each inline on it) is driven through a real request as a superuser: its change
form is submitted back as the browser would send it, an inline row is deleted through the parent's
form, and a row is deleted through the delete page and the bulk delete action. An audited write that
no service made raises `WriteOutsideService` (renkei.core.audit), which the test client re-raises, so
a `save_model`, `save_formset`, `delete_model` or `delete_queryset` that writes around the services
fails here. Every entry the requests leave must name the service that made it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from factories import (
    AffiliationFactory,
    AgendaItemFactory,
    MeetingFactory,
    NetworkStaffFactory,
    PostFactory,
    UserFactory,
)
from support.admin_forms import admin_url, form_data

from renkei.core.models import AuditEntry
from renkei.core.services import registered_writes
from renkei.organisations.models import Organisation

# the audit log, and other packages' admin pages (read-only; superusers only, see the authorisation matrix)
READ_ONLY = {AuditEntry} | {m for m in admin.site._registry if not m.__module__.startswith("renkei.")}


@pytest.fixture
def world(demo_loaded: Any) -> dict[type[models.Model], models.Model]:
    """The demo registry and sample catalog, plus a row of every model the demo does not fill."""
    from renkei.networks.models import Attendance, Body, Decision, Tenure
    from renkei.organisations.models import Person

    body = Body.objects.first()
    university = Organisation.objects.filter(parent__isnull=True, kind="university").first()
    person = Person.objects.create(name_ja="試験 太郎", organisation=university)
    post = PostFactory(body=body)
    meeting = MeetingFactory(body=body, held_on=dt.date(2024, 6, 1))
    item = AgendaItemFactory(meeting=meeting)
    Attendance.objects.create(meeting=meeting, organisation=university, attendees=2)
    decision = Decision.objects.create(meeting=meeting, agenda_item=item, text_ja="承認した。")
    Tenure.objects.create(post=post, person=person, on_behalf_of=university, selected_by=decision)
    AffiliationFactory(organisation=university, user=UserFactory(username="member"))
    NetworkStaffFactory(network=body.network, user=UserFactory(username="staff"))
    _open_agreement(university)
    rows = {}
    for model in admin.site._registry:
        rows[model] = model._default_manager.order_by("-pk").first()
    return rows


def _open_agreement(university: Any) -> None:
    """An agreement still in draft, with a party, a condition and an alert (the demo's newest agreement
    rows are signed, and a signed version is neither changed nor deleted: tests/integration/partnerships)."""
    from renkei.partnerships import models as pm

    partner = Organisation.objects.get(key="tum")
    agreement = pm.Agreement.objects.create(
        key="draft-agreement", owner=university, kind="research", title_ja="草案"
    )
    version = pm.AgreementVersion.objects.create(
        agreement=agreement, number=1, valid_from=dt.date(2030, 4, 1)
    )
    pm.AgreementParty.objects.create(version=version, organisation=partner)
    pm.CooperationCondition.objects.create(
        version=version,
        mobility_type="student-studies",
        sending_hei=university,
        receiving_hei=partner,
        receiving_first_academic_year_id="2030/2031",
    )
    pm.AgreementAlert.objects.create(
        version=version, lead_days=30, due_on=dt.date(2031, 3, 31), sent_on=dt.date(2031, 3, 1)
    )  # fmt: skip


def _admins() -> list[Any]:
    return [
        pytest.param(model, id=model.__name__) for model in admin.site._registry if model not in READ_ONLY
    ]


def _new_entries_name_their_service(since: int) -> None:
    entries = AuditEntry.objects.filter(pk__gt=since)
    assert not entries.filter(service="").exists(), list(
        entries.filter(service="").values("via", "object_repr")
    )


def test_every_admin_and_inline_model_has_registered_services() -> None:
    writes = registered_writes()
    for model, model_admin in admin.site._registry.items():
        if model in READ_ONLY:
            continue
        assert model in writes, f"{model.__name__} has an admin page but no services"
        for inline in model_admin.inlines:
            assert inline.model in writes, f"{inline.model.__name__} has an inline but no services"


@pytest.mark.parametrize("model", _admins())
def test_an_admin_change_form_saves_through_the_services(client, superuser, world, model) -> None:
    # given: a stored row and its change form, as the browser shows it
    obj = world[model]
    assert obj is not None, f"no {model.__name__} to edit"
    client.force_login(superuser)
    url = admin_url(obj, "change")
    data = form_data(client.get(url))
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    # when: it is submitted back, with the first row of each inline deleted
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    for inline_prefix in sorted({k.rsplit("-", 2)[0] for k in data if k.endswith("-0-id")}):
        again = form_data(client.get(url))
        if f"{inline_prefix}-0-id" in again:
            again[f"{inline_prefix}-0-DELETE"] = "on"
            response = client.post(url, again)
            assert response.status_code in (200, 302)
    # then: every write was made, and named, by a service
    _new_entries_name_their_service(last)


@pytest.mark.parametrize("model", _admins())
def test_admin_deletions_go_through_the_services(client, superuser, world, model) -> None:
    # given: the newest row of the model
    obj = world[model]
    client.force_login(superuser)
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    # when: it is deleted on its delete page, and another row through the bulk action
    response = client.post(admin_url(obj, "delete"), {"post": "yes"})
    assert response.status_code in (200, 302)  # 200: the page says which related rows protect it
    other = model._default_manager.exclude(pk=obj.pk).order_by("pk").first()
    if other is not None:
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        client.post(changelist, {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"})
    # then
    _new_entries_name_their_service(last)


def _routes(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def test_every_other_route_writes_only_through_services(client, superuser, world) -> None:
    """A POST to every page and API route without arguments, as a superuser: whatever they write
    is made by a service (the import pages are driven end to end by tests/imports)."""
    client.force_login(superuser)
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    posted = 0
    for route, _pattern in _routes(get_resolver()):
        if "<" in route or route.startswith(("admin/", "en/admin/")) or "(?P<" in route:
            continue
        path = "/" + route.replace("^", "").replace("$", "").replace("\\Z", "")
        client.post(path, {})
        posted += 1
    assert posted >= 5
    _new_entries_name_their_service(last)
