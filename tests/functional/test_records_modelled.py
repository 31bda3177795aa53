"""Records modelled as the world is (issue 10): the municipalities of Yamagata are local governments of
their own, located in 山形県 rather than units of it; founding dates keep the precision the seed states."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from support.html import texts

from renkei.networks.models import Membership
from renkei.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_municipalities_are_organisations_located_in_their_prefecture(client, demo_loaded):
    municipalities = Organisation.objects.filter(kind="municipality", prefecture="06")
    assert municipalities.count() == 35
    assert not municipalities.filter(parent__isnull=False).exists()
    assert set(municipalities.values_list("key", flat=True)) >= {"yamagata-city", "tozawa-village"}
    # when
    html = client.get("/organisations/yamagata-city/").content.decode()
    # then: a local government with its code, located in the prefecture (a link, not a parent)
    assert "地方公共団体" in html
    assert "06201" in html
    assert re.search(r'所在</dt><dd><a href="/organisations/yamagata-pref/">山形県</a>', html)
    assert "Part of" not in html
    assert "所属" not in texts(html, "dt")


def test_the_prefecture_page_lists_its_local_governments_not_units(client, demo_loaded):
    html = client.get("/organisations/yamagata-pref/").content.decode()
    assert 'id="units"' not in html
    assert (
        len(re.findall(r'<li><a href="/organisations/[a-z-]+/"><span class="unit-code">06\d{3}</span>', html))
        == 35
    )
    # the prefecture's own membership, once (no longer repeated for 35 units)
    assert html.count('href="/networks/yamagata-platform/"') == 1


def test_municipalities_appear_in_the_organisation_list(client, demo_loaded):
    keys = set()
    for page in (1, 2, 3, 4):
        html = client.get("/organisations/", {"page": page}).content.decode()
        keys |= set(re.findall(r'href="/organisations/([^"/]+)/"', html))
    assert "yamagata-city" in keys
    assert "yamagata-pref" in keys


def test_old_unit_style_keys_redirect(client, demo_loaded):
    response = client.get("/organisations/yamagata-pref.tsuruoka-city/")
    assert response.status_code == 301
    assert response["Location"] == "/organisations/tsuruoka-city/"
    assert client.get("/organisations/yamagata-pref.nowhere/").status_code == 404


def test_the_platform_still_counts_35_municipal_members(demo_loaded):
    members = Membership.objects.filter(network__key="yamagata-platform", organisation__kind="municipality")
    assert members.count() == 35


def test_the_migration_moves_municipalities_out_from_under_their_prefecture(db):
    from importlib import import_module

    from factories import OrganisationFactory, UnitFactory

    migration = import_module("renkei.organisations.migrations.0003_municipalities_stand_alone")
    pref = OrganisationFactory(key="test-pref", kind="prefecture", prefecture="31")
    town = UnitFactory(key="test-pref.some-town", parent=pref, kind="municipality", prefecture="31")
    taken = UnitFactory(key="test-pref.clash", parent=pref, kind="municipality", prefecture="31")
    OrganisationFactory(key="clash")
    faculty = UnitFactory(parent=pref)  # not a municipality: stays a unit
    # when
    migration.forwards(apps, None)
    # then
    town.refresh_from_db(), taken.refresh_from_db(), faculty.refresh_from_db()
    assert (town.key, town.parent_id) == ("some-town", None)
    assert (taken.key, taken.parent_id) == ("test-pref.clash", None)  # its short key is taken: kept
    assert faculty.parent_id == pref.pk
    # and back
    migration.backwards(apps, None)
    town.refresh_from_db()
    assert (town.key, town.parent_id) == ("test-pref.some-town", pref.pk)


def test_a_month_precise_founding_date_stays_a_month(client, demo_loaded):
    body = client.get("/api/v1/networks/yamagata-platform").json()
    assert (body["founded_on"], body["founded_precision"]) == ("2022-10", "month")
    html = client.get("/networks/yamagata-platform/").content.decode()
    assert "令和4年10月（2022年）設立" in html
    assert "10月1日" not in html
