"""A signed agreement version cannot change through the admin, the API or an import (the service,
model and queryset paths: tests/integration/partnerships/test_partnership_agreements.py)."""

from __future__ import annotations

import pytest
from support.admin_forms import admin_url, form_data

from renkei.importing.planning import plan_import
from renkei.importing.problems import ImportRejected
from renkei.importing.spec import get_importer
from renkei.partnerships.models import AgreementParty, AgreementVersion, CooperationCondition


@pytest.fixture
def signed(demo_loaded):
    return AgreementVersion.objects.get(agreement__key="sample-utokyo-snu-exchange", number=1)


def test_the_admin_shows_a_signed_version_read_only_and_changes_nothing(client, superuser, signed) -> None:
    client.force_login(superuser)
    url = admin_url(signed, "change")
    page = client.get(url)
    assert 'name="scope_ja"' not in page.content.decode()  # read-only: no input to change
    data = form_data(page)
    data["scope_ja"] = "書き換え"
    data["valid_until"] = "2040-03-31"
    client.post(url, data)
    signed.refresh_from_db()
    assert signed.scope_ja == "学部・大学院学生の交換留学"
    assert str(signed.valid_until) == "2028-03-31"
    # its parties and conditions cannot be edited or deleted either
    party = AgreementParty.objects.filter(version=signed).first()
    assert client.post(admin_url(party, "delete"), {"post": "yes"}).status_code == 403
    condition = CooperationCondition.objects.filter(version=signed).first()
    assert client.post(admin_url(condition, "delete"), {"post": "yes"}).status_code == 403
    assert client.post(admin_url(signed, "delete"), {"post": "yes"}).status_code == 403
    assert AgreementVersion.objects.filter(pk=signed.pk).exists()


def test_the_api_offers_no_way_to_change_a_version(client, superuser, signed) -> None:
    client.force_login(superuser)
    url = f"/api/v1/partnerships/agreements/{signed.agreement.key}"
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(url, data="{}", content_type="application/json")
        assert response.status_code == 405
    signed.refresh_from_db()
    assert signed.status == "in_effect"


def test_an_import_that_changes_a_signed_version_is_refused(signed, superuser) -> None:
    csv = (
        "agreement,number,valid_until,scope_ja\r\nsample-utokyo-snu-exchange,1,2040-03-31,書き換え\r\n"
    ).encode()
    with pytest.raises(ImportRejected) as refused:
        plan_import(get_importer("agreement_versions"), csv, filename="versions.csv", user=superuser)
    assert any("署名済みの版は変更できません" in line for line in refused.value.lines("ja"))
    assert any("signed version cannot be changed" in line for line in refused.value.lines("en"))
    signed.refresh_from_db()
    assert str(signed.valid_until) == "2028-03-31"


def test_an_import_may_add_a_draft_version(signed, superuser) -> None:
    from renkei.importing.applying import apply_plan

    csv = "agreement,number,change,valid_from,valid_until\r\nsample-utokyo-snu-exchange,2,renewal,2028-04-01,2033-03-31\r\n"
    plan = plan_import(get_importer("agreement_versions"), csv.encode(), filename="v.csv", user=superuser)
    apply_plan(plan, actor=superuser)
    new = AgreementVersion.objects.get(agreement__key="sample-utokyo-snu-exchange", number=2)
    assert new.status == "draft"
