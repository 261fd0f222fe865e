"""One reseller's figures (DESIGN.md "Dashboard figures"): KPIs and the availability trend.

Only pools this LAR gave the reseller count: the entry is per LAR, so scoping the
entry scopes its pools, customers and ledger (rule 12).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TypedDict

from sqlalchemy import case, func, select

from data.db import Database
from data.models import AllocationEvent, ResellerPool, Subscription
from services.access.principal import Principal
from services.directory.entries import own_reseller
from services.metrics.figures import PoolFigures, pool_figures, share_pct, with_subscription
from services.pools.state import effective_expiration, pool_labels


class Kpis(TypedDict):
    """A reseller's dashboard cards, over its live pools; quantities by unit ({unit: quantity})."""

    pools: int
    customers: int
    total: dict[str, int]
    allocated: dict[str, int]
    pending: dict[str, int]  # pending acceptance
    expiring: dict[str, int]  # within services.metrics.figures.EXPIRING_WITHIN


def kpis(db: Database, actor: Principal, reseller_id, *, now: datetime) -> Kpis:
    with db.reading() as session:
        return _kpis(session, own_reseller(session, actor, reseller_id).id, now)


def _kpis(session, reseller_id: int, now: datetime) -> Kpis:
    f = pool_figures(session, [ResellerPool.reseller_id == reseller_id], now).get((), PoolFigures())
    return Kpis(
        pools=f.pools,
        customers=f.customers,
        total=f.total,
        allocated=f.allocated,
        pending=f.pending,
        expiring=f.expiring,
    )


def trend_dates(today: date) -> list[date]:
    """The first day of each of the last six months, then today."""
    firsts = []
    year, month = today.year, today.month
    for _ in range(6):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    dates = sorted(firsts)
    if dates[-1] != today:
        dates.append(today)
    return dates


def availability_trend(db: Database, actor: Principal, reseller_id, *, now: datetime) -> list[dict]:
    with db.reading() as session:
        return _trend(session, own_reseller(session, actor, reseller_id).id, now)


def _trend(session, reseller_id: int, now: datetime) -> list[dict]:
    """Per pool, available % = (purchased − allocated) / purchased at each trend date,
    from the allocation ledger. A pool has no point before it existed; an expired pool's
    line ends with a point at its expiration, as the ledger stood then."""
    dates = trend_dates(now.date())
    # End of each day: a point counts everything that happened on that day.
    cutoffs = [datetime.combine(d, datetime.min.time()) + timedelta(days=1) for d in dates]
    cutoffs[-1] = now
    expires = effective_expiration()
    pools = session.execute(
        with_subscription(
            select(ResellerPool.id, Subscription.name, Subscription.unit, expires, ResellerPool.created_at)
        )
        .where(ResellerPool.reseller_id == reseller_id)
        .order_by(Subscription.name, ResellerPool.id)
    ).all()
    sums = []
    for cutoff in cutoffs:
        sums.append(func.sum(case((AllocationEvent.at < cutoff, AllocationEvent.purchased_delta), else_=0)))
        sums.append(func.sum(case((AllocationEvent.at < cutoff, AllocationEvent.allocated_delta), else_=0)))
    # ... and as the ledger stood when the pool expired.
    sums.append(func.sum(case((AllocationEvent.at < expires, AllocationEvent.purchased_delta), else_=0)))
    sums.append(func.sum(case((AllocationEvent.at < expires, AllocationEvent.allocated_delta), else_=0)))
    ledger = (
        {
            row[0]: row[1:]
            for row in session.execute(
                select(AllocationEvent.reseller_pool_id, *sums)
                .join(ResellerPool, ResellerPool.id == AllocationEvent.reseller_pool_id)
                .join(Subscription, Subscription.id == ResellerPool.subscription_id)  # the pool's expiration
                .where(AllocationEvent.reseller_pool_id.in_([p.id for p in pools]))
                .group_by(AllocationEvent.reseller_pool_id)
            ).all()
        }
        if pools
        else {}
    )
    labels = pool_labels((p.id, p.name, p.created_at) for p in pools)
    start = datetime.combine(dates[0], datetime.min.time())
    series = []
    for pool_id, _name, unit, expires_at, _created in pools:
        totals = ledger.get(pool_id, (0,) * (2 * len(dates) + 2))
        points = []
        for i, d in enumerate(dates):
            if expires_at <= cutoffs[i]:
                break
            point = _point(d, totals[2 * i], totals[2 * i + 1])
            if point:
                points.append(point)
        if start < expires_at <= now:
            point = _point(expires_at.date(), totals[-2], totals[-1], ended=True)
            if point:
                points.append(point)
        series.append(
            {"pool_id": pool_id, "name": labels[pool_id], "unit": unit, "points": points, "expired": expires_at <= now}
        )
    return series


def _point(day: date, purchased, allocated, ended: bool = False) -> dict | None:
    purchased, allocated = int(purchased or 0), int(allocated or 0)
    if purchased <= 0:
        return None
    return {
        "date": day.isoformat(),
        "purchased": purchased,
        "allocated": allocated,
        "ended": ended,
        "available_pct": share_pct(purchased - allocated, purchased),
    }


def overview(db: Database, actor: Principal, reseller_id, *, now: datetime) -> dict:
    """The dashboard's figures in one read: KPIs and the availability trend."""
    with db.reading() as session:
        rid = own_reseller(session, actor, reseller_id).id
        return {
            "reseller_id": rid,
            "kpis": _kpis(session, rid, now),
            "trend": _trend(session, rid, now),
            "trend_dates": trend_dates(now.date()),
        }
