"""Keys with dots (units are `<parent>.<unit>`) save in the admin as they import, for every user."""

from __future__ import annotations

import pytest

from renkei.core.keys import KEY_RE
from renkei.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _unit_form(unit: Organisation, **changes: str) -> dict[str, str]:
    data = {
        "key": unit.key,
        "kind": unit.kind,
        "name_ja": unit.name_ja,
        "parent": str(unit.parent_id),
        "country": "JP",
        "identifiers-TOTAL_FORMS": "0", "identifiers-INITIAL_FORMS": "0",
        "identifiers-MIN_NUM_FORMS": "0", "identifiers-MAX_NUM_FORMS": "1000",
        "units-TOTAL_FORMS": "0", "units-INITIAL_FORMS": "0", "units-MIN_NUM_FORMS": "0", "units-MAX_NUM_FORMS": "1000",
        "components-TOTAL_FORMS": "0", "components-INITIAL_FORMS": "0",
        "components-MIN_NUM_FORMS": "0", "components-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    data.update(changes)
    return data


@pytest.mark.parametrize("persona", ["superuser", "owner"])
def test_a_unit_with_a_dotted_key_saves_in_the_admin(request, client, owner_unit, persona) -> None:
    user = request.getfixturevalue(persona)
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.post(
        f"/admin/organisations/organisation/{owner_unit.pk}/change/",
        _unit_form(owner_unit, name_ja="法学部（新）"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Organisation.objects.get(pk=owner_unit.pk).name_ja == "法学部（新）"


def test_a_malformed_key_is_refused_with_the_rule(client, superuser, owner_unit) -> None:
    client.force_login(superuser)
    response = client.post(
        f"/admin/organisations/organisation/{owner_unit.pk}/change/",
        _unit_form(owner_unit, key="Owner U.Law"),
    )
    assert response.status_code == 200
    assert "key" in response.context["adminform"].form.errors
    assert Organisation.objects.get(pk=owner_unit.pk).key == "owner-u.law"


def test_the_admin_refuses_an_organisation_as_its_own_parent(client, superuser, owner_unit) -> None:
    client.force_login(superuser)
    response = client.post(
        f"/admin/organisations/organisation/{owner_unit.pk}/change/",
        _unit_form(owner_unit, parent=str(owner_unit.pk)),
    )
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors


def test_every_demo_key_has_the_one_syntax(demo_loaded) -> None:
    from renkei.networks.models import Body, Network

    for model in (Organisation, Network, Body):
        bad = [key for key in model.objects.values_list("key", flat=True) if not KEY_RE.fullmatch(key)]
        assert bad == [], model.__name__
    # units have dotted keys (UTokyo alone has 34); municipalities are organisations of their own now
    assert Organisation.objects.filter(key__contains=".").count() > 40
