"""Load: locust (headless) against gunicorn, on SQLite and on PostgreSQL, at 20,000 resellers.

    python -m bench.load [--seconds 60] [--users 16,64] [--backends sqlite,postgresql]
    (make bench-load installs locust first)
    python -m bench.load --flood [--seconds 30]    (the sign-in flood alone; no locust)

For each database: build it with the demo generator (once), serve it with gunicorn as
`make serve` does, record in headless Chromium what a browser sends to open the directory,
search it and open three dashboards, then let locust users replay those requests with varied
pages, searches and filters, with no think time. Prints requests/s, p50, p95 and errors per
user count, and p50 against the raw SQL of one directory page (bench/directory.py's query).

The sign-in flood (issue 19): one operator saves an Edit pool form (and reads the layout)
about ten times a second, first alone, then while 48 threads sign in with a right password
without pause, from one client address and then each from its own (the server trusts one
proxy hop, so X-Forwarded-For names the address). Prints the operator's p50/p95, what the
sign-ins were answered, and how much of the cores other processes and the host took meanwhile
(the machine is shared; on PostgreSQL its server's processes count among the others).
"""
from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
from playwright.sync_api import sync_playwright
from sqlalchemy import text

from bench.directory import DATA, RAW, SEARCH, STATUS, database, p50
from bench.serving import GUNICORN, serve
from bench.sign_in_flood import FLOOD_THREADS, Operator, OthersOnTheCores, flood_sign_ins, operator_figures, quantiles
from data.db import Database
from services.common.clock import SystemClock
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[1]
RESELLERS = 20_000
PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=2"
PG_SCHEMA = "bench_load_20000"
# Measured before this work, one dev-server process, 16 users (issue 11).
BEFORE = {"sqlite": (70, 517), "postgresql": (90, 368)}


def build(backend: str) -> Database:
    if backend == "sqlite":
        return database(RESELLERS)
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{PG_SCHEMA}"')
    return database(RESELLERS, f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{PG_SCHEMA}")


def record(base: str, db: Database) -> Path:
    """What Chromium sends (besides code and styles) for each visit."""
    with db.reading() as session:
        ids = session.execute(text("SELECT r.id FROM resellers r WHERE r.status = 'Mapped' AND EXISTS "
                                   "(SELECT 1 FROM reseller_pools p WHERE p.reseller_id = r.id) "
                                   "ORDER BY r.id LIMIT 3")).scalars().all()
    visits: dict[str, list] = {}
    current: list = []

    def keep(request):
        path = request.url.removeprefix(base)
        if path.startswith(("/_dash-component-suites", "/assets", "/_favicon", "/login", "/logout")):
            return
        current.append({"method": request.method, "path": path, "body": request.post_data})

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(base + "/login")
        page.fill("#email", "operator@demo.example")
        page.fill("#password", "demo1234")
        page.click("button[type=submit]")
        page.wait_for_selector(".ag-row[row-id] .cell-link")
        page.on("request", keep)
        for name, go, ready in [
            ("directory", lambda: page.goto(base + "/"), ".ag-row[row-id] .cell-link"),
            ("rows", lambda: (page.fill("#dir-search", SEARCH), page.press("#dir-search", "Enter")), None),
            *[(f"dashboard-{i}", lambda i=i: page.goto(f"{base}/resellers/{i}"), "#pools-grid .ag-row[row-id]")
              for i in ids],
        ]:
            current.clear()
            go()
            if ready:
                page.wait_for_selector(ready)
            else:
                page.wait_for_timeout(1500)  # the search's request leaves after a short debounce
            page.wait_for_load_state("networkidle")
            visits[name] = [dict(r) for r in current]
        browser.close()
    rows = [r for r in visits["rows"] if r["body"] and "dir-grid.getRowsResponse" in r["body"]]
    assert rows, "the search must have fetched rows"
    visits["rows"] = rows[-1:]
    path = Path(tempfile.mkdtemp(prefix="bench-load-")) / "recording.json"
    path.write_text(json.dumps(visits))
    return path


def run_locust(base: str, recording: Path, users: int, seconds: int) -> dict:
    prefix = recording.parent / f"locust-{users}"
    env = {**os.environ, "RECORDING": str(recording), "RESELLERS": str(RESELLERS)}
    subprocess.run([str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"),
                    "--headless", "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s",
                    "--host", base, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
                   cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(f"{prefix}_stats.csv") as f:
        total = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
    return {"rps": float(total["Requests/s"]), "p50": float(total["50%"]), "p95": float(total["95%"]),
            "requests": int(total["Request Count"]), "errors": int(total["Failure Count"])}


def raw_page_ms(db: Database) -> float:
    params = {"lar": 1, "kw": f"%{SEARCH}%", "status": STATUS, "now": SystemClock().now()}
    query = RAW if db.is_sqlite else (
        RAW.replace("GROUP_CONCAT(unit || ':' || q)", "STRING_AGG(unit || ':' || q, ',')")
        .replace("GROUP BY unit))", "GROUP BY unit) AS per_unit)"))

    def raw():
        with db.engine.connect() as conn:
            return conn.execute(text(query), params).all()
    return p50(raw)




def flood(backend: str, seconds: int) -> None:
    db = build(backend)
    with db.unit_of_work() as session:  # nothing left from an earlier run: no lock, no sessions
        session.execute(text("DELETE FROM sign_in_throttle"))
        session.execute(text("DELETE FROM user_sessions"))
    proc, base = serve(db.url, GUNICORN, env={"PROXY_HOPS": "1"})
    try:
        operator = Operator(base, db)
        operator_figures(operator, 2)  # warm
        others = OthersOnTheCores(os.getpid(), proc.pid)
        quiet = operator_figures(operator, seconds / 2)
        print(f"  alone:  saves {quantiles(quiet['saves'])}; reads {quantiles(quiet['reads'])}; {others}",
              flush=True)
        for name, addresses in (("one address", ["203.0.113.7"]),
                                (f"{FLOOD_THREADS} addresses", [f"203.0.113.{i + 1}" for i in range(FLOOD_THREADS)])):
            spawn = multiprocessing.get_context("spawn")  # nothing of this process's database connections
            started, stop, answers = spawn.Event(), spawn.Event(), spawn.Queue()
            flooding = spawn.Process(target=flood_sign_ins, args=(base, addresses, started, stop, answers))
            flooding.start()
            started.wait()  # from the flood's first sign-ins on (its process takes a while to start)
            others = OthersOnTheCores(os.getpid(), proc.pid, flooding.pid)
            figures = operator_figures(operator, seconds)
            stop.set()
            answers = answers.get()
            flooding.join()
            total = sum(answers.values())
            said = ", ".join(f"{status}: {count}" for status, count in sorted(answers.items(), key=str))
            print(f"  {FLOOD_THREADS} threads signing in from {name}: saves {quantiles(figures['saves'])}; "
                  f"reads {quantiles(figures['reads'])}; "
                  f"{total / seconds:.0f} sign-ins/s answered {said}; {others}", flush=True)
            with db.unit_of_work() as session:
                session.execute(text("DELETE FROM sign_in_throttle"))
    finally:
        proc.terminate()
        proc.wait(30)
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", default="16,64")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--flood", action="store_true", help="only the sign-in flood, --seconds per part")
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    cores = os.cpu_count()
    if args.flood:
        print(f"gunicorn (gunicorn.conf.py) on {cores} cores, {RESELLERS:,} resellers; an operator's Edit pool "
              f"saves and layout reads, alone and while {FLOOD_THREADS} threads sign in ({args.seconds} s each)")
        for backend in args.backends.split(","):
            print(f"{backend}:", flush=True)
            flood(backend, args.seconds)
        return
    print(f"gunicorn (gunicorn.conf.py) on {cores} cores, {RESELLERS:,} resellers, {args.seconds} s per run, "
          "locust on the same machine")
    for backend in args.backends.split(","):
        print(f"{backend}:")
        db = build(backend)
        raw = raw_page_ms(db)
        proc, base = serve(db.url, GUNICORN, env={"PROXY_HOPS": "1"})  # each locust user its own address
        try:
            recording = record(base, db)
            for users in [int(u) for u in args.users.split(",")]:
                f = run_locust(base, recording, users, args.seconds)
                line = (f"  {users:>3} users: {f['rps']:6.1f} req/s, p50 {f['p50']:.0f} ms, p95 {f['p95']:.0f} ms, "
                        f"{f['errors']} errors of {f['requests']:,}; p50 {f['p50'] / raw:.1f}x the raw SQL of one "
                        f"directory page ({raw:.2f} ms)")
                if users == 16:
                    rps, p95 = BEFORE[backend]
                    line += f"; before: {rps} req/s, p95 {p95} ms ({f['rps'] / rps:.1f}x the throughput)"
                print(line, flush=True)
        finally:
            proc.terminate()
            proc.wait(30)
        db.dispose()


if __name__ == "__main__":
    main()
