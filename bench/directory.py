"""Directory page server time against the raw SQL doing the same work, at 1k, 20k and 200k resellers.

    python -m bench.directory            # builds bench/data/*.db once, then measures
    python -m bench.directory 200000     # one size

Prints p50 times of: the service (list_directory), the whole Dash callback over HTTP
(Flask test client, sign-in, CSRF and JSON included), and raw SQL fetching the same
100 rows with the same figures; then the ratios.
"""
from __future__ import annotations

import statistics
import sys
import time
from functools import partial
from pathlib import Path

from sqlalchemy import text

from data.db import Database
from data.demo import load_demo
from data.migrate import upgrade
from services.access.console_user import load_principal
from services.common.clock import SystemClock
from services.common.grid_query import GridQuery
from services.directory.query import list_directory

DATA = Path(__file__).parent / "data"
SEARCH, STATUS, SORT = "an", "Mapped", (("organization_name", "desc"),)
RUNS = 60

RAW = """
WITH page AS (
  SELECT id, organization_name, email, status, customer_visibility, invited_at, mapped_at
  FROM resellers
  WHERE lar_id = :lar AND email LIKE :kw AND status = :status
  ORDER BY organization_name DESC, id ASC LIMIT 100 OFFSET 0
), live AS (
  SELECT rp.id, rp.reseller_id, s.unit, rp.quantity, rp.assigned_quantity
  FROM reseller_pools rp JOIN subscriptions s ON s.id = rp.subscription_id
  WHERE rp.reseller_id IN (SELECT id FROM page)
    AND (CASE WHEN rp.expires_at IS NULL OR rp.expires_at > s.expires_at
              THEN s.expires_at ELSE rp.expires_at END) > :now
)
SELECT p.*, (SELECT COUNT(*) FROM resellers WHERE lar_id = :lar AND email LIKE :kw AND status = :status) AS total,
  (SELECT COUNT(*) FROM live WHERE live.reseller_id = p.id) AS pools,
  (SELECT COUNT(DISTINCT ca.customer_tenant_id) FROM customer_assignments ca JOIN live ON live.id = ca.reseller_pool_id
     WHERE live.reseller_id = p.id AND (ca.ends_at IS NULL OR ca.ends_at > :now)) AS customers,
  (SELECT GROUP_CONCAT(unit || ':' || q)
     FROM (SELECT unit, SUM(quantity) AS q FROM live WHERE live.reseller_id = p.id GROUP BY unit)) AS totals
FROM page p ORDER BY p.organization_name DESC, p.id ASC
"""


def database(resellers: int, url: str | None = None) -> Database:
    """The demo data at this size, built once: a SQLite file under bench/data, or url."""
    DATA.mkdir(exist_ok=True)
    url = url or f"sqlite:///{DATA / f'directory-{resellers}.db'}"
    upgrade(url)
    db = Database(url)
    began = time.perf_counter()
    if load_demo(db, now=SystemClock().now(), resellers=resellers):
        print(f"  built {resellers:,} resellers in {time.perf_counter() - began:.1f}s")
    return db


def p50(fn) -> float:
    fn()  # warm
    samples = []
    for _ in range(RUNS):
        began = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def http_caller(db: Database):
    from app import create_app
    from config import Settings
    from tests.integration.conftest import dash_call, sign_in

    app = create_app(Settings(database_url=db.url, secret_key="bench", demo_data=False, instance=DATA))
    client = app.server.test_client()
    sign_in(client, "operator@demo.example")
    client.get("/")
    outputs = [("dir-grid", "getRowsResponse"), ("dir-count", "children"), ("dir-empty", "children"),
               ("dir-paper", "className"), ("dir-grid", "style")]
    request = {"startRow": 0, "endRow": 100, "sortModel": [{"colId": "organization_name", "sort": "desc"}]}
    query = {"search": SEARCH, "filters": {"status": [STATUS]}}

    def call():
        response = dash_call(client, outputs, [("dir-grid", "getRowsRequest", request)],
                             [("dir-query", "data", query), ("dir-context", "data", None)])
        assert response.status_code == 200
    return call


RAW_BY_FIGURE = """
WITH page AS (
  SELECT r.id, r.organization_name, r.email, r.status, r.customer_visibility, r.invited_at, r.mapped_at
  FROM resellers r JOIN reseller_figures f ON f.reseller_id = r.id
  WHERE r.lar_id = :lar AND f.lar_id = :lar
  ORDER BY f.{column} DESC, r.id ASC LIMIT 100 OFFSET 0
), live AS (
  SELECT rp.id, rp.reseller_id, s.unit, rp.quantity, rp.assigned_quantity
  FROM reseller_pools rp JOIN subscriptions s ON s.id = rp.subscription_id
  WHERE rp.reseller_id IN (SELECT id FROM page)
    AND (CASE WHEN rp.expires_at IS NULL OR rp.expires_at > s.expires_at
              THEN s.expires_at ELSE rp.expires_at END) > :now
)
SELECT p.id, (SELECT COUNT(*) FROM resellers WHERE lar_id = :lar) AS total,
  (SELECT COUNT(*) FROM live WHERE live.reseller_id = p.id) AS pools,
  (SELECT COUNT(DISTINCT ca.customer_tenant_id) FROM customer_assignments ca JOIN live ON live.id = ca.reseller_pool_id
     WHERE live.reseller_id = p.id AND (ca.ends_at IS NULL OR ca.ends_at > :now)) AS customers,
  (SELECT GROUP_CONCAT(unit || ':' || q)
     FROM (SELECT unit, SUM(quantity) AS q FROM live WHERE live.reseller_id = p.id GROUP BY unit)) AS totals
FROM page p
"""
FIGURES = ("pools", "customers", "total_quantity", "allocated_quantity", "utilisation")


def measure_figure_sorts(db: Database, actor) -> dict[str, tuple[float, float]]:
    """Sorted by each stored figure, first page of every reseller: (service p50, raw SQL p50).
    The raw SQL does the same work: the page in that order, the count, the page's figures."""
    now = SystemClock().now()
    results = {}

    def raw(raw_sql):
        with db.engine.connect() as conn:
            return conn.execute(raw_sql, {"lar": actor.lar_id, "now": now}).scalars().all()

    for column in FIGURES:
        query = GridQuery(sort=((column, "desc"),), start=0, end=100)
        raw_sql = text(RAW_BY_FIGURE.format(column=column))
        assert [r["id"] for r in list_directory(db, actor, query, now=now).rows] == raw(raw_sql), column
        results[column] = (p50(partial(list_directory, db, actor, query, now=now)), p50(partial(raw, raw_sql)))
    return results


def measure(resellers: int, with_http: bool) -> dict:
    db = database(resellers)
    actor = load_principal(db, 2)  # operator@demo.example
    query = GridQuery(search=SEARCH, filters={"status": (STATUS,)}, sort=SORT, start=0, end=100)
    now = SystemClock().now()
    page = list_directory(db, actor, query, now=now)
    raw_params = {"lar": actor.lar_id, "kw": f"%{SEARCH}%", "status": STATUS, "now": now}

    def raw():
        with db.engine.connect() as conn:
            return conn.execute(text(RAW), raw_params).all()

    assert [r["id"] for r in page.rows] == [r.id for r in raw()], "raw SQL must fetch the same rows"
    figures = {"rows": len(page.rows), "matching": page.total,
               "service": p50(lambda: list_directory(db, actor, query, now=now)), "raw": p50(raw)}
    if with_http:
        figures["http"] = p50(http_caller(db))
    figures["sorts"] = measure_figure_sorts(db, actor)
    return figures


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1_000, 20_000, 200_000]
    results = {}
    for i, n in enumerate(sizes):
        print(f"{n:,} resellers:")
        # One Dash app per process: the HTTP figure is taken at the largest size.
        results[n] = measure(n, with_http=(i == len(sizes) - 1))
        f = results[n]
        line = (f"  {f['rows']} rows of {f['matching']:,} matching; p50 service {f['service']:.2f} ms, "
                f"raw SQL {f['raw']:.2f} ms, ratio {f['service'] / f['raw']:.2f}x")
        if "http" in f:
            line += f"; whole callback over HTTP {f['http']:.2f} ms ({f['http'] / f['raw']:.2f}x raw)"
        print(line)
        for column, (service, raw) in f["sorts"].items():
            print(f"    sorted by {column} (desc), first page: p50 service {service:.2f} ms, raw SQL {raw:.2f} ms, "
                  f"ratio {service / raw:.2f}x")
    if len(sizes) > 1:
        small, large = results[sizes[0]], results[sizes[-1]]
        print(f"scaling {sizes[0]:,} -> {sizes[-1]:,}: service {large['service'] / small['service']:.2f}x, "
              f"raw SQL {large['raw'] / small['raw']:.2f}x")


if __name__ == "__main__":
    main()
