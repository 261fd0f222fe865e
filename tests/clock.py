"""The tests' one clock. Every test runs at PINNED (or at the instant its `@pytest.mark.clock(...)`
names), set by the autouse `clock` fixture in tests/conftest.py; a test moves it with
`clock.advance(...)`. The app built for integration tests reads it too (AppClock), so no test
ever sees the machine's date: the suite passes on any date."""
from __future__ import annotations

from datetime import datetime

from services.common.clock import FixedClock

PINNED = datetime(2026, 11, 30, 12, 0)
_pinned = [FixedClock(PINNED)]


def pin(clock: FixedClock) -> FixedClock:
    _pinned[0] = clock
    return clock


def current() -> FixedClock:
    return _pinned[0]


class AppClock:
    """Given to create_app in tests: whatever instant the running test pinned."""

    def now(self) -> datetime:
        return current().now()
