"""Ending a reseller pool early: its seats go back to the LAR's Subscription."""
from __future__ import annotations

from datetime import datetime

from data.models import AllocationEvent, ResellerPool
from services.access.principal import Principal
from services.pools.allocation import give_back_seats


def release_pool(session, actor: Principal, pool: ResellerPool, now: datetime) -> None:
    """Give the seats the pool holds back to its Subscription, record it in the ledger and
    delete the pool. The caller holds the Subscription's lock (allocation.lock_subscriptions)."""
    if pool.seats_held:
        give_back_seats(session, pool.subscription_id, pool.quantity)
    session.add(AllocationEvent(at=now, reseller_pool_id=pool.id, purchased_delta=-pool.quantity,
                                allocated_delta=-pool.assigned_quantity, actor_user_id=actor.user_id))
    session.delete(pool)
