"""The allocation engine: how seats move between a LAR's Subscription and its reseller pools.

Subscription.allocated_quantity is the sum of the quantities of the pools that hold seats
(ResellerPool.seats_held). It only ever changes by a guarded UPDATE here, and the CHECK
constraint allocated_quantity <= purchased_quantity refuses an over-allocation even if a
guard were forgotten. A pool past its effective expiration gives its seats back lazily: the
next write on its Subscription reclaims them first, so no batch job is needed.

Lock order, the same in every write, so two operators never deadlock: the reseller entry,
then its Subscriptions (by id), then pools. SQLite writes in BEGIN IMMEDIATE, so there the
transactions simply take turns.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, true, update

from data.models import ResellerPool, Subscription
from services.metrics.figures import subscription_free


class NotEnoughSeats(Exception):
    """The guarded UPDATE found fewer free seats than asked for; the caller says it to the user."""

    def __init__(self, available: int):
        super().__init__(f"{available} available")
        self.available = available


def lock_subscriptions(session, lar_id: int, ids: Iterable[int]) -> dict[int, Subscription]:
    """This LAR's Subscriptions among ids, locked for the transaction (ordered by id)."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    rows = session.scalars(
        select(Subscription)
        .where(Subscription.id.in_(ids), Subscription.lar_id == lar_id)
        .order_by(Subscription.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    return {s.id: s for s in rows}


def reclaim_expired(session, subscription: Subscription, now: datetime) -> int:
    """Give back the seats of the Subscription's pools that are past their effective
    expiration; returns how many. Call with the Subscription locked."""
    # Every pool is past once its Subscription is; before that, each by its own date.
    past = true() if subscription.expires_at <= now else ResellerPool.expires_at <= now
    quantities = session.scalars(
        update(ResellerPool)
        .where(ResellerPool.subscription_id == subscription.id, ResellerPool.seats_held.is_(True), past)
        .values(seats_held=False)
        .returning(ResellerPool.quantity)
        .execution_options(synchronize_session="fetch")
    ).all()
    freed = sum(quantities)
    if freed:
        give_back_seats(session, subscription.id, freed)
    return freed


def free_quantity(session, subscription_id: int) -> int:
    """subscription_free from the counter: the pools holding seats hold allocated_quantity (after
    reclaim_expired, exactly the live ones). Only used by a write, which checks expiry itself."""
    purchased, allocated = session.execute(
        select(Subscription.purchased_quantity, Subscription.allocated_quantity)
        .where(Subscription.id == subscription_id)
    ).one()
    return subscription_free(purchased, allocated, expired=False)


def take_seats(session, subscription: Subscription, quantity: int, now: datetime) -> None:
    """Move quantity seats from the Subscription to a pool, or raise NotEnoughSeats."""
    if quantity <= 0:
        return
    taken = session.execute(
        update(Subscription)
        .where(Subscription.id == subscription.id,
               Subscription.allocated_quantity + quantity <= Subscription.purchased_quantity,
               Subscription.expires_at > now)
        .values(allocated_quantity=Subscription.allocated_quantity + quantity)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        raise NotEnoughSeats(max(0, free_quantity(session, subscription.id)))


def give_back_seats(session, subscription_id: int, quantity: int) -> None:
    if quantity <= 0:
        return
    session.execute(
        update(Subscription)
        .where(Subscription.id == subscription_id)
        .values(allocated_quantity=Subscription.allocated_quantity - quantity)
        .execution_options(synchronize_session=False)
    )

