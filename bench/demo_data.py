"""Load deterministic demo data into an empty database, at any scale, for the benchmarks:

python -m bench.demo_data --resellers 20000 --database-url sqlite:///bench.db
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import func, select

from config import Settings
from data.db import Database
from data.demo import load_demo
from data.migrate import upgrade
from data.models import AllocationEvent, CustomerAssignment, DirectoryEntry, ResellerPool, Tenant
from services.common.clock import SystemClock
from services.metrics.upkeep import keep_stored_figures_current


def main() -> None:
    keep_stored_figures_current()  # a program's edge, like app.py: the commit writes the stored figures

    parser = argparse.ArgumentParser(description="Load deterministic demo data into an empty database.")
    parser.add_argument("--resellers", type=int, default=60, help="directory entries of the first LAR")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None, help="default: DATABASE_URL or the SQLite file")
    args = parser.parse_args()
    url = args.database_url or Settings.from_env().database_url
    upgrade(url)
    db = Database(url)
    began = time.perf_counter()
    loaded = load_demo(db, now=SystemClock().now(), resellers=args.resellers, seed=args.seed)
    with db.reading() as session:
        counts = {
            m.__tablename__: session.scalar(select(func.count()).select_from(m))
            for m in (DirectoryEntry, Tenant, ResellerPool, CustomerAssignment, AllocationEvent)
        }
    print(
        ("loaded" if loaded else "database not empty; left as it was"),
        f"in {time.perf_counter() - began:.1f}s:",
        counts,
    )


if __name__ == "__main__":
    main()
