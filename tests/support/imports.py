"""Fixtures for the import pipeline tests (personas and the audit context come from tests/conftest.py).

Loaded for every test by ``pytest_plugins`` in tests/conftest.py. ``import_settings`` is not autouse here:
the conftest of each folder of import tests that write (integration/importing, functional/importing)
turns it on for its tests.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from support.import_files import row_counts


@pytest.fixture
def import_settings(settings: Any, tmp_path: Path) -> None:
    """Web imports run their tasks inside the request (django-tasks' ImmediateBackend: the same task
    code that a worker runs; tests/functional/jobs runs it through the real workers) and keep their uploads in this
    test's own directory."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def counts() -> Callable[[], dict[str, int]]:
    return row_counts


@pytest.fixture
def catalog_base(db: None) -> SimpleNamespace:
    """A provider with a unit, another university, a taxonomy with fields and skills, and a network."""
    from factories import NetworkFactory, OrganisationFactory, UnitFactory

    from renkei.taxonomy.models import Concept, Scheme

    provider = OrganisationFactory(
        key="tohoku-u", name_ja="東北大学", name_en="Tohoku University", prefecture="04"
    )
    unit = UnitFactory(parent=provider, key="tohoku-u.eng", name_ja="工学部", name_en="School of Engineering")
    other = OrganisationFactory(key="yamagata-u", name_ja="山形大学", name_en="Yamagata University")
    scheme = Scheme.objects.create(key="test-scheme", name_ja="テスト分類", name_en="Test taxonomy")
    concepts = {
        code: Concept.objects.create(scheme=scheme, code=code, kind=kind, label_ja=label)
        for code, kind, label in [
            ("field-ai", Concept.Kind.FIELD, "AI・人工知能"),
            ("field-informatics", Concept.Kind.FIELD, "情報・データサイエンス"),
            ("skill-python", Concept.Kind.SKILL, "Python"),
            ("skill-statistics", Concept.Kind.SKILL, "統計"),
        ]
    }
    network = NetworkFactory(key="tohoku-alliance", name_ja="東北創成国立大学アライアンス")
    return SimpleNamespace(provider=provider, unit=unit, other=other, concepts=concepts, network=network)
