"""The admin's forms refuse numbers beyond a field's range (the rule stated on the field)."""

from __future__ import annotations

import pytest

from renkei.catalog.models import Program


@pytest.mark.django_db
def test_the_admin_form_refuses_a_number_out_of_range(client, superuser, owner_org) -> None:
    client.force_login(superuser)
    response = client.post(
        "/admin/catalog/program/add/",
        {"provider": owner_org.pk, "code": "ADM", "status": "draft", "title_ja": "講座", "kind": "course",
         "audiences": "[]", "mode": "onsite", "language": "ja", "capacity": str(2**31),
         "runs-TOTAL_FORMS": "0", "runs-INITIAL_FORMS": "0", "runs-MIN_NUM_FORMS": "0", "runs-MAX_NUM_FORMS": "1000"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "capacity" in response.context["adminform"].form.errors
    assert not Program.objects.filter(code="ADM").exists()
