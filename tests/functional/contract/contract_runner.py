"""Run schemathesis against the live OpenAPI document of the WSGI app, in this process, no network.

The test database is the caller's (pytest-django's): the engine's worker threads share the test's
connection (as Django's LiveServerThread does), so they see the rows the test loaded inside its
transaction and nothing is committed.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import schemathesis
import werkzeug.test
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections, transaction
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.engine.statistic import Statistic

REPORT: list[str] = []  # printed in the terminal summary (tests/functional/contract/conftest.py)


@dataclass
class ContractRun:
    statistic: Statistic = field(default_factory=Statistic)
    cases_by_phase: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total_cases(self) -> int:
        return self.statistic.total_cases

    def failures(self) -> list[str]:
        """One line per distinct failure: the check's title, the operation and the first request."""
        lines = []
        for label, groups in sorted(self.statistic.failures.items()):
            for group in groups.values():
                request = group.response.request if group.response is not None else None
                target = f" ({request.method} {request.url})" if request is not None else ""
                for failure in group.failures:
                    lines.append(f"{label}: {failure.title}{target}\n    {failure.message[:300]}")
        return lines

    def summary(self) -> str:
        phases = ", ".join(f"{phase} {n}" for phase, n in sorted(self.cases_by_phase.items()))
        return (
            f"schemathesis: {self.total_cases} generated cases ({phases}) on "
            f"{len(self.statistic.tested_operations)} operations in {self.seconds:.1f} s: "
            f"{len(self.statistic.unique_failures_map)} distinct failures, {len(self.errors)} errors"
        )


@contextlib.contextmanager
def _shared_connections() -> Iterator[None]:
    """Let the engine's threads use this thread's connections, and keep Django from closing them."""
    shared = {alias: connections[alias] for alias in connections}
    for connection in shared.values():
        connection.inc_thread_sharing()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        for connection in shared.values():
            connection.dec_thread_sharing()


def _bind(app: Any, shared: dict[str, Any]) -> Any:
    """The app on the test's connections, each request in a savepoint (as in production, where a
    failed request does not leave the next one in an aborted transaction on PostgreSQL)."""

    def application(environ: dict[str, Any], start_response: Any) -> Any:
        for alias, connection in shared.items():
            connections[alias] = connection
        with transaction.atomic():
            return list(app(environ, start_response))

    return application


SOCKET_ONLY = ("max_redirects", "verify", "cert", "proxies")


@contextlib.contextmanager
def _in_process_probes() -> Iterator[None]:
    """schemathesis 4.32 sends some checks' extra requests (`ignored_auth` sends the request again
    without its token) with the settings of a network session, which its WSGI transport hands to
    werkzeug's test client as they are; werkzeug refuses `max_redirects`. A request to the app in this
    process has no sockets: the client drops those settings while the run lasts."""
    original = werkzeug.test.Client.open

    def open_in_process(self: Any, *args: Any, **kwargs: Any) -> Any:
        for name in SOCKET_ONLY:
            kwargs.pop(name, None)
        return original(self, *args, **kwargs)

    werkzeug.test.Client.open = open_in_process  # type: ignore[method-assign]
    try:
        yield
    finally:
        werkzeug.test.Client.open = original  # type: ignore[method-assign]


def run(*, app: Any, path: str, config: dict[str, Any]) -> ContractRun:
    shared = {alias: connections[alias] for alias in connections}
    result = ContractRun()
    started = time.monotonic()
    with _shared_connections(), _in_process_probes():
        schema = schemathesis.openapi.from_wsgi(
            path, _bind(app, shared), config=SchemathesisConfig.from_dict(config)
        )
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
                result.statistic.on_scenario_finished(event.recorder)
                result.cases_by_phase[event.phase.value] += len(event.recorder.cases)
            elif isinstance(event, events.NonFatalError):
                result.errors.append(f"{event.label}: {event.info.message}")
            elif isinstance(event, events.FatalError):
                result.errors.append(f"fatal: {event.exception}")
    result.seconds = time.monotonic() - started
    return result
