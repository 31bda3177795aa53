"""Test tiers: each test sits in the folder of its tier, is marked with it, and uses nothing above it.

=============  =====================  ===========================================================
tier           folder                 what its tests may use
=============  =====================  ===========================================================
unit           tests/unit/            Python and settings, no database: pytest-django refuses
                                      database access to a test that did not ask for it
integration    tests/integration/     the database: models, services, selectors, commands
functional     tests/functional/      the test client: pages, admin and API through their URLs
browser        tests/browser/         a real headless Chromium against a live server
=============  =====================  ===========================================================

``make test-unit`` (``-integration``, ``-functional``, ``-browser``) runs one tier by its folder;
``-m unit`` (etc.) selects the same tests from a wider run. Collection fails when a test module sits
outside these folders, or when a test asks for what only a higher tier may use (a unit test asking for
``db`` or marked ``django_db``, an integration test asking for ``client``): the message says where the
test belongs. Loaded for every test by ``pytest_plugins`` in tests/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
TIERS = ("unit", "integration", "functional", "browser")

# What a test may use from the given tier upwards (directly or through its fixtures).
FIRST_NEEDED_IN = {
    "integration": frozenset(
        {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}
    ),
    "functional": frozenset({"client", "admin_client", "async_client", "rf", "async_rf"}),
    "browser": frozenset({"live_server", "browser", "page", "page_without_js"}),
}


def tier_of(path: Path) -> str | None:
    """The tier of a test module: the first folder under tests/, if it is a tier's."""
    try:
        parts = path.resolve().relative_to(TESTS).parts
    except ValueError:
        return None
    return parts[0] if len(parts) > 1 and parts[0] in TIERS else None


def problem(item: pytest.Item, tier: str) -> str | None:
    """Why the item does not belong to its tier folder, or None."""
    used = set(getattr(item, "fixturenames", ()))
    if item.get_closest_marker("django_db") is not None:
        used.add("db")
    for higher in TIERS[TIERS.index(tier) + 1 :]:
        if found := sorted(used & FIRST_NEEDED_IN[higher]):
            return (
                f"{item.nodeid} uses {', '.join(found)} (tier {higher} and above): move it to tests/{higher}/"
            )
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    problems = []
    for item in items:
        tier = tier_of(item.path)
        if tier is None:
            problems.append(f"{item.nodeid} is outside the tier folders tests/{{{','.join(TIERS)}}}/")
            continue
        item.add_marker(getattr(pytest.mark, tier))
        if reason := problem(item, tier):
            problems.append(reason)
    if problems:
        raise pytest.UsageError(
            "tests in the wrong tier (see tests/support/tiers.py):\n" + "\n".join(problems)
        )
