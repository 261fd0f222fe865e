"""When a reseller pool counts as live, in one place for every query.

A pool's effective expiration is its own date ("Specify a time", or the moment of "Expire
now") capped by its Subscription's, or the Subscription's ("Same as pooled subscription"):
so a pool expires whenever its Subscription does, unless the Subscription is extended.
Expiry comes from these dates alone; the stored status only says whether the reseller has
accepted the pool.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import and_, case, or_, select

from data.models import ResellerPool, Subscription

PENDING = "Pending acceptance"
ACTIVE = "Active"
EXPIRED = "Expired"


def effective_expiration():
    return case(
        (
            or_(ResellerPool.expires_at.is_(None), ResellerPool.expires_at > Subscription.expires_at),
            Subscription.expires_at,
        ),
        else_=ResellerPool.expires_at,
    )


def pool_expires(pool_expires_at: datetime | None, subscription_expires_at: datetime) -> datetime:
    """effective_expiration() for values in hand."""
    if pool_expires_at is None or pool_expires_at > subscription_expires_at:
        return subscription_expires_at
    return pool_expires_at


def is_live(now: datetime):
    """Pending or active: not past its effective expiration."""
    return effective_expiration() > now


def is_active(now: datetime):
    return and_(ResellerPool.status == ACTIVE, effective_expiration() > now)


def is_pending(now: datetime):
    return and_(ResellerPool.status == PENDING, effective_expiration() > now)


def effective_status(now: datetime):
    """The status a user sees: a pool past its effective expiration shows Expired."""
    return case((effective_expiration() <= now, EXPIRED), else_=ResellerPool.status)


def pool_labels(pools) -> dict[int, str]:
    """{pool id: label} for one reseller's pools, given as (id, subscription name, created at).

    A pool is named by its Subscription. Two pools of one subscription are told apart by the
    day each was added, and two added the same day by the time (UTC): words a user can check
    against the grid, never an internal id or a counter."""
    pools = [(pool_id, name, created) for pool_id, name, created in pools]
    by_name = Counter(name for _, name, _ in pools)
    by_day = Counter((name, created.date()) for _, name, created in pools)
    by_minute = Counter((name, created.replace(second=0, microsecond=0)) for _, name, created in pools)
    labels = {}
    for pool_id, name, created in pools:
        label = name
        if by_name[name] > 1:
            label = f"{name} · added {created:%Y-%m-%d}"
            if by_day[(name, created.date())] > 1:
                same_minute = by_minute[(name, created.replace(second=0, microsecond=0))] > 1
                label += f" {created:%H:%M:%S}" if same_minute else f" {created:%H:%M}"
        labels[pool_id] = label
    return labels


def reseller_pool_labels(session, reseller_id: int) -> dict[int, str]:
    """pool_labels() of every pool of one directory entry."""
    return pool_labels(session.execute(
        select(ResellerPool.id, Subscription.name, ResellerPool.created_at)
        .join(Subscription, Subscription.id == ResellerPool.subscription_id)
        .where(ResellerPool.reseller_id == reseller_id)
    ).all())
