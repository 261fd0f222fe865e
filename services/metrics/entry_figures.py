"""Each directory entry's figures: live for the rows a page shows, stored for sorting.

The directory sorts 200,000 resellers by pools, customers, total, allocated and utilisation from
the stored figures (table reseller_figures, one row per entry, a trigger adds it). The unit of
work keeps them current (services/metrics/upkeep.py: the commit refreshes the entries its
writes touched). A row carries the moment a date will change it (a live pool or a customer's
assignment ending) in valid_until; a read never writes: until a write or the alerts run
refreshes a row past that moment, the sort computes that row's figures live (sort_keys).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, select, update

from data.models import CustomerAssignment, ResellerFigures, ResellerPool, Subscription
from services.common.units import UNIT_ORDER
from services.metrics.figures import (
    PoolFigures,
    allocated,
    highest_utilisation,
    live_assignment,
    pool_count,
    pool_figures,
    total,
    with_subscription,
)
from services.pools.state import is_live

# The figures the directory sorts by, as stored. Total and Allocated sort by the sum over
# units (the grid shows each unit apart); Utilisation % by the highest of the units' own
# utilisations (figures.highest_utilisation: the unit nearest to running out).
SORTABLE_FIGURES = {
    "pools": ResellerFigures.pools,
    "customers": ResellerFigures.customers,
    "total_quantity": ResellerFigures.total_quantity,
    "allocated_quantity": ResellerFigures.allocated_quantity,
    "utilisation": ResellerFigures.utilisation,
}
CHUNK = 1000


def live_figures(session, reseller_ids: list[int], now: datetime) -> dict[int, dict]:
    """{entry id: pools, customers, total and allocated by unit, valid_until} as of now."""
    if not reseller_ids:
        return {}
    by_entry = pool_figures(session, [ResellerPool.reseller_id.in_(reseller_ids)], now, by=[ResellerPool.reseller_id])
    return {
        key[0]: {
            "pools": f.pools,
            "customers": f.customers,
            "total": f.total,
            "allocated": f.allocated,
            "valid_until": f.valid_until,
        }
        for key, f in by_entry.items()
    }


def _stored(f: PoolFigures) -> dict:
    return {
        "pools": f.pools,
        "customers": f.customers,
        "total_quantity": sum(f.total.values()),
        "allocated_quantity": sum(f.allocated.values()),
        "utilisation": highest_utilisation(f.allocated, f.total),
        "valid_until": f.valid_until,
    }


def refresh_figures(session, reseller_ids, now: datetime) -> None:
    """Rewrite the stored figures of these entries, in the caller's write transaction (entries
    the transaction deleted have no row left to rewrite)."""
    ids = sorted(set(reseller_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = session.scalars(
            select(ResellerFigures.reseller_id).where(ResellerFigures.reseller_id.in_(ids[start : start + CHUNK]))
        ).all()
        figures = pool_figures(session, [ResellerPool.reseller_id.in_(chunk)], now, by=[ResellerPool.reseller_id])
        session.execute(
            update(ResellerFigures),
            [{"reseller_id": rid, **_stored(figures.get((rid,)) or PoolFigures())} for rid in chunk],
        )


def stale(now: datetime):
    """Stored figures a date has changed since they were written."""
    return ResellerFigures.valid_until <= now


def refresh_stale(session, lar_ids, now: datetime, limit: int | None = None) -> int:
    """Rewrite the stale rows of these LARs (at most limit), in the caller's write transaction;
    returns how many."""
    ids = session.scalars(
        select(ResellerFigures.reseller_id)
        .where(ResellerFigures.lar_id.in_(sorted(set(lar_ids))), stale(now))
        .order_by(ResellerFigures.valid_until)
        .limit(limit)
    ).all()
    refresh_figures(session, ids, now)
    return len(ids)


def sort_keys(session, lar_id: int, now: datetime) -> dict:
    """What the directory sorts each figure by: the stored column, or, while some of the LAR's
    rows are stale, the stored column for the others and the live figure for those (computed
    in the query; the index then no longer gives the order, so the plain column is kept
    whenever nothing is stale)."""
    if (
        session.scalar(select(ResellerFigures.reseller_id).where(ResellerFigures.lar_id == lar_id, stale(now)).limit(1))
        is None
    ):
        return dict(SORTABLE_FIGURES)
    live = _live_expressions(session, now)
    is_stale = stale(now)
    return {name: _when(is_stale, live[name], column) for name, column in SORTABLE_FIGURES.items()}


def _when(condition, then, otherwise):
    return case((condition, then), else_=otherwise)


def _live_expressions(session, now: datetime) -> dict:
    """Each sortable figure of the outer row's entry as a correlated subquery, from the same
    definitions as the stored ones (utilisation unrounded: it only orders)."""
    of_entry = ResellerPool.reseller_id == ResellerFigures.reseller_id

    def over_pools(*columns):
        return with_subscription(select(*columns).select_from(ResellerPool)).where(of_entry, is_live(now))

    customers = with_subscription(
        select(func.count(func.distinct(CustomerAssignment.customer_tenant_id)))
        .select_from(CustomerAssignment)
        .join(ResellerPool, ResellerPool.id == CustomerAssignment.reseller_pool_id)
    ).where(of_entry, is_live(now), live_assignment(now))
    shares = []
    for unit in UNIT_ORDER:
        given = func.sum(_when(Subscription.unit == unit, ResellerPool.quantity, 0))
        used = func.sum(_when(Subscription.unit == unit, ResellerPool.assigned_quantity, 0))
        shares.append(_when(given > 0, used * 100.0 / given, 0.0))
    highest = func.max(*shares) if session.get_bind().dialect.name == "sqlite" else func.greatest(*shares)
    return {
        "pools": over_pools(pool_count(now)).scalar_subquery(),
        "customers": customers.scalar_subquery(),
        "total_quantity": over_pools(total(now)).scalar_subquery(),
        "allocated_quantity": over_pools(allocated(now)).scalar_subquery(),
        "utilisation": func.coalesce(over_pools(highest).scalar_subquery(), 0.0),
    }
