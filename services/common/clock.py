"""The one clock. It is read at the edges (once per request, job or command) and the instant is
passed to every service as `now`; no service reads the time itself, so a test or a demo can pin it.

Instants are naive UTC, the form every DateTime column stores."""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC).replace(tzinfo=None)


class FixedClock:
    """Stands still at `at` until moved (tests)."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, by: timedelta) -> None:
        self.at += by


class MovingClock:
    """Starts at `start` and runs at the machine's pace (CLOCK_AT: a demo or a test server on a
    chosen date)."""

    def __init__(self, start: datetime):
        self.start = start
        self._began = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self._began)
