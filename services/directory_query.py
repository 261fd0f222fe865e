"""The Reseller directory as a server-paged query: search, filter, sort and paging in SQL.

Only the page's rows get their pool and customer figures, so the cost of a
request follows the rows shown, not the rows stored.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select

from data.db import Database
from data.models import RESELLER_STATUSES, CustomerAssignment, Reseller, ResellerPool, Subscription
from services.actor import Actor
from services.clock import utcnow
from services.grid_query import GridPage, GridQuery, day, order_by, search_keywords
from services.pool_state import is_live
from services.units import format_quantities

SORTABLE = {
    "organization_name": Reseller.organization_name,
    "email": Reseller.email,
    "status": Reseller.status,
    "invited_at": Reseller.invited_at,
    "mapped_at": Reseller.mapped_at,
}


def _where(actor: Actor, query: GridQuery):
    conditions = [Reseller.lar_id == actor.lar_id]
    # Emails are stored lower-case, so the plain column keeps the covering index usable.
    conditions += [Reseller.email.contains(k, autoescape=True) for k in search_keywords(query.search)]
    statuses = query.chosen("status", RESELLER_STATUSES)
    if statuses:
        conditions.append(Reseller.status.in_(statuses))
    return conditions


def list_directory(db: Database, actor: Actor, query: GridQuery, now: datetime | None = None) -> GridPage:
    now = now or utcnow()
    offset, limit = query.bounds()
    conditions = _where(actor, query)
    with db.reading() as session:
        total = session.scalar(select(func.count()).select_from(Reseller).where(*conditions))
        resellers = session.execute(
            select(
                Reseller.id,
                Reseller.organization_name,
                Reseller.email,
                Reseller.status,
                Reseller.customer_visibility,
                Reseller.invited_at,
                Reseller.mapped_at,
            )
            .where(*conditions)
            .order_by(*order_by(SORTABLE, query.sort, Reseller.id))
            .offset(offset)
            .limit(limit)
        ).all()
        figures = _page_figures(session, [r.id for r in resellers], now)
    rows = []
    for r in resellers:
        f = figures.get(r.id, {})
        rows.append(
            {
                "id": r.id,
                "organization_name": r.organization_name,
                "email": r.email,
                "status": r.status,
                "pools": f.get("pools", 0),
                "customers": f.get("customers", 0),
                "total_quantity": format_quantities(f.get("total", {})),
                "allocated_quantity": format_quantities(f.get("allocated", {})),
                "customer_visibility": bool(r.customer_visibility),
                "invited_at": day(r.invited_at),
                "mapped_at": day(r.mapped_at),
            }
        )
    return GridPage(rows=rows, total=total or 0)


def _page_figures(session, reseller_ids: list[int], now: datetime) -> dict[int, dict]:
    if not reseller_ids:
        return {}
    figures: dict[int, dict] = defaultdict(
        lambda: {"pools": 0, "customers": 0, "total": {}, "allocated": {}}
    )
    pools = session.execute(
        select(
            ResellerPool.reseller_id,
            Subscription.unit,
            func.count(),
            func.sum(ResellerPool.quantity),
            func.sum(ResellerPool.assigned_quantity),
        )
        .join(Subscription, Subscription.id == ResellerPool.subscription_id)
        .where(ResellerPool.reseller_id.in_(reseller_ids), is_live(now))
        .group_by(ResellerPool.reseller_id, Subscription.unit)
    ).all()
    for reseller_id, unit, count, quantity, assigned in pools:
        f = figures[reseller_id]
        f["pools"] += count
        f["total"][unit] = int(quantity or 0)
        f["allocated"][unit] = int(assigned or 0)
    customers = session.execute(
        select(ResellerPool.reseller_id, func.count(func.distinct(CustomerAssignment.customer_tenant_id)))
        .join(ResellerPool, ResellerPool.id == CustomerAssignment.reseller_pool_id)
        .join(Subscription, Subscription.id == ResellerPool.subscription_id)
        .where(
            ResellerPool.reseller_id.in_(reseller_ids),
            is_live(now),
            (CustomerAssignment.ends_at.is_(None)) | (CustomerAssignment.ends_at > now),
        )
        .group_by(ResellerPool.reseller_id)
    ).all()
    for reseller_id, count in customers:
        figures[reseller_id]["customers"] = count
    return figures
