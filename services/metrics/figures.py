"""The one definition of each figure (DESIGN.md "Dashboard figures", rule 16).

Every figure counts a set of pools, given as conditions on ResellerPool, Subscription (always
joined: a pool's unit and dates are its Subscription's) and anything the caller joins: one
reseller's pools (its dashboard), a page of directory entries, a LAR's pools (Renewals), or
a reseller tenant's pools across LARs. Only live pools count (services/pools/state.is_live),
and quantities of different units are never summed: each quantity figure is {unit: quantity}.

- pools: live pools; customers: distinct customers holding a live assignment from them
- total: what the resellers were given (the pools' quantities); allocated: what they assigned
  to customers; pending: total of the pools waiting for acceptance; expiring: total of the
  pools whose effective expiration falls within a window
- free of a Subscription: purchased less what its live pools hold (nothing once it expired);
  free of a pool: its quantity less what it assigned (idle)
- utilisation: allocated as a share of total, per unit (never across units)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select

from data.models import CustomerAssignment, ResellerPool, Subscription
from services.pools.state import ACTIVE, PENDING, effective_expiration, is_live

EXPIRING_WITHIN = timedelta(days=30)  # the dashboard's "Expiring in 30 days"


def with_subscription(stmt):
    """The pool and its Subscription, the one join every figure needs."""
    return stmt.join(Subscription, Subscription.id == ResellerPool.subscription_id)


# --- Figures as SQL aggregates over the pool + Subscription join ------------------------------
# Each counts live pools only, so it is right whether or not the query also filters by is_live
# (Renewals joins every Subscription, pools or not, and counts the live ones).


def held(now: datetime, *conditions):
    """Sum of the quantities of the live pools that meet conditions (0 for none)."""
    return func.coalesce(func.sum(case((and_(is_live(now), *conditions), ResellerPool.quantity), else_=0)), 0)


def total(now: datetime):
    return held(now)


def pending(now: datetime):
    return held(now, ResellerPool.status == PENDING)


def accepted(now: datetime):
    return held(now, ResellerPool.status == ACTIVE)


def expiring(now: datetime, within: timedelta):
    """Held by the pools whose effective expiration falls within `within` of now."""
    return held(now, effective_expiration() <= now + within)


def allocated(now: datetime):
    """What the resellers assigned to customers from their live pools."""
    return func.coalesce(func.sum(case((is_live(now), ResellerPool.assigned_quantity), else_=0)), 0)


def pool_count(now: datetime):
    return func.coalesce(func.sum(case((is_live(now), 1), else_=0)), 0)


def live_assignment(now: datetime):
    """A customer's assignment that has not ended."""
    return CustomerAssignment.ends_at.is_(None) | (CustomerAssignment.ends_at > now)


def pool_utilisation():
    """A pool's utilisation as SQL (for sorting a grid of pools): utilisation_pct of its row."""
    return ResellerPool.assigned_quantity * 100.0 / ResellerPool.quantity


# --- Figures of values in hand ---------------------------------------------------------------


def share_pct(part: int, whole: int) -> float | None:
    """part as a percentage of whole, one decimal; None when the whole is nothing."""
    return round(part * 100 / whole, 1) if whole else None


def utilisation_pct(assigned: int, given: int) -> float | None:
    """Design rule 16: what a reseller assigned to its customers as a share of what it was
    given, in one unit; None when nothing was given."""
    return share_pct(assigned, given)


def utilisation_by_unit(assigned: Mapping[str, int], given: Mapping[str, int]) -> dict[str, float]:
    """{unit: utilisation %} for each unit something was given in."""
    return {u: share_pct(assigned.get(u, 0), q) or 0.0 for u, q in given.items() if q}


def highest_utilisation(assigned: Mapping[str, int], given: Mapping[str, int]) -> float:
    """What the directory sorts Utilisation % by: the unit nearest to running out (0 if none given)."""
    return max(utilisation_by_unit(assigned, given).values(), default=0.0)


def subscription_free(purchased: int, handed_out: int, expired: bool) -> int:
    """What a Subscription still has to give: purchased less what its live pools hold
    (pending or accepted); nothing once it expired."""
    return 0 if expired else max(0, purchased - handed_out)


def pool_free(quantity: int, assigned: int) -> int:
    """What a reseller holds in a pool and has not assigned to customers (idle)."""
    return quantity - assigned


# --- The figures of a set of pools -----------------------------------------------------------


@dataclass
class PoolFigures:
    """One group's figures; quantities by unit. valid_until: the first moment a date changes
    them (a live pool or a customer's assignment ending), None if none will."""

    pools: int = 0
    customers: int = 0
    total: dict[str, int] = field(default_factory=dict)
    allocated: dict[str, int] = field(default_factory=dict)
    pending: dict[str, int] = field(default_factory=dict)
    expiring: dict[str, int] = field(default_factory=dict)
    valid_until: datetime | None = None


def pool_figures(
    session,
    pools: Sequence[Any],
    now: datetime,
    *,
    by: Sequence[Any] = (),
    expiring_within: timedelta = EXPIRING_WITHIN,
) -> dict[tuple, PoolFigures]:
    """{group: PoolFigures} of the live pools meeting the conditions `pools`, grouped by the
    columns `by` (a group is the tuple of their values; () for one group over all of them).
    Groups without a live pool are absent."""
    live = (*pools, is_live(now))
    figures: dict[tuple, PoolFigures] = {}
    for *key, unit, count, given, assigned, waiting, ending, first_end in session.execute(
        with_subscription(
            select(
                *by,
                Subscription.unit,
                pool_count(now),
                total(now),
                allocated(now),
                pending(now),
                expiring(now, expiring_within),
                func.min(effective_expiration()),
            ).select_from(ResellerPool)
        )
        .where(*live)
        .group_by(*by, Subscription.unit)
    ).all():
        f = figures.setdefault(tuple(key), PoolFigures())
        f.pools += int(count)
        for by_unit, value in ((f.total, given), (f.allocated, assigned), (f.pending, waiting), (f.expiring, ending)):
            if value:
                by_unit[unit] = int(value)
        f.valid_until = _earliest(f.valid_until, first_end)
    for *key, customers, first_end in session.execute(
        with_subscription(
            select(
                *by,
                func.count(func.distinct(CustomerAssignment.customer_tenant_id)),
                func.min(CustomerAssignment.ends_at),
            )
            .select_from(CustomerAssignment)
            .join(ResellerPool, ResellerPool.id == CustomerAssignment.reseller_pool_id)
        )
        .where(*live, live_assignment(now))
        .group_by(*by)
    ).all():
        f = figures.setdefault(tuple(key), PoolFigures())
        f.customers = int(customers)
        f.valid_until = _earliest(f.valid_until, first_end)
    return figures


def _earliest(a: datetime | None, b) -> datetime | None:
    if isinstance(b, str):  # SQLite hands back an aggregate of datetimes as text
        b = datetime.fromisoformat(b)
    return b if a is None or (b is not None and b < a) else a
