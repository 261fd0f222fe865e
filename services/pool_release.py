"""Ending a reseller pool early: its seats go back to the LAR's Subscription."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from data.models import AllocationEvent, ResellerPool, Subscription
from services.actor import Actor


def release_pool(session, actor: Actor, pool: ResellerPool, now: datetime) -> None:
    """Give the pool's quantity back to its Subscription, record it in the ledger and delete
    the pool (the CHECK constraint refuses a negative allocation, rolling everything back)."""
    session.execute(
        update(Subscription)
        .where(Subscription.id == pool.subscription_id)
        .values(allocated_quantity=Subscription.allocated_quantity - pool.quantity)
    )
    session.add(AllocationEvent(at=now, reseller_pool_id=pool.id, purchased_delta=-pool.quantity,
                                allocated_delta=-pool.assigned_quantity, actor_user_id=actor.user_id))
    session.delete(pool)
