"""The Renewals page's callbacks (cards, chart, first grid page) on the demo data at scale,
against raw SQL doing the same work.

    python -m bench.renewals [resellers ...]     (default: 20000 200000)

Target (DESIGN.md): under 100 ms p50 at 20,000 resellers; printed at 200,000 too.
"""
from __future__ import annotations

import sys
from datetime import timedelta
from functools import partial

from sqlalchemy import text

from bench.directory import database, p50
from services.access.console_user import load_principal
from services.common.clock import SystemClock
from services.common.grid_query import GridQuery
from services.pools.renewals import expiring_by_week, list_renewals, renewal_figures

ENDS = "(CASE WHEN rp.expires_at IS NULL OR rp.expires_at > s.expires_at THEN s.expires_at ELSE rp.expires_at END)"
FROM = ("FROM reseller_pools rp JOIN subscriptions s ON s.id = rp.subscription_id "
        "JOIN resellers r ON r.id = rp.reseller_id")
LIVE = f"r.lar_id = :lar AND {ENDS} > :now"


def raw_parts(now) -> dict[str, tuple[list[str], dict]]:
    params = {"lar": 1, "now": now, "d7": now + timedelta(days=7), "d30": now + timedelta(days=30),
              "d90": now + timedelta(days=90), "horizon": now + timedelta(days=91)}
    listed = f"{LIVE} AND ({ENDS} <= :d30 OR rp.status = 'Pending acceptance')"
    live = f"{ENDS} > :now"
    return {
        "cards": ([f"""SELECT s.id, s.name, s.unit, s.purchased_quantity, s.expires_at, s.low_threshold,
                s.low_threshold_kind,
                SUM(CASE WHEN {live} AND {ENDS} <= :d7 THEN rp.quantity ELSE 0 END),
                SUM(CASE WHEN {live} AND {ENDS} <= :d30 THEN rp.quantity ELSE 0 END),
                SUM(CASE WHEN {live} AND {ENDS} <= :d90 THEN rp.quantity ELSE 0 END),
                SUM(CASE WHEN {live} AND rp.status = 'Pending acceptance' THEN rp.quantity ELSE 0 END),
                SUM(CASE WHEN {live} AND rp.status = 'Active' THEN rp.quantity ELSE 0 END),
                MIN(CASE WHEN {live} AND rp.status = 'Pending acceptance' THEN rp.created_at END)
                FROM subscriptions s LEFT JOIN reseller_pools rp ON rp.subscription_id = s.id
                WHERE s.lar_id = :lar GROUP BY s.id"""], params),
        "chart": ([f"""SELECT s.service, s.unit, {ENDS}, SUM(rp.quantity)
                FROM reseller_pools rp JOIN subscriptions s ON s.id = rp.subscription_id
                WHERE s.lar_id = :lar AND {live} AND {ENDS} < :horizon GROUP BY s.service, s.unit, {ENDS}"""], params),
        "grid page": ([f"""SELECT rp.id, rp.reseller_id, r.organization_name, s.service, s.unit, rp.quantity,
                rp.assigned_quantity, {ENDS}, rp.status, rp.created_at, COUNT(*) OVER () {FROM} WHERE {listed}
                ORDER BY {ENDS}, rp.id LIMIT 50""",
                       """SELECT rp.id, rp.reseller_id, s.name, rp.created_at FROM reseller_pools rp
                JOIN subscriptions s ON s.id = rp.subscription_id WHERE rp.reseller_id IN (
                    SELECT rp2.reseller_id FROM reseller_pools rp2 ORDER BY rp2.id LIMIT 50)"""], params),
    }


def run(resellers: int) -> None:
    db = database(resellers)
    actor = load_principal(db, 2)
    now = SystemClock().now()
    parts = {
        "cards": lambda: renewal_figures(db, actor, now=now),
        "chart": lambda: expiring_by_week(db, actor, now=now),
        "grid page": lambda: list_renewals(db, actor, GridQuery(start=0, end=50), now=now),
    }
    raws = raw_parts(now)

    def run_raw(name):
        statements, params = raws[name]
        with db.engine.connect() as conn:
            for sql in statements:
                conn.execute(text(sql), params).all()

    page = list_renewals(db, actor, GridQuery(start=0, end=50), now=now)
    print(f"{resellers:,} resellers (Renewals lists {page.total:,} pools in 30 days or pending):")
    for name, fn in parts.items():
        service_ms, raw_ms = p50(fn), p50(partial(run_raw, name))
        print(f"  {name:<10} p50 {service_ms:7.2f} ms   raw SQL {raw_ms:7.2f} ms   ratio {service_ms / raw_ms:5.2f}x")
    whole = p50(lambda: [fn() for fn in parts.values()])
    print(f"  whole page's callbacks p50 {whole:.2f} ms (target under 100 ms at 20,000)")


def main() -> None:
    for resellers in [int(a) for a in sys.argv[1:]] or [20_000, 200_000]:
        run(resellers)


if __name__ == "__main__":
    main()
