"""The Customers table of a reseller's dashboard.

While the reseller's customer visibility is off the names never leave the database
query: cells say HIDDEN, the Customer filter has no options, name search and name
filters are ignored (a match would reveal a name), exports carry the same rows.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, case, func, literal, select

from data.db import Database
from data.models import CustomerAssignment, ResellerPool, Subscription, Tenant
from services.access.principal import Principal
from services.common.grid_query import GridPage, GridQuery, day, keyword_conditions, order_by
from services.common.ids import row_ids
from services.common.units import format_quantity
from services.directory.entries import own_reseller
from services.pools.state import effective_expiration, reseller_pool_labels

HIDDEN = "Hidden by reseller"


def list_customers(db: Database, actor: Principal, reseller_id, query: GridQuery, *, now: datetime) -> GridPage:
    offset, limit = query.bounds()
    ends = case((CustomerAssignment.ends_at.is_not(None), CustomerAssignment.ends_at), else_=effective_expiration())
    with db.reading() as session:
        reseller = own_reseller(session, actor, reseller_id)
        visible = reseller.customer_visibility
        name = Tenant.organization_name if visible else literal(HIDDEN)
        sortable = {"pool": Subscription.name, "quantity": CustomerAssignment.quantity,
                    "assigned_at": CustomerAssignment.assigned_at, "expires_at": ends}
        conditions = [ResellerPool.reseller_id == reseller.id]
        if visible:
            sortable["organization_name"] = Tenant.organization_name
            conditions += keyword_conditions(Tenant.organization_name, query.search)
            if query.is_set("customer"):
                conditions.append(CustomerAssignment.customer_tenant_id.in_(row_ids(query.chosen("customer"))))
        if query.is_set("pool"):
            conditions.append(ResellerPool.id.in_(row_ids(query.chosen("pool"))))
        counted = select(func.count()).select_from(CustomerAssignment).join(
            ResellerPool, ResellerPool.id == CustomerAssignment.reseller_pool_id)
        if visible and query.search.strip():  # the name search is the only condition on tenants
            counted = counted.join(Tenant, Tenant.id == CustomerAssignment.customer_tenant_id)
        total = session.scalar(counted.where(*conditions))
        of = session.scalar(select(func.count()).select_from(CustomerAssignment).join(
            ResellerPool, ResellerPool.id == CustomerAssignment.reseller_pool_id).where(
            ResellerPool.reseller_id == reseller.id)) if query.narrowed else None
        rows = session.execute(
            select(CustomerAssignment.id, name.label("organization_name"), ResellerPool.id.label("pool_id"),
                   Subscription.unit, CustomerAssignment.quantity, CustomerAssignment.assigned_at,
                   ends.label("expires_at"))
            .join(ResellerPool, ResellerPool.id == CustomerAssignment.reseller_pool_id)
            .join(Subscription, Subscription.id == ResellerPool.subscription_id)
            .join(Tenant, Tenant.id == CustomerAssignment.customer_tenant_id)
            .where(*conditions)
            .order_by(*order_by(sortable, query.sort, CustomerAssignment.id))
            .offset(offset).limit(limit)
        ).all()
        labels = reseller_pool_labels(session, reseller.id) if rows else {}
    return GridPage(total=total or 0, of=of, rows=[{
        "id": r.id, "organization_name": r.organization_name, "pool": labels[r.pool_id],
        "quantity": format_quantity(r.unit, r.quantity), "assigned_at": day(r.assigned_at),
        "expires_at": day(r.expires_at),
    } for r in rows])


def customer_filter_options(db: Database, actor: Principal, reseller_id) -> dict:
    """Options of the Customers table's Filter: customers (withheld when hidden) and pools."""
    with db.reading() as session:
        reseller = own_reseller(session, actor, reseller_id)
        labels = reseller_pool_labels(session, reseller.id)
        customers: Sequence[Row[int, str]] = []
        if reseller.customer_visibility:
            customers = session.execute(
                select(Tenant.id, Tenant.organization_name).distinct()
                .join(CustomerAssignment, CustomerAssignment.customer_tenant_id == Tenant.id)
                .join(ResellerPool, ResellerPool.id == CustomerAssignment.reseller_pool_id)
                .where(ResellerPool.reseller_id == reseller.id)
                .order_by(Tenant.organization_name)
            ).all()
    return {
        "visible": reseller.customer_visibility,
        "customers": [{"value": str(c.id), "label": c.organization_name} for c in customers],
        "pools": [{"value": str(pool_id), "label": label}
                  for pool_id, label in sorted(labels.items(), key=lambda item: (item[1], item[0]))],
    }

