"""Low availability: when a Subscription's free quantity counts as low.

A threshold is a count ("count": fewer than N free) or a share ("percent": less than N % of
the purchased quantity free). Strictly below: a threshold of 10 is not crossed at 10 free.
An expired Subscription has nothing to give and is never "low": there is nothing to top up.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from services.common.errors import DomainError
from services.common.units import format_quantity
from services.metrics.figures import subscription_free

KINDS = ("count", "percent")


@dataclass(frozen=True)
class Threshold:
    kind: str
    value: int

    def describe(self, unit_label: str) -> str:
        return f"under {self.value}% free" if self.kind == "percent" else f"under {self.value:,} {unit_label} free"


def is_low(threshold: Threshold | None, purchased: int, free: int) -> bool:
    if threshold is None:
        return False
    if threshold.kind == "percent":
        return purchased > 0 and free * 100 < threshold.value * purchased
    return free < threshold.value


def free_and_low(threshold: Threshold | None, purchased: int, handed_out: int, expired: bool) -> tuple[int, bool]:
    """What a Subscription has free (nothing once expired) and whether that is low."""
    free = subscription_free(purchased, handed_out, expired)
    return free, not expired and is_low(threshold, purchased, free)


def parse_threshold(kind, value, purchased: int, unit: str) -> Threshold | None:
    """A threshold as the person typed it, or refused with the reason (never rewritten into
    another number): kind "none" clears it. purchased: the Subscription's quantity, above which
    a count would alert for ever."""
    if kind in (None, "", "none"):
        return None
    if kind not in KINDS:
        raise DomainError("Choose a count or a percentage for the threshold.")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise DomainError("Enter the threshold, or choose None to have no alert.")
    number = _whole_number(value)
    if number is None:
        raise DomainError("The threshold must be a whole number, such as 10.")
    if number < 0:
        raise DomainError("The threshold cannot be negative.")
    if number == 0:
        raise DomainError("Nothing is ever below 0 free: enter 1 or more, or choose None to have no alert.")
    if kind == "percent" and number > 100:
        raise DomainError("A percentage threshold is at most 100.")
    if kind == "count" and number > purchased:
        raise DomainError(f"The subscription has {format_quantity(unit, purchased)} in all: a threshold above that "
                          "would alert for ever.")
    return Threshold(kind, number)


def _whole_number(value) -> int | None:
    """An int, or the digits typed (thousands separated by commas allowed: "1,000")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and re.fullmatch(r"-?(\d{1,3}(,\d{3})+|\d{1,40})", value.strip()):
        return int(value.strip().replace(",", ""))
    return None
