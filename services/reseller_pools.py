"""The Pools table of a reseller's dashboard, and Return to pool."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from data.db import Database
from data.models import POOL_STATUSES, ResellerPool, Subscription
from services import audit
from services.actor import Actor, require_acting_role
from services.clock import utcnow
from services.errors import DomainError, NotFound
from services.grid_query import GridPage, GridQuery, day, keyword_conditions, order_by
from services.pool_release import release_pool
from services.pool_state import effective_expiration, effective_status
from services.resellers import own_reseller, parse_ids
from services.units import format_quantity

SOURCES = ("Purchased", "Trial", "Not for resale")
PAYMENT_TYPES = ("Prepaid", "Pay as you go", "Free")
RETURNABLE = "Pending acceptance"


def list_pools(db: Database, actor: Actor, reseller_id, query: GridQuery, now: datetime | None = None) -> GridPage:
    now = now or utcnow()
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
                                     ("status", status, POOL_STATUSES)):
            chosen = query.chosen(key, allowed)
            if chosen:
                conditions.append(column.in_(chosen))
        base = select(ResellerPool.id).join(Subscription, Subscription.id == ResellerPool.subscription_id)
        total = session.scalar(select(func.count()).select_from(base.where(*conditions).subquery()))
        rows = session.execute(
            select(ResellerPool.id, Subscription.name, Subscription.service, ResellerPool.source,
                   ResellerPool.payment_type, ResellerPool.quantity, ResellerPool.assigned_quantity,
                   Subscription.unit, status.label("status"), expires.label("expires_at"))
            .join(Subscription, Subscription.id == ResellerPool.subscription_id)
            .where(*conditions)
            .order_by(*order_by(sortable, query.sort, ResellerPool.id))
            .offset(offset).limit(limit)
        ).all()
    return GridPage(total=total or 0, rows=[{
        "id": r.id, "name": r.name, "service": r.service, "source": r.source, "payment_type": r.payment_type,
        "quantity": format_quantity(r.unit, r.quantity), "allocated": format_quantity(r.unit, r.assigned_quantity),
        "status": r.status, "expires_at": day(r.expires_at),
    } for r in rows])


def return_to_pool(db: Database, actor: Actor, reseller_id, pool_ids) -> list[str]:
    """Give pending pools back to the LAR's Subscriptions; refused whole if any is not pending."""
    require_acting_role(actor)
    ids = parse_ids(pool_ids)
    if not ids:
        raise DomainError("Select at least one pool to return.")
    now = utcnow()
    with db.unit_of_work() as session:
        reseller = own_reseller(session, actor, reseller_id, lock=True)
        pools = session.execute(
            select(ResellerPool, Subscription.name)
            .join(Subscription, Subscription.id == ResellerPool.subscription_id)
            .where(ResellerPool.id.in_(ids), ResellerPool.reseller_id == reseller.id)
            .with_for_update()
        ).all()
        if len(pools) != len(ids):
            raise NotFound("One or more selected pools were")
        refused = [f"{name} is {pool.status}" for pool, name in pools if pool.status != RETURNABLE]
        if refused:
            raise DomainError(
                "Only pools in Pending acceptance can be returned to your pool: " + "; ".join(refused) + "."
            )
        for pool, _name in pools:
            audit.record(session, actor, "pool.return", f"pool:{pool.id}", reseller_id=reseller.id,
                         subscription_id=pool.subscription_id, quantity=pool.quantity)
            release_pool(session, actor, pool, now)
        return sorted(name for _, name in pools)
