"""Add pool saves under concurrent operators, and one save against the raw SQL doing the same work.

    python -m bench.allocation            # about 5 s of saves per database
    python -m bench.allocation 10         # or as many seconds as given

On each database (a fresh SQLite file under bench/data/, and a throwaway PostgreSQL schema
when 127.0.0.1:5432 answers, dropped afterwards): loads the demo data (200 resellers), then
8 threads save Add pool (services.pools.changes.add_pools, 1-5 seats on a random Subscription
of the first LAR, to a random Mapped reseller) as the demo operator. Prints saves per second,
refusals, and "over-allocations: N", N counting Subscriptions whose allocated_quantity exceeds
purchased_quantity or differs from the seats their pools hold (it must be 0).

Then the p50 of one add_pools save against raw SQL doing the same work in one transaction: the
guarded UPDATE on subscriptions, the INSERT into reseller_pools and the INSERT into
allocation_events; and their ratio.
"""
from __future__ import annotations

import random
import sys
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, or_, select, text

from bench.directory import p50
from data.db import Database
from data.demo import load_demo
from data.migrate import upgrade
from data.models import DirectoryEntry, ResellerPool, Subscription
from services.access.console_user import load_principal
from services.common.clock import SystemClock
from services.common.errors import DomainError, InvalidForm
from services.pools.changes import add_pools

DATA = Path(__file__).parent / "data"
PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=2"
RESELLERS = 200
THREADS = 8
SECONDS = 5.0
BENCH_SERVICE = "Opus"  # the single-save comparison uses a Subscription of its own

RAW_SAVE = (
    """UPDATE subscriptions SET allocated_quantity = allocated_quantity + :q
       WHERE id = :sub AND allocated_quantity + :q <= purchased_quantity AND expires_at > :now""",
    """INSERT INTO reseller_pools (reseller_id, subscription_id, source, payment_type, quantity, assigned_quantity,
                                  expires_at, status, created_at, accepted_at, seats_held, version)
       VALUES (:rid, :sub, 'Purchased', 'Prepaid', :q, 0, NULL, 'Pending acceptance', :now, NULL, :yes, 1)
       RETURNING id""",
    """INSERT INTO allocation_events (at, reseller_pool_id, purchased_delta, allocated_delta, actor_user_id)
       VALUES (:now, :pool, :q, 0, :actor)""",
)


def postgres_answers() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_DSN):
            return True
    except Exception:  # noqa: BLE001 - no server, no driver: the PostgreSQL run is skipped
        return False


@contextmanager
def sqlite_database():
    DATA.mkdir(exist_ok=True)
    path = DATA / "allocation.db"
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    upgrade(url)
    db = Database(url)
    try:
        yield db
    finally:
        db.dispose()


@contextmanager
def postgres_database():
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    db = None
    try:
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
        upgrade(url)
        db = Database(url)
        yield db
    finally:
        if db is not None:
            db.dispose()
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def over_allocations(db: Database) -> int:
    """Subscriptions whose counter is over purchased or is not the sum of the seats pools hold."""
    held = (select(func.coalesce(func.sum(ResellerPool.quantity), 0))
            .where(ResellerPool.subscription_id == Subscription.id, ResellerPool.seats_held.is_(True))
            .scalar_subquery())
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Subscription).where(or_(
            Subscription.allocated_quantity > Subscription.purchased_quantity,
            Subscription.allocated_quantity != held)))


def race(db: Database, actor, seconds: float) -> dict:
    """THREADS operators saving Add pool until the time is up."""
    with db.reading() as session:
        resellers = session.scalars(select(DirectoryEntry.id).where(DirectoryEntry.lar_id == actor.lar_id,
                                                              DirectoryEntry.status == "Mapped")).all()
        subscriptions = session.execute(select(Subscription.id, Subscription.service, Subscription.source)
                                        .where(Subscription.lar_id == actor.lar_id,
                                               Subscription.expires_at > SystemClock().now())).all()
    tally, failures = Counter(), []
    lock = threading.Lock()
    clock = {}

    def start():  # run once, when every thread is up: the clock starts for all at once
        clock["began"] = time.perf_counter()
        clock["deadline"] = clock["began"] + seconds

    barrier = threading.Barrier(THREADS, action=start)

    def operator(seed: int) -> None:
        rng, mine = random.Random(seed), Counter()
        barrier.wait()
        while time.perf_counter() < clock["deadline"]:
            sub = rng.choice(subscriptions)
            request = {"service": sub.service, "subscription_id": sub.id, "source": sub.source,
                       "payment_type": "Prepaid", "quantity": rng.randint(1, 5), "expiration": "same",
                       "expiration_date": None}
            try:
                add_pools(db, actor, rng.choice(resellers), [request], now=SystemClock().now())
                mine["saved"] += 1
            except InvalidForm as refused:
                message = refused.errors.get(sub.service, {}).get("quantity", "")
                mine["refused" if message.startswith("More than available") else "refused otherwise"] += 1
            except DomainError:
                mine["refused otherwise"] += 1
            except Exception as error:  # noqa: BLE001 - counted and shown: a save must never crash
                mine["errors"] += 1
                with lock:
                    failures.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
        with lock:
            tally.update(mine)

    threads = [threading.Thread(target=operator, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"elapsed": time.perf_counter() - clock["began"], "tally": tally, "failures": failures}


def single_save(db: Database, actor) -> tuple[float, float]:
    """p50 ms of one add_pools save and of the raw SQL doing the same work, on a roomy Subscription."""
    now = SystemClock().now()
    with db.unit_of_work() as session:
        sub = Subscription(lar_id=actor.lar_id, service=BENCH_SERVICE, name="Bench allocation", source="Purchased",
                           unit="user seats", purchased_quantity=10_000_000, allocated_quantity=0,
                           starts_at=now - timedelta(days=1), expires_at=now + timedelta(days=365))
        session.add(sub)
        session.flush()
        sub_id = sub.id
        rid = session.scalars(
            select(DirectoryEntry.id)
            .where(DirectoryEntry.lar_id == actor.lar_id, DirectoryEntry.status == "Mapped")
            .order_by(DirectoryEntry.id)
        ).first()
    request = [{"service": BENCH_SERVICE, "subscription_id": sub_id, "source": "Purchased", "payment_type": "Prepaid",
                "quantity": 1, "expiration": "same", "expiration_date": None}]
    writer = db.engine.execution_options(write=True)  # BEGIN IMMEDIATE on SQLite, as the service's writes

    def raw():
        at = SystemClock().now()
        with writer.begin() as conn:
            update, insert_pool, insert_event = RAW_SAVE
            if conn.execute(text(update), {"q": 1, "sub": sub_id, "now": at}).rowcount != 1:
                raise RuntimeError("raw SQL found no free seat")
            pool = conn.execute(text(insert_pool), {"rid": rid, "sub": sub_id, "q": 1, "now": at, "yes": True}).scalar()
            conn.execute(text(insert_event), {"now": at, "pool": pool, "q": 1, "actor": actor.user_id})

    service_ms = p50(lambda: add_pools(db, actor, rid, request, now=SystemClock().now()))
    raw_ms = p50(raw)
    return service_ms, raw_ms


def measure(name: str, database, seconds: float) -> None:
    with database() as db:
        began = time.perf_counter()
        load_demo(db, now=SystemClock().now(), resellers=RESELLERS)
        print(f"{name}: demo data, {RESELLERS} resellers, loaded in {time.perf_counter() - began:.1f}s")
        actor = load_principal(db, 2)  # operator@demo.example
        before = over_allocations(db)
        result = race(db, actor, seconds)
        tally, elapsed = result["tally"], result["elapsed"]
        attempts = sum(tally.values())
        print(f"  {THREADS} threads for {elapsed:.1f}s: {attempts:,} Add pool saves tried, {tally['saved']:,} saved "
              f"({tally['saved'] / elapsed:,.0f} saves/s), {tally['refused']:,} refused as more than available, "
              f"{tally['refused otherwise']:,} refused otherwise, {tally['errors']:,} errors")
        for failure in sorted(set(result["failures"]))[:5]:
            print(f"    error: {failure}")
        print(f"  over-allocations: {over_allocations(db)}" + (f" (before the race: {before})" if before else ""))
        service_ms, raw_ms = single_save(db, actor)
        print(f"  one Add pool save p50 {service_ms:.2f} ms, raw SQL (guarded UPDATE + 2 INSERTs, one transaction) "
              f"{raw_ms:.2f} ms, ratio {service_ms / raw_ms:.2f}x")


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else SECONDS
    measure("SQLite", sqlite_database, seconds)
    if postgres_answers():
        measure("PostgreSQL", postgres_database, seconds)
    else:
        print("PostgreSQL: 127.0.0.1:5432 does not answer; skipped")


if __name__ == "__main__":
    main()
