"""Each reseller's live figures: pools, customers, seats given and used, utilisation.

Computed for the rows a page shows (live_figures), and stored per reseller so the directory
can sort 200,000 resellers by them (table reseller_figures). A stored row is rewritten by
the transaction that changes the reseller's pools (store_figures), and carries the moment a
date will change it (a pool or a customer's assignment ending) in valid_until: rows past it
are recomputed before the directory sorts by a figure (refresh_stale).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select, update

from data.db import Database
from data.models import CustomerAssignment, ResellerFigures, ResellerPool, Subscription
from services.common.units import highest_utilisation
from services.pools.state import effective_expiration, is_live

# The figures the directory sorts by, as stored. Total and Allocated sort by the sum over
# units (the grid shows each unit apart); Utilisation % by the highest of the units' own
# utilisations (services.common.units.highest_utilisation: the unit nearest to running out).
SORTABLE_FIGURES = {
    "pools": ResellerFigures.pools,
    "customers": ResellerFigures.customers,
    "total_quantity": ResellerFigures.total_quantity,
    "allocated_quantity": ResellerFigures.allocated_quantity,
    "utilisation": ResellerFigures.utilisation,
}
CHUNK = 1000


def _empty() -> dict:
    return {"pools": 0, "customers": 0, "total": {}, "allocated": {}, "valid_until": None}


def live_figures(session, reseller_ids: list[int], now: datetime) -> dict[int, dict]:
    """{reseller id: pools, customers, total and allocated by unit, valid_until} as of now."""
    if not reseller_ids:
        return {}
    figures: dict[int, dict] = defaultdict(_empty)
    pools = session.execute(
        select(ResellerPool.reseller_id, Subscription.unit, func.count(), func.sum(ResellerPool.quantity),
               func.sum(ResellerPool.assigned_quantity), func.min(effective_expiration()))
        .join(Subscription, Subscription.id == ResellerPool.subscription_id)
        .where(ResellerPool.reseller_id.in_(reseller_ids), is_live(now))
        .group_by(ResellerPool.reseller_id, Subscription.unit)
    ).all()
    for reseller_id, unit, count, quantity, assigned, first_end in pools:
        f = figures[reseller_id]
        f["pools"] += count
        f["total"][unit] = int(quantity or 0)
        f["allocated"][unit] = int(assigned or 0)
        f["valid_until"] = _earliest(f["valid_until"], first_end)
    live_assignment = (CustomerAssignment.ends_at.is_(None)) | (CustomerAssignment.ends_at > now)
    customers = session.execute(
        select(ResellerPool.reseller_id, func.count(func.distinct(CustomerAssignment.customer_tenant_id)),
               func.min(CustomerAssignment.ends_at))
        .join(ResellerPool, ResellerPool.id == CustomerAssignment.reseller_pool_id)
        .join(Subscription, Subscription.id == ResellerPool.subscription_id)
        .where(ResellerPool.reseller_id.in_(reseller_ids), is_live(now), live_assignment)
        .group_by(ResellerPool.reseller_id)
    ).all()
    for reseller_id, count, first_end in customers:
        figures[reseller_id]["customers"] = count
        figures[reseller_id]["valid_until"] = _earliest(figures[reseller_id]["valid_until"], first_end)
    return figures


def _earliest(a: datetime | None, b) -> datetime | None:
    if isinstance(b, str):  # SQLite hands back an aggregate of datetimes as text
        b = datetime.fromisoformat(b)
    return b if a is None or (b is not None and b < a) else a


def _stored(f: dict) -> dict:
    total, allocated = sum(f["total"].values()), sum(f["allocated"].values())
    return {"pools": f["pools"], "customers": f["customers"], "total_quantity": total,
            "allocated_quantity": allocated, "utilisation": highest_utilisation(f["allocated"], f["total"]),
            "valid_until": f["valid_until"]}


def store_figures(session, reseller_ids: list[int], now: datetime) -> None:
    """Rewrite the stored figures of these resellers, in the caller's transaction."""
    ids = sorted(set(reseller_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        figures = live_figures(session, chunk, now)
        session.execute(update(ResellerFigures), [
            {"reseller_id": rid, **_stored(figures.get(rid) or _empty())} for rid in chunk])


def refresh_stale(db: Database, lar_id: int, now: datetime) -> int:
    """Recompute the LAR's rows a date has changed since they were written; returns how many."""
    stale = ResellerFigures.valid_until <= now
    with db.reading() as session:
        if session.scalar(select(ResellerFigures.reseller_id).where(ResellerFigures.lar_id == lar_id, stale)
                          .limit(1)) is None:
            return 0
    with db.unit_of_work() as session:
        ids = session.scalars(select(ResellerFigures.reseller_id)
                              .where(ResellerFigures.lar_id == lar_id, stale)).all()
        store_figures(session, list(ids), now)
        return len(ids)
