"""The hand-built world of the pool allocation tests (a LAR, a mapped reseller, two Subscriptions),
the requests they send, and what they read back to show what was written."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from data.catalog import SERVICE_UNITS
from data.models import AllocationEvent, AuditEvent, ResellerPool, Subscription
from services.common.errors import InvalidForm
from services.common.grid_query import GridQuery
from services.pools.listing import list_pools
from services.subscriptions.choices import availability
from tests.factories import two_lars

M365 = "Cloud Backup for Microsoft 365"
ARCHIVE = "Cloud Archiving"


# --- helpers -----------------------------------------------------------------

def _subscription(w, lar_id, service=M365, purchased=100, expires_in_days=365, name=None):
    return w.add(Subscription(lar_id=lar_id, service=service, name=name or f"{service} plan",
                              source="Purchased", unit=SERVICE_UNITS[service], purchased_quantity=purchased,
                              allocated_quantity=0, starts_at=w.now - timedelta(days=100),
                              expires_at=w.now + timedelta(days=expires_in_days))).id


def _world(db):
    w = two_lars(db)
    w.op = w.actors["operator@first.example"]
    w.rid = w.reseller(w.first, "Alpha", "a@alpha.example")
    w.seats = _subscription(w, w.first, M365, purchased=100, name="M365 Backup")
    w.archive = _subscription(w, w.first, ARCHIVE, purchased=500, name="Archive 2026")
    return w


def _req(service, subscription_id, quantity, expiration="same", day=None, source="Purchased",
         payment_type="Prepaid"):
    return {"service": service, "subscription_id": subscription_id, "source": source,
            "payment_type": payment_type, "quantity": quantity, "expiration": expiration, "expiration_date": day}


def _changes(quantity, expiration="same", day=None, payment_type="Prepaid"):
    return {"payment_type": payment_type, "quantity": quantity, "expiration": expiration, "expiration_date": day}


def _state(db) -> dict:
    """Everything an allocation write touches, to show a refused save wrote nothing."""
    with db.reading() as s:
        return {
            "pools": s.execute(select(ResellerPool.id, ResellerPool.quantity, ResellerPool.payment_type,
                                      ResellerPool.expires_at, ResellerPool.seats_held, ResellerPool.version)
                               .order_by(ResellerPool.id)).all(),
            "subscriptions": s.execute(select(Subscription.id, Subscription.allocated_quantity)
                                       .order_by(Subscription.id)).all(),
            "ledger": s.scalar(select(func.count()).select_from(AllocationEvent)),
            "audit": s.scalar(select(func.count()).select_from(AuditEvent)),
        }


def _allocated(db, sub_id) -> int:
    with db.reading() as s:
        return s.get(Subscription, sub_id).allocated_quantity


def _held_sum(db, sub_id) -> int:
    with db.reading() as s:
        return s.scalar(select(func.coalesce(func.sum(ResellerPool.quantity), 0))
                        .where(ResellerPool.subscription_id == sub_id, ResellerPool.seats_held.is_(True)))


def _available(db, w, sub_id, now=None) -> int:
    with db.reading() as s:
        [row] = availability(s, w.first, now or w.now, ids=[sub_id], unexpired_only=False)
        return row["available"]


def _pool(db, pool_id) -> ResellerPool | None:
    with db.reading() as s:
        return s.get(ResellerPool, pool_id)


def _ledger(db, pool_id) -> list[int]:
    with db.reading() as s:
        return s.scalars(select(AllocationEvent.purchased_delta).where(AllocationEvent.reseller_pool_id == pool_id)
                         .order_by(AllocationEvent.id)).all()


def _audit(db, action) -> list[AuditEvent]:
    with db.reading() as s:
        return s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def _statuses(db, w, rid=None) -> dict[int, str]:
    page = list_pools(db, w.op, rid or w.rid, GridQuery(), now=w.now)
    return {r["id"]: r["status"] for r in page.rows}


def _refusal(call, *args, **kwargs) -> dict:
    with pytest.raises(InvalidForm) as refused:
        call(*args, **kwargs)
    return refused.value.errors
