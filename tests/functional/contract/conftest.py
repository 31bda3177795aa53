"""Prints what the contract test measured (cases generated, failures) at the end of every run."""

from __future__ import annotations

from typing import Any

import contract_runner


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if contract_runner.REPORT:
        terminalreporter.section("API contract (schemathesis)")
        for line in contract_runner.REPORT:
            terminalreporter.write_line(line)
