"""Admin pages of the catalog open, and a program saved in the admin is searchable at once."""

from __future__ import annotations

import pytest

from renkei.catalog.models import Program
from renkei.catalog.selectors import program_search

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["program", "programrun", "teachingcontent", "jointcurriculum", "curriculumunit"]
)
def test_admin_pages_open(client, superuser, owner_org, make_program, model):
    make_program(owner_org, "A", title_ja="管理画面の講座")
    client.force_login(superuser)
    assert client.get(f"/admin/catalog/{model}/").status_code == 200
    assert client.get(f"/admin/catalog/{model}/add/").status_code == 200
    assert client.get(f"/admin/catalog/{model}/", {"q": "講座"}).status_code == 200


def test_a_program_saved_in_the_admin_is_indexed(client, superuser, owner_org):
    client.force_login(superuser)
    data = {
        "provider": owner_org.pk,
        "code": "ADM-1",
        "status": "published",
        "title_ja": "管理画面から登録した講座",
        "kind": "course",
        "audiences": "[]",
        "mode": "onsite",
        "language": "ja",
        "runs-TOTAL_FORMS": "1",
        "runs-INITIAL_FORMS": "0",
        "runs-MIN_NUM_FORMS": "0",
        "runs-MAX_NUM_FORMS": "1000",
        "runs-0-starts_on": "2030-04-01",
    }
    response = client.post("/admin/catalog/program/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    result = program_search(user=None, query="管理画面")
    assert [p.code for p in result.items] == ["ADM-1"]
    assert result.facet("start").values[0].value == "2030-04"


def test_publish_action(client, superuser, owner_org, make_program):
    program = make_program(owner_org, "D", title_ja="下書き講座", status="draft")
    client.force_login(superuser)
    client.post("/admin/catalog/program/", {"action": "make_published", "_selected_action": [program.pk]})
    assert Program.objects.get(pk=program.pk).status == "published"
    assert program_search(user=None, query="下書き").total == 1


def test_an_editor_cannot_change_another_providers_program(client, other_org_editor, owner_org, make_program):
    program = make_program(owner_org, "X")
    other_org_editor.is_staff = True
    other_org_editor.save()
    client.force_login(other_org_editor)
    page = client.get(f"/admin/catalog/program/{program.pk}/change/")
    assert page.status_code == 200  # a published program may be seen, read-only
    assert 'name="_save"' not in page.content.decode()
    response = client.post(f"/admin/catalog/program/{program.pk}/change/", {"title_ja": "乗っ取り"})
    assert response.status_code == 403
    assert Program.objects.get(pk=program.pk).title_ja == "講座 X"
