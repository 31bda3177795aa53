"""Catalog fixtures: a small taxonomy, programs written through the services (so they are indexed).

Loaded for every test by ``pytest_plugins`` in tests/conftest.py. Personas (owner, viewer,
other_org_editor, outsider, anonymous, secretariat, superuser) and the audit context come from
tests/conftest.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest


@pytest.fixture
def concepts(db: None) -> SimpleNamespace:
    """Fields and skills of a test taxonomy."""
    from renkei.taxonomy.models import Concept, Scheme

    scheme = Scheme.objects.create(key="catalog-test", name_ja="テスト分類", name_en="Test taxonomy")

    def concept(code: str, kind: str, label_ja: str, label_en: str, synonyms_ja: str = "") -> Concept:
        return Concept.objects.create(
            scheme=scheme, code=code, kind=kind, label_ja=label_ja, label_en=label_en, synonyms_ja=synonyms_ja
        )

    return SimpleNamespace(
        scheme=scheme,
        informatics=concept("f-info", "field", "情報・データサイエンス", "Informatics"),
        management=concept("f-mgmt", "field", "経営", "Management"),
        nursing=concept("f-nurse", "field", "看護", "Nursing"),
        python=concept("s-python", "skill", "Pythonプログラミング", "Python programming"),
        analysis=concept("s-analysis", "skill", "データ分析", "Data analysis", "データ解析"),
        quality=concept("s-quality", "skill", "品質管理", "Quality control"),
        unit=concept("u-1", "curriculum_unit", "データ・AI利活用の基礎", "Basics of using data and AI"),
    )


@pytest.fixture
def make_program(db: None) -> Callable[..., Any]:
    """make_program(provider, code, title_ja=..., runs=[date, ...], fields=[...], skills=[...], **fields)."""
    from renkei.catalog import services
    from renkei.catalog.models import Program, ProgramRun

    def make(
        provider: Any,
        code: str,
        *,
        runs: list[dt.date] = (),
        fields: list[Any] = (),
        skills: list[Any] = (),
        shared_with: list[Any] = (),
        **values: Any,
    ) -> Program:
        values.setdefault("title_ja", f"講座 {code}")
        values.setdefault("status", Program.Status.PUBLISHED)
        program = Program(provider=provider, code=code, **values)
        services.program_save(
            program=program, fields=fields, skills=skills, shared_with=shared_with, actor=None
        )
        for starts_on in runs:
            services.program_run_save(run=ProgramRun(program=program, starts_on=starts_on), actor=None)
        return program

    return make


@pytest.fixture
def search() -> Callable[..., Any]:
    """search(query, user=None, **kwargs) -> SearchResult; the codes are in result.codes."""
    from renkei.catalog.selectors import program_search

    def run(query: str = "", *, user: Any = None, **kwargs: Any) -> Any:
        kwargs.setdefault("page_size", 100)
        return program_search(user=user, query=query, **kwargs)

    return run
