"""A tiny progress bar for the command line (stderr, only on a terminal): no dependency needed."""

from __future__ import annotations

import time
from typing import Protocol, runtime_checkable

from django.utils.translation import get_language

PHASES = {
    "check": ("確認中", "checking"),
    "write": ("書込中", "writing"),
    "finish": ("仕上げ中", "finishing"),
}


@runtime_checkable
class TextOut(Protocol):
    """Where the bar is drawn: a text stream (asked `isatty()` when it has that method)."""

    def write(self, text: str, /) -> object: ...

    def flush(self) -> object: ...


class ProgressBar:
    """Call with (phase, done, total); redraws at most ten times a second."""

    def __init__(self, stream: TextOut, *, enabled: bool | None = None, width: int = 30) -> None:
        self.stream = stream
        self.enabled = bool(getattr(stream, "isatty", lambda: False)()) if enabled is None else enabled
        self.width = width
        self.phase = ""
        self.started = time.monotonic()
        self.drawn = 0.0

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if phase != self.phase:
            if self.phase:
                self.stream.write("\n")
            self.phase, self.started, self.drawn = phase, now, 0.0
        elif now - self.drawn < 0.1 and done != total:
            return
        self.drawn = now
        ja, en = PHASES.get(phase, (phase, phase))
        label = en if (get_language() or "ja")[:2] == "en" else ja
        rate = done / (now - self.started) if now > self.started else 0.0
        if total:
            filled = min(self.width, self.width * done // total)
            bar = "#" * filled + "." * (self.width - filled)
            text = f"\r{label} [{bar}] {min(100, 100 * done // total):3d}% {done:,}/{total:,} {rate:,.0f}/s"
        else:
            text = f"\r{label} {done:,} {rate:,.0f}/s"
        self.stream.write(text)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.phase:
            self.stream.write("\n")
            self.stream.flush()
            self.phase = ""
