"""The fields of the Add pool and Edit pool panels: read from what the browser sent and
checked against the chosen Subscription. Pure functions: the panels call them while the
user types, and the services call them again on save, on rows locked for the write."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from data.catalog import PAYMENT_TYPES, SOURCES
from services.common.days import browser_day
from services.common.units import format_quantity

SAME, NOW, ON_DATE = "same", "now", "date"
EXPIRATION_CHOICES = {SAME: "Same as pooled subscription", NOW: "Expire now", ON_DATE: "Specify a time"}
MAX_QUANTITY = 2_000_000_000  # well inside a 32-bit INTEGER column


@dataclass(frozen=True)
class SubscriptionFacts:
    """What the fields are checked against. available: what this pool may hold at most."""
    id: int
    service: str
    name: str
    unit: str
    source: str
    expires_at: datetime
    available: int


@dataclass(frozen=True)
class PoolFields:
    source: str
    payment_type: str
    quantity: int
    expiration: str
    expires_at: datetime | None  # None: same as the pooled subscription


def unit_label(unit: str) -> str:
    """The quantity field's label: "User seats", "Objects" or "Capacity (GB)"."""
    return {"user seats": "User seats", "objects": "Objects", "capacity": "Capacity (GB)"}.get(unit, "Quantity")


def whole_number(value) -> int | None:
    """A positive whole number from what the browser sent, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = int(value) if value.is_integer() else None
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        value = int(text) if text.isascii() and text.isdigit() and len(text) <= 40 else None
    if not isinstance(value, int) or value < 1:
        return None
    return value


def last_allowed_day(subscription_expires_at: datetime) -> date:
    """A pool's date (midnight UTC) may not fall after its Subscription's expiration."""
    return subscription_expires_at.date()


def first_allowed_day(now: datetime) -> date:
    return now.date() + timedelta(days=1)


def check_expiration(choice, day_value, facts: SubscriptionFacts | None, now: datetime,
                     errors: dict) -> tuple[str, datetime | None]:
    """(choice, the pool's own expires_at) for a valid choice; adds to errors otherwise."""
    choice = choice if isinstance(choice, str) and choice in EXPIRATION_CHOICES else None
    if choice is None:
        errors["expiration"] = "Choose when this pool expires."
        return SAME, None
    if choice == SAME:
        return SAME, None
    if choice == NOW:
        return NOW, now
    day = browser_day(day_value)
    if day is None:
        errors["expiration_date"] = "Choose a date."
        return ON_DATE, None
    if day < first_allowed_day(now):
        errors["expiration_date"] = "Choose a date after today, or Expire now."
    elif facts is not None and day > last_allowed_day(facts.expires_at):
        errors["expiration_date"] = (f"Choose a date no later than the subscription's expiration, "
                                     f"{last_allowed_day(facts.expires_at).isoformat()}.")
    return ON_DATE, datetime.combine(day, time.min)


def check_quantity(value, facts: SubscriptionFacts | None, errors: dict, at_least: int = 1,
                   holds_seats: bool = True) -> int:
    quantity = whole_number(value)
    unit = facts.unit if facts else "user seats"
    if quantity is None:
        errors["quantity"] = f"Enter a whole number of {'GB' if unit == 'capacity' else unit}, 1 or more."
        return 0
    if quantity > MAX_QUANTITY:
        errors["quantity"] = "More than available: no subscription holds that many."
        return 0
    if quantity < at_least:
        errors["quantity"] = (f"At least {format_quantity(unit, at_least)}: the reseller has assigned that many "
                              "to its customers.")
    elif facts is not None and holds_seats and quantity > facts.available:
        errors["quantity"] = more_than_available(unit, facts.available, facts.name)
    return quantity


def more_than_available(unit: str, available: int, subscription_name: str) -> str:
    """The one wording of an over-allocation, whether the form or the guarded UPDATE found it."""
    return f"More than available: only {format_quantity(unit, max(0, available))} can come from {subscription_name}."


def check_choice(value, allowed, field: str, what: str, errors: dict) -> str:
    if value not in allowed:
        errors[field] = f"Choose a {what}."
        return ""
    return value


def sources_for(subscription_source: str) -> tuple[str, ...]:
    """A purchased subscription may be handed on as any source; a trial or not-for-resale one
    only as what it is."""
    return SOURCES if subscription_source == "Purchased" else (subscription_source,)


def check_new_pool(request: Mapping, facts: SubscriptionFacts | None, now: datetime) -> tuple[dict, PoolFields | None]:
    """The fields of one service of the Add pool wizard: (errors, fields)."""
    errors: dict[str, str] = {}
    if facts is None:
        errors["subscription"] = "Choose a pool."
    elif facts.expires_at <= now:
        errors["subscription"] = f"{facts.name} expired on {facts.expires_at.date().isoformat()}: choose another."
    source = check_choice(request.get("source"), sources_for(facts.source) if facts else SOURCES,
                          "source", "source", errors)
    if facts is not None and request.get("source") in SOURCES and "source" in errors:
        errors["source"] = f"A {facts.source} subscription gives {facts.source} pools only."
    payment_type = check_choice(request.get("payment_type"), PAYMENT_TYPES, "payment_type", "payment type", errors)
    choice, expires_at = check_expiration(request.get("expiration"), request.get("expiration_date"), facts, now, errors)
    # What an expired or missing subscription has free says nothing: its own message says it all.
    usable = facts if "subscription" not in errors else None
    quantity = check_quantity(request.get("quantity"), usable, errors, holds_seats=choice != NOW)
    if errors:
        return errors, None
    return errors, PoolFields(source, payment_type, quantity, choice, expires_at)
