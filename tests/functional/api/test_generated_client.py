"""A client generated from the live OpenAPI document (openapi-python-client, offline, into a temporary
folder) lists programs, follows the pages, creates a program and changes it, with an API token.

The generated client speaks HTTP through httpx; here httpx hands each request to the WSGI application
in this process (`httpx.WSGITransport`), so the test database is the test's own. As Django's test client
does, the requests leave the test's connection open (Django closes a connection at the end of a
request when it is not in autocommit mode, and the test's transaction is not).
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from renkei.catalog.models import Program
from renkei.wsgi import application

PACKAGE = "renkei_generated_client"


@pytest.fixture
def in_process() -> Iterator[httpx.WSGITransport]:
    """An httpx transport to the WSGI application that keeps the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield httpx.WSGITransport(app=application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def generated(client, tmp_path: Path) -> Iterator[ModuleType]:
    """The client package generated from the document the API serves now."""
    document = tmp_path / "openapi.json"
    document.write_bytes(client.get("/api/v1/openapi.json").content)
    config = tmp_path / "config.yml"
    config.write_text("post_hooks: []\n")  # no formatter run: nothing but the generator itself
    run = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(document), "--meta", "none",
         "--output-path", str(tmp_path / PACKAGE), "--config", str(config)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr  # every operation was generated
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _module(package: ModuleType, name: str) -> ModuleType:
    return importlib.import_module(f"{package.__name__}.{name}")


def test_a_generated_client_lists_pages_creates_and_updates_a_program(
    generated, in_process, owner, owner_org, api_token, make_program, concepts
):
    # given: seven published programs, and a client with a token of an editor of their provider
    for n in range(7):
        make_program(owner_org, f"LIST-{n}", title_ja=f"一覧講座{n}")
    api = generated.AuthenticatedClient(
        base_url="http://localhost",
        token=api_token(owner, owner_org),
        httpx_args={"transport": in_process},
    )
    programs_list = _module(generated, "api.catalog.programs_list")
    programs_create = _module(generated, "api.catalog.programs_create")
    programs_update = _module(generated, "api.catalog.programs_update")
    models = _module(generated, "models")
    # when: it lists, following `next` page after page
    codes, cursor, pages = [], generated.types.UNSET, 0
    while True:
        page = programs_list.sync(client=api, limit=3, cursor=cursor)
        assert isinstance(page, models.ProgramSearchOut), page
        codes += [item.code for item in page.items]
        pages += 1
        if not page.next_:
            break
        cursor = parse_qs(urlsplit(page.next_).query)["cursor"][0]
    # then
    assert pages == 3
    assert sorted(codes) == [f"LIST-{n}" for n in range(7)]
    assert page.total == 7
    # when: it creates a program, then changes it
    created = programs_create.sync(
        client=api,
        body=models.ProgramIn(
            provider="owner-u",
            code="GEN-1",
            title_ja="生成クライアント講座",
            fields=["f-info"],
            audiences=[models.ProgramInAudiencesItem("working_adults")],
            fee_yen=5000,
        ),
        idempotency_key="gen-1",
    )
    changed = programs_update.sync(
        client=api,
        provider_key="owner-u",
        code="GEN-1",
        body=models.ProgramChanges(
            title_en="Generated client course", status=models.ProgramChangesStatus("published")
        ),
    )
    again = programs_create.sync(
        client=api, body=models.ProgramIn(provider="owner-u", code="GEN-1", title_ja="重複")
    )
    # then
    assert isinstance(created, models.ProgramDetailOut), created
    assert (created.provider, created.code, created.fee_yen) == ("owner-u", "GEN-1", 5000)
    assert [f.code for f in created.fields] == ["f-info"]
    assert isinstance(changed, models.ProgramDetailOut), changed
    assert (changed.title_en, changed.title_ja, changed.status) == (
        "Generated client course",
        "生成クライアント講座",
        "published",
    )
    assert isinstance(again, models.Problem)
    assert (again.status, again.type_) == (409, "/api/v1/problems/conflict")
    assert Program.objects.get(code="GEN-1").title_en == "Generated client course"
