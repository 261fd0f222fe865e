"""When a reseller pool counts as live, in one place for every query.

A pool's effective expiration is its own date ("Specify a time") capped by its
Subscription's, or the Subscription's ("Same as pooled subscription"): so a
pool expires whenever its Subscription does, unless the Subscription is extended.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, or_

from data.models import ResellerPool, Subscription


def effective_expiration():
    return case(
        (
            or_(ResellerPool.expires_at.is_(None), ResellerPool.expires_at > Subscription.expires_at),
            Subscription.expires_at,
        ),
        else_=ResellerPool.expires_at,
    )


def is_live(now: datetime):
    """Pending or active, and not past its effective expiration."""
    return and_(ResellerPool.status != "Expired", effective_expiration() > now)


def is_active(now: datetime):
    return and_(ResellerPool.status == "Active", effective_expiration() > now)


def effective_status(now: datetime):
    """The status a user should see: a pool past its effective expiration shows Expired."""
    return case((effective_expiration() <= now, "Expired"), else_=ResellerPool.status)
