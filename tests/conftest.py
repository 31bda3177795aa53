"""Fixtures shared by every test: an audit context, personas on a real database, the demo registry.

Personas (see docs: architecture, "Tests"):

- ``owner``: editor at university A (``owner-u``), which has a unit (``owner_unit``)
- ``viewer``: viewer at A; ``org_admin``: administrator at A
- ``other_org_editor``: editor at university B (``other-u``)
- ``outsider``: signed in, no affiliation; ``anonymous``: not signed in
- ``secretariat``: staff of network N (``network``), in which A and B are members
- ``superuser``

The tests are in tiers (tests/unit, integration, functional, browser; see tests/support/tiers.py).
The fixtures of the catalog, import and taxonomy tests live in tests/support/ and are loaded below for
every tier. Django and the models are imported inside the fixtures, so the pure unit tests (text, dates)
can still run with ``-p no:django``.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from renkei.core.audit import Via, audit_context

pytest_plugins = [
    "support.tiers",
    "support.catalog",
    "support.imports",
    "support.matching",
    "support.taxonomy",
    "support.api_tokens",
]


@pytest.fixture(autouse=True)
def _test_audit_context() -> Iterator[None]:
    """Every test runs in an audit context (via 'test'), so factories and services may write."""
    with audit_context(via=Via.TEST, label="test"):
        yield


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language (Japanese): the test client's LocaleMiddleware leaves
    the language of the last request (e.g. /en/) active in the thread."""
    from django.conf import settings

    if not settings.configured:  # pure unit tests run with -p no:django
        yield
        return
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def no_audit_context() -> Callable[..., Any]:
    """``no_audit_context(fn, *args)`` runs ``fn`` with no audit context at all, like a script that
    forgot to open one. It runs in a fresh, empty ``contextvars.Context``; the database connection is
    thread-local, so it is the same connection (and transaction) as the test's."""

    def run(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        return contextvars.Context().run(fn, *args, **kwargs)

    return run


@pytest.fixture
def client() -> Any:
    """The Django test client, on a host the settings allow by default (not only 'testserver')."""
    from django.test import Client

    return Client(SERVER_NAME="localhost")


# --- organisations and networks of the personas ----------------------------------------------------


@pytest.fixture
def owner_org(db: None) -> Any:
    from factories import OrganisationFactory

    return OrganisationFactory(key="owner-u", name_ja="所有大学", name_en="Owner University")


@pytest.fixture
def owner_unit(owner_org: Any) -> Any:
    from factories import UnitFactory

    return UnitFactory(
        parent=owner_org, key="owner-u.law", code="法", name_ja="法学部", name_en="Faculty of Law"
    )


@pytest.fixture
def other_org(db: None) -> Any:
    from factories import OrganisationFactory

    return OrganisationFactory(key="other-u", name_ja="他大学", name_en="Other University")


@pytest.fixture
def network(owner_org: Any, other_org: Any) -> Any:
    """Network N: A and B are current members."""
    from factories import MembershipFactory, NetworkFactory

    network = NetworkFactory(key="network-n", name_ja="ネットワークN", name_en="Network N")
    MembershipFactory(network=network, organisation=owner_org)
    MembershipFactory(network=network, organisation=other_org)
    return network


@pytest.fixture
def other_network(db: None) -> Any:
    """Network M: neither A nor B belongs to it."""
    from factories import MembershipFactory, NetworkFactory

    network = NetworkFactory(key="network-m", name_ja="ネットワークM", name_en="Network M")
    MembershipFactory(network=network)
    return network


# --- personas ------------------------------------------------------------------------------------------


def _affiliated(organisation: Any, role: str, username: str) -> Any:
    from factories import AffiliationFactory, UserFactory

    return AffiliationFactory(user=UserFactory(username=username), organisation=organisation, role=role).user


@pytest.fixture
def owner(owner_org: Any, owner_unit: Any) -> Any:
    return _affiliated(owner_org, "editor", "owner")


@pytest.fixture
def viewer(owner_org: Any, owner_unit: Any) -> Any:
    return _affiliated(owner_org, "viewer", "viewer")


@pytest.fixture
def org_admin(owner_org: Any, owner_unit: Any) -> Any:
    return _affiliated(owner_org, "admin", "org-admin")


@pytest.fixture
def other_org_editor(other_org: Any) -> Any:
    return _affiliated(other_org, "editor", "other-editor")


@pytest.fixture
def outsider(db: None) -> Any:
    from factories import UserFactory

    return UserFactory(username="outsider")


@pytest.fixture
def anonymous() -> Any:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def secretariat(network: Any) -> Any:
    """Named secretariat staff of network N, with no affiliation of their own."""
    from factories import NetworkStaffFactory, UserFactory

    return NetworkStaffFactory(network=network, user=UserFactory(username="secretariat")).user


@pytest.fixture
def superuser(db: None) -> Any:
    from factories import UserFactory

    return UserFactory(username="root", is_superuser=True, is_staff=True)


# --- the demo registry ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _demo_database(django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
    """Load the demo once per module inside an outer transaction that is rolled back at the end.

    Each test's own transaction (the ``db`` fixture) nests inside it as a savepoint, as with Django's
    ``TestCase.setUpTestData``; nothing is committed, so other modules never see the demo rows.
    """
    from django.db import transaction

    from renkei.demo.loader import load_demo

    stack = ExitStack()
    with django_db_blocker.unblock():
        stack.enter_context(transaction.atomic())
        stack.callback(transaction.set_rollback, True)
        try:
            report = load_demo()
        except BaseException:
            stack.close()
            raise
    try:
        yield report
    finally:
        with django_db_blocker.unblock():
            stack.close()


@pytest.fixture
def demo_loaded(_demo_database: Any, db: None) -> Any:
    """The demo registry of the four source documents; the value is the first load's LoadReport."""
    return _demo_database
