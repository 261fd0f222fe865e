"""The Pools table of a reseller's dashboard, and Return to pool."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, select

from data.catalog import PAYMENT_TYPES, SOURCES
from data.db import Database
from data.models import AuditAction, DirectoryEntry, PoolStatus, ResellerPool, Subscription
from services.access.policy import Action, require
from services.access.principal import Principal
from services.access.scopes import LarScope
from services.activity import audit
from services.common.errors import DomainError, NotFound
from services.common.grid_query import GridPage, GridQuery, day, keyword_conditions, order_by
from services.common.ids import parse_ids
from services.common.units import format_quantity
from services.directory.entries import own_reseller
from services.pools.allocation import lock_subscriptions
from services.pools.release import release_pool
from services.pools.state import (
    EXPIRED,
    PENDING,
    effective_expiration,
    effective_status,
    pool_expires,
    reseller_pool_labels,
)

RETURNABLE = PENDING


def list_pools(db: Database, actor: Principal, reseller_id, query: GridQuery, *, now: datetime) -> GridPage:
    status = effective_status(now)
    expires = effective_expiration()
    sortable = {"name": Subscription.name, "service": Subscription.service, "source": ResellerPool.source,
                "payment_type": ResellerPool.payment_type, "quantity": ResellerPool.quantity,
                "allocated": ResellerPool.assigned_quantity, "status": status, "expires_at": expires}
    offset, limit = query.bounds()
    with db.reading() as session:
        reseller = own_reseller(session, actor, reseller_id)
        conditions = [ResellerPool.reseller_id == reseller.id, *keyword_conditions(Subscription.name, query.search)]
        for key, column, allowed in (("source", ResellerPool.source, SOURCES),
                                     ("payment_type", ResellerPool.payment_type, PAYMENT_TYPES),
                                     ("status", status, list(PoolStatus))):
            if query.is_set(key):
                conditions.append(column.in_(query.chosen(key, allowed)))
        total, expired = session.execute(
            select(func.count(), func.coalesce(func.sum(case((status == EXPIRED, 1), else_=0)), 0))
            .select_from(ResellerPool)
            .join(Subscription, Subscription.id == ResellerPool.subscription_id)
            .where(*conditions)
        ).one()
        of = session.scalar(select(func.count()).select_from(ResellerPool)
                            .where(ResellerPool.reseller_id == reseller.id)) if query.narrowed else None
        rows = session.execute(
            select(ResellerPool.id, Subscription.name, Subscription.service, ResellerPool.source,
                   ResellerPool.payment_type, ResellerPool.quantity, ResellerPool.assigned_quantity,
                   Subscription.unit, status.label("status"), expires.label("expires_at"))
            .join(Subscription, Subscription.id == ResellerPool.subscription_id)
            .where(*conditions)
            .order_by(*order_by(sortable, query.sort, ResellerPool.id))
            .offset(offset).limit(limit)
        ).all()
        labels = reseller_pool_labels(session, reseller.id) if rows else {}
    return GridPage(total=total or 0, of=of, detail=f"{expired:,} expired" if expired else "", rows=[{
        "id": r.id, "name": labels[r.id], "service": r.service, "source": r.source, "payment_type": r.payment_type,
        "quantity": format_quantity(r.unit, r.quantity), "allocated": format_quantity(r.unit, r.assigned_quantity),
        "status": r.status, "expires_at": day(r.expires_at),
    } for r in rows])


def _pending_pools(session, actor: Principal, reseller, ids: list[int], now: datetime) -> list:
    """(pool, subscription) for the selected ids; refused whole if any is not pending."""
    if not ids:
        raise DomainError("Select at least one pool to return.")
    rows = session.execute(
        select(ResellerPool, Subscription)
        .join(Subscription, Subscription.id == ResellerPool.subscription_id)
        .where(ResellerPool.id.in_(ids), ResellerPool.reseller_id == reseller.id)
        .order_by(Subscription.name, ResellerPool.id)
    ).all()
    if len(rows) != len(ids):
        raise NotFound("One or more selected pools were")
    labels = reseller_pool_labels(session, reseller.id)
    refused = []
    for pool, sub in rows:
        shown = EXPIRED if pool_expires(pool.expires_at, sub.expires_at) <= now else pool.status
        if shown != PENDING:
            refused.append(f"{labels[pool.id]} is {shown}")
    if refused:
        raise DomainError("Only pools in Pending acceptance can be returned to your pool: " + "; ".join(refused) + ".")
    return [(pool, sub, labels[pool.id]) for pool, sub in rows]


def describe_return(db: Database, actor: Principal, reseller_id, pool_ids, *, now: datetime) -> list[dict]:
    """What Return to pool would give back, for its confirmation: pool, quantity, subscription."""
    require(actor, Action.POOL_RETURN)
    with db.reading() as session:
        reseller = own_reseller(session, actor, reseller_id)
        chosen = _pending_pools(session, actor, reseller, parse_ids(pool_ids, "pool"), now)
        return [_described(pool, sub, label) for pool, sub, label in chosen]


def return_to_pool(db: Database, actor: Principal, reseller_id, pool_ids, *, now: datetime) -> list[str]:
    """Give pending pools back to the LAR's Subscriptions; refused whole if any is not pending."""
    require(actor, Action.POOL_RETURN)
    ids = parse_ids(pool_ids, "pool")
    with db.unit_of_work(now=now) as session:
        return _release(session, actor, {own_reseller(session, actor, reseller_id, lock=True): ids}, now)


def describe_return_across(db: Database, actor: Principal, pool_ids, *, now: datetime) -> list[dict]:
    """describe_return for pools of several resellers (the Renewals grid): reseller too."""
    require(actor, Action.POOL_RETURN)
    with db.reading() as session:
        described = []
        for reseller, ids in _by_reseller(session, actor, parse_ids(pool_ids, "pool")).items():
            described += [{**_described(pool, sub, label), "reseller": reseller.organization_name}
                          for pool, sub, label in _pending_pools(session, actor, reseller, ids, now)]
        return described


def return_to_pool_across(db: Database, actor: Principal, pool_ids, *, now: datetime) -> list[str]:
    """return_to_pool for pools of several resellers, in one transaction: all or nothing."""
    require(actor, Action.POOL_RETURN)
    ids = parse_ids(pool_ids, "pool")
    with db.unit_of_work(now=now) as session:
        return _release(session, actor, _by_reseller(session, actor, ids, lock=True), now)


def _by_reseller(session, actor: Principal, ids: list[int], lock: bool = False) -> dict:
    """{reseller entry: its pool ids} for pools of the actor's LAR; NotFound if any is not."""
    if not ids:
        raise DomainError("Select at least one pool to return.")
    owners = session.execute(
        select(ResellerPool.id, ResellerPool.reseller_id)
        .join(DirectoryEntry, DirectoryEntry.id == ResellerPool.reseller_id)
        .where(ResellerPool.id.in_(ids), LarScope(actor).entries())
    ).all()
    if len(owners) != len(ids):
        raise NotFound("One or more selected pools were")
    grouped: dict[int, list[int]] = {}
    for pool_id, reseller_id in owners:
        grouped.setdefault(reseller_id, []).append(pool_id)
    # Resellers locked in id order: two operators returning overlapping sets cannot deadlock.
    return {own_reseller(session, actor, rid, lock=lock): grouped[rid] for rid in sorted(grouped)}


def _release(session, actor: Principal, chosen_by_reseller: dict, now: datetime) -> list[str]:
    chosen = [(reseller, pool, sub, label) for reseller, ids in chosen_by_reseller.items()
              for pool, sub, label in _pending_pools(session, actor, reseller, ids, now)]
    lock_subscriptions(session, LarScope(actor).lar_id, [sub.id for _, _, sub, _ in chosen])
    for reseller, pool, sub, _label in chosen:
        session.refresh(pool)  # seats_held as it is now that no reclaim can run beside us
        audit.record(session, actor, AuditAction.POOL_RETURN, f"pool:{pool.id}", now=now, reseller_id=reseller.id,
                     subscription_id=sub.id, quantity=pool.quantity)
        release_pool(session, actor, pool, now)
    return [label for _, _, _, label in chosen]


def _described(pool, sub, label: str) -> dict:
    return {"pool": label, "quantity": format_quantity(sub.unit, pool.quantity), "one": pool.quantity == 1,
            "subscription": sub.name}
