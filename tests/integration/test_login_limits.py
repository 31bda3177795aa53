"""Limits on guessing passwords: per account and per address, refused with a message, logged, lifted.

Through the admin's real login form (the test client posts it as a browser does, from an address).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.db.models import F
from django.test import Client

from renkei.accounts import login_limits
from renkei.accounts.models import LoginFailure

PASSWORD = "correct-horse-battery"
ATTACKER = "203.0.113.9"
JA_PAUSED = "ログインを一時的に止めています"
EN_PAUSED = "signing in is paused"


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    """The tests sign in about eighty times; the real hasher takes a good fraction of a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def person(db: None) -> Any:
    from factories import UserFactory

    user = UserFactory(username="hanako", is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(username: str, password: str, *, address: str = ATTACKER, lang: str = "") -> Any:
    client = Client(SERVER_NAME="localhost", REMOTE_ADDR=address)
    return client.post(
        f"{lang}/admin/login/", {"username": username, "password": password, "next": "/admin/"}
    )


def signed_in(response: Any) -> bool:
    return response.status_code == 302 and response.url == "/admin/"


def age_failures(minutes: int) -> None:
    """Move every recorded failure `minutes` into the past, as if that much time had gone by."""
    LoginFailure.objects.update(at=F("at") - dt.timedelta(minutes=minutes))


def test_ten_failures_for_an_account_refuse_the_eleventh_attempt_even_with_the_right_password(person, caplog):
    # given: ten wrong passwords for one account, from ten different addresses
    for i in range(10):
        response = sign_in("hanako", f"wrong-{i}", address=f"198.51.100.{i + 1}")
        assert response.status_code == 200
        assert JA_PAUSED not in response.content.decode()
    # when: the right password, from an address that never failed
    with caplog.at_level(logging.INFO, logger="renkei.security"):
        response = sign_in("hanako", PASSWORD, address="192.0.2.50")
    # then: refused, with a message in Japanese that says until when, and logged
    assert not signed_in(response)
    page = response.content.decode()
    assert JA_PAUSED in page
    assert "このアカウント" in page
    assert "以降に" in page
    assert any(
        r.levelno == logging.WARNING and "Refused sign-in for 'hanako'" in r.getMessage()
        for r in caplog.records
    )
    # and the English login page says it in English
    english = sign_in("hanako", PASSWORD, address="192.0.2.50", lang="/en").content.decode()
    assert "Too many failed sign-ins for this account" in english
    assert EN_PAUSED in english


def test_the_account_is_counted_whatever_the_case_or_width_of_its_name(person):
    for name in ["HANAKO", "Hanako", "ｈａｎａｋｏ", "hanako ", "hAnAkO"] * 2:
        sign_in(name, "wrong", address="198.51.100.7")
    assert not signed_in(sign_in("hanako", PASSWORD, address="192.0.2.50"))


def test_nine_failures_still_let_the_right_password_in(person):
    for i in range(9):
        sign_in("hanako", f"wrong-{i}")
    assert signed_in(sign_in("hanako", PASSWORD))


def test_after_the_window_the_account_may_sign_in_again(person):
    # given: an account refused after ten failures
    for i in range(10):
        sign_in("hanako", f"wrong-{i}")
    assert not signed_in(sign_in("hanako", PASSWORD))
    # when: 14 minutes later it is still refused; 16 minutes later it is not
    age_failures(14)
    assert not signed_in(sign_in("hanako", PASSWORD))
    age_failures(2)
    # then
    assert signed_in(sign_in("hanako", PASSWORD))


def test_ten_failures_from_one_address_refuse_any_account_from_it(person):
    # given: one address tried ten different account names (password spraying)
    for i in range(10):
        sign_in(f"someone-{i}", "Spring2026!", address=ATTACKER)
    # when: a real account with its right password, from that address
    refused = sign_in("hanako", PASSWORD, address=ATTACKER)
    # then: refused there, with the address message; the same account from elsewhere signs in
    page = refused.content.decode()
    assert not signed_in(refused)
    assert JA_PAUSED in page
    assert "このネットワーク" in page
    assert signed_in(sign_in("hanako", PASSWORD, address="192.0.2.50"))


def test_an_ipv6_client_is_counted_per_64_block(person):
    for i in range(10):
        sign_in(f"someone-{i}", "wrong", address=f"2001:db8:1:2::{i + 1:x}")
    assert not signed_in(sign_in("hanako", PASSWORD, address="2001:db8:1:2:ffff::1"))
    assert signed_in(sign_in("hanako", PASSWORD, address="2001:db8:1:3::1"))


def test_failures_are_logged_and_old_ones_are_dropped(person, caplog):
    # given: a failure from two days ago
    sign_in("hanako", "wrong")
    age_failures(2 * 24 * 60)
    # when
    with caplog.at_level(logging.INFO, logger="renkei.security"):
        sign_in("hanako", "wrong-again", address="198.51.100.3")
    # then: logged; the old row is gone, the new one kept
    assert any("Failed sign-in for 'hanako' from 198.51.100.3" in r.getMessage() for r in caplog.records)
    assert list(LoginFailure.objects.values_list("address", flat=True)) == ["198.51.100.3"]


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(settings):
    from django.test import RequestFactory

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.8")
    assert login_limits.client_address(request) == "10.0.0.2"
    settings.BEHIND_PROXY = True
    assert login_limits.client_address(request) == "198.51.100.8"


@pytest.mark.parametrize(
    ("address", "counted"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("", ""),
        ("not an address", "not an address"),
    ],
)
def test_address_keys(address, counted):
    assert login_limits.address_key(address) == counted
