"""An address over its sign-in limit: the refusal it gets, and what a serving process remembers of
it so a flood from it is answered from memory."""

from __future__ import annotations

import math
from datetime import datetime

from services.common.errors import AddressOverLimit


def over_limit(until: datetime, now: datetime) -> AddressOverLimit:
    return AddressOverLimit(
        f"Too many sign-in attempts from your network. Try again in {minutes_until(until, now)}.",
        retry_after=max(1, math.ceil((until - now).total_seconds())),
        until=until,
    )


def minutes_until(until: datetime, now: datetime) -> str:
    # Rounded, not up: a lock written a moment after this request began still says 15.
    minutes = max(1, round((until - now).total_seconds() / 60))
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


class HeldBackAddresses:
    """What one serving process learnt of the addresses over their sign-in limit, and until when,
    so a flood from one is refused from memory: no read, no CSRF check, nothing else. Exact while it
    lasts, since that limit is never lifted early; a process that has not learnt it reads the
    database as usual."""

    KEPT = 10_000

    def __init__(self):
        self._until: dict[str, datetime] = {}

    def remember(self, client: str | None, refusal: AddressOverLimit) -> None:
        if not client:
            return
        if len(self._until) >= self.KEPT:  # a flood from ever new addresses: start over
            self._until.clear()
        self._until[client] = refusal.until

    def knows(self, client: str | None) -> bool:
        return client in self._until

    def refuse(self, client: str | None, *, now: datetime) -> None:
        """Raises AddressOverLimit when this process knows client is held back at now."""
        until = self._until.get(client) if client else None
        if client is None or until is None:
            return
        if until <= now:
            self._until.pop(client, None)
            return
        raise over_limit(until, now)
