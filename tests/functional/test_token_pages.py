"""The owner's API token page (/account/tokens/): create (the secret shown once), list, revoke; in
Japanese and English."""

from __future__ import annotations

import re

import pytest
from factories import AffiliationFactory, UserFactory
from support.api_tokens import bearer

from renkei.accounts.models import ApiToken
from renkei.core.models import AuditEntry

SECRET = re.compile(r'id="new-token" type="text" readonly value="(rk_[a-z0-9]{10}_[A-Za-z0-9_-]{43})"')


def _create(client, organisation, url="/account/tokens/", **changes):
    data = {
        "name": "学務システム",
        "organisation": organisation.pk,
        "permissions": ["read"],
        "expires_in": 90,
    }
    data.update(changes)
    return client.post(url, data)


def test_signing_in_is_needed(client, db):
    response = client.get("/account/tokens/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_a_token_is_created_shown_once_and_works(client, owner, owner_org):
    client.force_login(owner)
    # when
    created = _create(client, owner_org, permissions=["read", "write"])
    # then
    assert created.status_code == 200
    html = created.content.decode()
    token = SECRET.search(html).group(1)
    assert "一度だけ" in html  # 今だけ表示されることを伝える
    assert "no-store" in created["Cache-Control"]
    row = ApiToken.objects.get()
    assert (row.name, row.organisation_id, row.permissions) == (
        "学務システム",
        owner_org.pk,
        ["read", "write"],
    )
    assert AuditEntry.objects.filter(service="accounts.token_create", via="web").exists()
    # the list shows it again, without its secret
    listed = client.get("/account/tokens/").content.decode()
    assert row.display_prefix in listed
    assert token not in listed
    client.logout()
    assert client.get("/api/v1/programs", headers=bearer(token)).status_code == 200


def test_the_page_speaks_japanese_and_english(client, owner, owner_org):
    client.force_login(owner)
    ja = client.get("/account/tokens/").content.decode()
    en = client.get("/en/account/tokens/").content.decode()
    for text in ("APIトークン", "トークンを作成", "有効期限"):
        assert text in ja
    for text in ("API tokens", "Create a token", "Expires after"):
        assert text in en


@pytest.mark.parametrize(
    ("changes", "field_text"),
    [
        ({"permissions": []}, "このフィールドは必須です"),
        ({"name": ""}, "このフィールドは必須です"),
        ({"expires_in": 1000}, "正しく選択してください"),
    ],
)
def test_a_bad_form_says_what_is_wrong_and_creates_nothing(client, owner, owner_org, changes, field_text):
    client.force_login(owner)
    response = _create(client, owner_org, **changes)
    assert response.status_code == 200
    assert field_text in response.content.decode()
    assert not ApiToken.objects.exists()


def test_only_organisations_where_the_user_holds_a_role_are_offered(client, owner, owner_org, other_org):
    client.force_login(owner)
    page = client.get("/account/tokens/").content.decode()
    assert f'value="{owner_org.pk}"' in page
    assert f'value="{other_org.pk}"' not in page
    # and a forged choice is refused
    response = _create(client, other_org)
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_a_user_without_any_role_is_told_why_there_is_no_form(client, outsider):
    client.force_login(outsider)
    page = client.get("/en/account/tokens/").content.decode()
    assert "You hold no role at any organisation" in page
    assert '<form method="post" class="stacked-form"' not in page


def test_revoking_takes_effect_on_the_next_request(client, owner, owner_org):
    client.force_login(owner)
    token = SECRET.search(_create(client, owner_org).content.decode()).group(1)
    row = ApiToken.objects.get()
    # when
    response = client.post(f"/account/tokens/{row.pk}/revoke/")
    # then
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "失効" in page
    assert client.get("/api/v1/programs", headers=bearer(token)).status_code == 401
    assert AuditEntry.objects.filter(service="accounts.token_revoke").exists()


def test_nobody_sees_or_revokes_another_users_tokens(client, owner, owner_org):
    client.force_login(owner)
    _create(client, owner_org, name="mine")
    row = ApiToken.objects.get()
    other = AffiliationFactory(
        user=UserFactory(username="colleague"), organisation=owner_org, role="admin"
    ).user
    client.force_login(other)
    assert "mine" not in client.get("/account/tokens/").content.decode()
    assert client.post(f"/account/tokens/{row.pk}/revoke/").status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("ja", "トークンが動作する機関を選んでください。トークンは一つの機関（とその部局）に結び付き"),
        ("en", "Choose the organisation the token acts for: a token is bound to one organisation"),
    ],
)
def test_an_unpicked_organisation_is_named_and_explained(client, owner, lang, said):
    client.force_login(owner)
    # when
    url = "/account/tokens/" if lang == "ja" else "/en/account/tokens/"
    data = {"name": "学務システム", "organisation": "", "permissions": ["read"], "expires_in": 90}
    response = client.post(url, data)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert said in html
    assert "This field is required" not in html
    assert "このフィールドは必須です" not in html
    assert not ApiToken.objects.exists()
