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

from sqlalchemy import and_, case, or_

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
    """{pool id: label}: a pool is named by its Subscription, with its id only when two
    pools of the same reseller share that name. pools: (id, subscription name) pairs."""
    pools = [(pool_id, name) for pool_id, name in pools]
    counts = Counter(name for _, name in pools)
    return {pool_id: name if counts[name] == 1 else f"{name} #{pool_id}" for pool_id, name in pools}
