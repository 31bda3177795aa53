"""SQLite's write lock: writers wait their turn, and a request that cannot get it in time gets a 503.

Another connection to the test database holds the lock, as a long import would. (The test database is
SQLite's shared-cache in-memory one, where a taken lock answers "database table is locked" at once
instead of after the busy timeout; the waiting is then all ours, which is what these tests are about.
tests/functional/drills/ runs the same on a database file with SQLite's own busy handler.)
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client

from renkei.core.audit import Via, audit_context, in_service
from renkei.organisations.models import Organisation

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's write lock; PostgreSQL has none"
)


class Holder:
    """A second connection that takes the write lock (and optionally a table's lock) and lets it go."""

    def __init__(self) -> None:
        name = connection.settings_dict["NAME"]
        self.db = sqlite3.connect(name, uri=True, isolation_level=None, check_same_thread=False)

    def take(self, *, table: str | None = None) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        if table:  # writing to a table locks it against readers too (shared cache)
            self.db.execute(f"UPDATE {table} SET id = id WHERE 0")

    def release(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def release_after(self, seconds: float) -> threading.Timer:
        timer = threading.Timer(seconds, self.release)
        timer.start()
        return timer


@pytest.fixture
def holder(transactional_db: None) -> Iterator[Holder]:
    holder = Holder()
    try:
        yield holder
    finally:
        holder.release()
        holder.db.close()


@pytest.fixture
def short_waits(settings: Any) -> None:
    settings.WRITE_WAIT = {"request": 0.5, "other": 10.0}


def test_a_transaction_waits_for_the_lock_then_writes(holder, short_waits):
    # given: the lock is taken and let go after 0.8 s
    holder.take()
    timer = holder.release_after(0.8)
    # when: a command writes in a transaction
    start = time.monotonic()
    with audit_context(via=Via.COMMAND), in_service("lock test"), transaction.atomic():
        Organisation.objects.create(key="waited-u", kind="university", name_ja="待った大学")
    waited = time.monotonic() - start
    timer.join()
    # then: it waited its turn instead of failing
    assert waited >= 0.6
    assert Organisation.objects.filter(key="waited-u").exists()


def test_a_single_statement_outside_a_transaction_waits_too(holder, short_waits):
    with audit_context(via=Via.COMMAND), in_service("lock test"):
        organisation = Organisation.objects.create(key="single-u", kind="university", name_ja="一文大学")
    holder.take()
    timer = holder.release_after(0.8)
    with audit_context(via=Via.COMMAND), in_service("lock test"):
        organisation.name_en = "Single University"
        organisation.save()  # an UPDATE in autocommit mode, then its audit entry
    timer.join()
    assert Organisation.objects.get(key="single-u").name_en == "Single University"


def test_a_command_gives_up_when_its_budget_is_spent(holder, settings):
    settings.WRITE_WAIT = {"request": 0.2, "other": 0.6}
    holder.take()
    start = time.monotonic()
    with pytest.raises(Exception, match="is locked"), audit_context(via=Via.COMMAND), transaction.atomic():
        Organisation.objects.create(key="never-u", kind="university", name_ja="無理大学")
    assert 0.5 <= time.monotonic() - start < 5


def signed_in_admin() -> Client:
    from factories import UserFactory

    client = Client(SERVER_NAME="localhost", raise_request_exception=False)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("lang", ["", "/en"])
def test_an_admin_save_that_cannot_get_the_lock_gets_a_503_page(holder, short_waits, lang):
    # given: a signed-in admin, and the lock taken for longer than a request waits
    client = signed_in_admin()
    holder.take()
    # when
    start = time.monotonic()
    response = client.post(
        f"{lang}/admin/organisations/organisation/add/",
        {"key": "busy-u", "kind": "university", "name_ja": "混雑大学"},
    )
    waited = time.monotonic() - start
    # then: a 503 with Retry-After, in the site's style, Japanese first then English; nothing written
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    text = response.content.decode()
    assert 'class="site-header"' in text
    assert text.index("ただいま混み合っています") < text.index("The site is busy")
    assert "30秒ほど待ってから" in text
    assert "Wait about 30 seconds" in text
    assert 0.4 <= waited < 5
    holder.release()
    assert not Organisation.objects.filter(key="busy-u").exists()


@pytest.mark.parametrize(("lang", "detail"), [("ja", "30秒ほど待ってから"), ("en", "Wait about 30 seconds")])
def test_an_api_request_that_meets_the_lock_gets_a_503_problem(holder, short_waits, lang, detail):
    # given: the organisations table is being written
    holder.take(table=Organisation._meta.db_table)
    # when
    response = Client(SERVER_NAME="localhost", raise_request_exception=False).get(
        "/api/v1/organisations", HTTP_ACCEPT_LANGUAGE=lang
    )
    # then
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "30"
    body = json.loads(response.content)
    assert body["status"] == 503
    assert detail in body["detail"]
