"""Whole-dashboard server time for one heavy reseller (50 pools, 5,000 customers) in the
20,000-reseller database, against raw SQL doing the same aggregates and pages.

    python -m bench.dashboard
"""
from __future__ import annotations

import random
from datetime import timedelta
from functools import partial

from sqlalchemy import insert, select, text

from bench.directory import database, p50
from data.models import AllocationEvent, CustomerAssignment, DirectoryEntry, ResellerPool, Subscription, Tenant
from services.access.console_user import load_principal
from services.common.clock import SystemClock
from services.common.grid_query import GridQuery
from services.directory.customers import customer_filter_options, list_customers
from services.metrics.dashboard import availability_trend, kpis, trend_dates
from services.pools.listing import list_pools

HEAVY = "Bench Heavy Reseller"
POOLS, CUSTOMERS = 50, 5_000


def heavy_reseller(db) -> int:
    """Add (once) a reseller of the first LAR with 50 pools and 5,000 customers, 6 months of ledger."""
    with db.reading() as s:
        found = s.scalars(select(DirectoryEntry.id).where(DirectoryEntry.organization_name == HEAVY)).first()
    if found:
        return found
    rng, now = random.Random(11), SystemClock().now()
    with db.unit_of_work(now=now) as s:
        tenant = Tenant(kind="reseller", organization_name=HEAVY, owner_email="bench@heavy.example", created_at=now)
        s.add(tenant)
        s.flush()
        reseller = DirectoryEntry(lar_id=1, tenant_id=tenant.id, organization_name=HEAVY, email="bench@heavy.example",
                            status="Mapped", customer_visibility=True, invited_at=now - timedelta(days=200),
                            mapped_at=now - timedelta(days=199))
        s.add(reseller)
        s.flush()
        subs = []
        for k in range(5):
            sub = Subscription(lar_id=1, service="Cloud Management", name=f"Bench subscription {k}",
                               source="Purchased", unit="user seats", purchased_quantity=200_000,
                               allocated_quantity=0, starts_at=now - timedelta(days=300),
                               expires_at=now + timedelta(days=400))
            s.add(sub)
            subs.append(sub)
        s.flush()
        pools = []
        for i in range(POOLS):
            sub = subs[i % len(subs)]
            created = now - timedelta(days=rng.randint(1, 180))
            pool = ResellerPool(reseller_id=reseller.id, subscription_id=sub.id, source="Purchased",
                                payment_type="Prepaid", quantity=2_000, assigned_quantity=0, expires_at=None,
                                status="Active" if i % 5 else "Pending acceptance", created_at=created)
            s.add(pool)
            sub.allocated_quantity += 2_000
            pools.append(pool)
        s.flush()
        customers = [{"kind": "customer", "organization_name": f"Heavy Customer {c:05d}",
                      "owner_email": f"it@heavy-{c}.example", "created_at": now} for c in range(CUSTOMERS)]
        s.execute(insert(Tenant), customers)
        ids = s.scalars(select(Tenant.id).where(Tenant.organization_name.like("Heavy Customer %"))
                        .order_by(Tenant.id)).all()
        assignments, events = [], []
        active = [p for p in pools if p.status == "Active"]
        for pool in pools:
            events.append({"at": pool.created_at, "reseller_pool_id": pool.id, "purchased_delta": 2_000,
                           "allocated_delta": 0})
        for c, customer_id in enumerate(ids):
            pool = active[c % len(active)]
            at = pool.created_at + (now - pool.created_at) * rng.random()
            assignments.append({"reseller_pool_id": pool.id, "customer_tenant_id": customer_id, "quantity": 10,
                                "assigned_at": at, "ends_at": None})
            events.append({"at": at, "reseller_pool_id": pool.id, "purchased_delta": 0, "allocated_delta": 10})
            pool.assigned_quantity += 10
        s.execute(insert(CustomerAssignment), assignments)
        s.execute(insert(AllocationEvent), events)
        return reseller.id


def raw_parts(rid: int, now) -> dict[str, tuple[str, dict]]:
    """The same work as each service, as one hand-written SQL statement (or two) each."""
    live = ("rp.reseller_id = :rid AND (CASE WHEN rp.expires_at IS NULL OR "
            "rp.expires_at > s.expires_at THEN s.expires_at ELSE rp.expires_at END) > :now")
    params = {"rid": rid, "now": now, "soon": now + timedelta(days=30)}
    expires = ("(CASE WHEN rp.expires_at IS NULL OR rp.expires_at > s.expires_at "
               "THEN s.expires_at ELSE rp.expires_at END)")
    sums = ", ".join(f"SUM(CASE WHEN e.at < :d{i} THEN e.purchased_delta ELSE 0 END), "
                     f"SUM(CASE WHEN e.at < :d{i} THEN e.allocated_delta ELSE 0 END)" for i in range(7))
    dates = {f"d{i}": now for i in range(7)}
    for i, d in enumerate(trend_dates(now.date())[:-1]):
        dates[f"d{i}"] = d + timedelta(days=1)
    return {
        "KPIs": ([f"""SELECT s.unit, COUNT(*), SUM(rp.quantity), SUM(rp.assigned_quantity),
            SUM(CASE WHEN rp.status = 'Pending acceptance' THEN rp.quantity ELSE 0 END),
            SUM(CASE WHEN (CASE WHEN rp.expires_at IS NULL OR rp.expires_at > s.expires_at THEN s.expires_at
                     ELSE rp.expires_at END) <= :soon THEN rp.quantity ELSE 0 END)
            FROM reseller_pools rp JOIN subscriptions s ON s.id = rp.subscription_id WHERE {live} GROUP BY s.unit""",
                  f"""SELECT COUNT(DISTINCT ca.customer_tenant_id) FROM customer_assignments ca
            JOIN reseller_pools rp ON rp.id = ca.reseller_pool_id JOIN subscriptions s ON s.id = rp.subscription_id
            WHERE {live} AND (ca.ends_at IS NULL OR ca.ends_at > :now)"""], params),
        "trend": ([f"""SELECT e.reseller_pool_id, {sums},
            SUM(CASE WHEN e.at < {expires} THEN e.purchased_delta ELSE 0 END),
            SUM(CASE WHEN e.at < {expires} THEN e.allocated_delta ELSE 0 END) FROM allocation_events e
            JOIN reseller_pools rp ON rp.id = e.reseller_pool_id JOIN subscriptions s ON s.id = rp.subscription_id
            WHERE rp.reseller_id = :rid GROUP BY e.reseller_pool_id"""], {"rid": rid, **dates}),
        "pools page": ([f"""SELECT COUNT(*), SUM(CASE WHEN {expires} <= :now THEN 1 ELSE 0 END)
            FROM reseller_pools rp JOIN subscriptions s ON s.id = rp.subscription_id WHERE rp.reseller_id = :rid""",
                        """SELECT rp.id, s.name, s.service, rp.source, rp.payment_type, rp.quantity,
            rp.assigned_quantity, rp.status, s.expires_at FROM reseller_pools rp
            JOIN subscriptions s ON s.id = rp.subscription_id
            WHERE rp.reseller_id = :rid ORDER BY rp.id LIMIT 50"""], params),
        "customers page": (["""SELECT COUNT(*) FROM customer_assignments ca
            JOIN reseller_pools rp ON rp.id = ca.reseller_pool_id WHERE rp.reseller_id = :rid""",
                            """SELECT ca.id, t.organization_name, s.name, ca.quantity, ca.assigned_at
            FROM customer_assignments ca JOIN reseller_pools rp ON rp.id = ca.reseller_pool_id
            JOIN subscriptions s ON s.id = rp.subscription_id JOIN tenants t ON t.id = ca.customer_tenant_id
            WHERE rp.reseller_id = :rid ORDER BY ca.id LIMIT 50"""], params),
        "customer filter options": (["""SELECT DISTINCT t.id, t.organization_name FROM tenants t
            JOIN customer_assignments ca ON ca.customer_tenant_id = t.id
            JOIN reseller_pools rp ON rp.id = ca.reseller_pool_id WHERE rp.reseller_id = :rid
            ORDER BY t.organization_name""",
                                     """SELECT rp.id, s.name FROM reseller_pools rp
            JOIN subscriptions s ON s.id = rp.subscription_id WHERE rp.reseller_id = :rid ORDER BY s.name, rp.id"""],
                                    params),
    }


def main() -> None:
    db = database(20_000)
    rid = heavy_reseller(db)
    actor = load_principal(db, 2)
    now = SystemClock().now()
    first_page = GridQuery(start=0, end=50)
    parts = {
        "KPIs": lambda: kpis(db, actor, rid, now=now),
        "trend": lambda: availability_trend(db, actor, rid, now=now),
        "pools page": lambda: list_pools(db, actor, rid, first_page, now=now),
        "customers page": lambda: list_customers(db, actor, rid, first_page, now=now),
        "customer filter options": lambda: customer_filter_options(db, actor, rid),
    }
    raws = raw_parts(rid, now)

    def run_raw(name):
        statements, params = raws[name]
        with db.engine.connect() as conn:
            for sql in statements:
                conn.execute(text(sql), params).all()

    print(f"heavy reseller: {POOLS} pools, {CUSTOMERS:,} customers, in the 20,000-reseller database")
    total_service = total_raw = 0.0
    for name, fn in parts.items():
        service_ms, raw_ms = p50(fn), p50(partial(run_raw, name))
        total_service += service_ms
        total_raw += raw_ms
        print(f"  {name:<24} p50 {service_ms:6.2f} ms   raw SQL {raw_ms:6.2f} ms   ratio {service_ms / raw_ms:5.2f}x")
    whole = p50(lambda: [fn() for fn in parts.values()])
    print(f"  whole dashboard p50 {whole:.2f} ms (parts sum {total_service:.2f} ms); "
          f"raw SQL {total_raw:.2f} ms; ratio {total_service / total_raw:.2f}x")


if __name__ == "__main__":
    main()
