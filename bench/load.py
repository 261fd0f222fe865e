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
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg
import requests
from playwright.sync_api import sync_playwright
from sqlalchemy import select, text

from bench.directory import DATA, RAW, SEARCH, STATUS, database, p50
from bench.serving import GUNICORN, serve
from data.db import Database
from data.demo import DEMO_PASSWORD
from data.models import DirectoryEntry, ResellerPool, User
from services.access.console_user import load_principal
from services.common.clock import SystemClock
from services.pools.changes import edit_pool_form
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


FLOOD_THREADS = 48
FLOOD_EMAIL = "analyst@demo.example"  # a right password: each sign-in let through costs a hash and a session
EDIT_OUTPUTS = [("edit-pool-drawer", "opened"), ("pools-refresh", "data"), ("edit-pool-payment", "error"),
                ("edit-pool-qty", "error"), ("edit-pool-exp", "error"), ("edit-pool-date", "error"),
                ("notify", "sendNotifications")]


def _sign_in(browser: requests.Session, base: str, address: str, email: str) -> int:
    headers = {"X-Forwarded-For": address}
    page = browser.get(base + "/login", headers=headers, timeout=60)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if token is None:  # the page itself refused (an address over its limit)
        return page.status_code
    token = token.group(1)
    return browser.post(base + "/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token},
                        headers=headers, allow_redirects=False, timeout=60).status_code


class Operator:
    """One operator saving the same pool's quantity back and forth, as the Edit pool drawer sends it."""

    def __init__(self, base: str, db: Database):
        self.base, self.db = base, db
        self.browser = requests.Session()
        assert _sign_in(self.browser, base, "192.0.2.10", "operator@demo.example") == 302
        with db.reading() as session:
            user_id = session.scalars(select(User.id).where(User.email == "operator@demo.example")).one()
            self.actor = load_principal(db, user_id)
            pools = session.execute(select(ResellerPool.reseller_id, ResellerPool.id).join(DirectoryEntry).where(
                DirectoryEntry.lar_id == self.actor.lar_id, ResellerPool.quantity > ResellerPool.assigned_quantity + 1)
                .order_by(ResellerPool.id).limit(50)).all()
        self.reseller_id, self.pool_id = next(
            (r, p) for r, p in pools if not edit_pool_form(db, self.actor, r, p, now=SystemClock().now()).expired)
        plain = f"..{'...'.join(f'{i}.{p}' for i, p in EDIT_OUTPUTS)}.."
        self.output = next(d["output"] for d in self.browser.get(base + "/_dash-dependencies").json()
                           if re.sub(r"@[0-9a-f]+", "", d["output"]) == plain)

    def save(self) -> float:
        form = edit_pool_form(self.db, self.actor, self.reseller_id, self.pool_id, now=SystemClock().now())
        quantity = form.quantity - 1 if form.quantity > form.min_quantity else form.quantity + 1
        state = [{"id": "edit-pool-payment", "property": "value", "value": form.payment_type},
                 {"id": "edit-pool-qty", "property": "value", "value": quantity},
                 {"id": "edit-pool-exp", "property": "value", "value": form.expiration},
                 {"id": "edit-pool-date", "property": "value", "value": form.expiration_date},
                 {"id": "edit-pool-form", "property": "data",
                  "value": {"pool_id": form.pool_id, "version": form.version, "reseller_id": form.reseller_id}},
                 {"id": "pools-refresh", "property": "data", "value": 0}]
        body = {"output": self.output, "outputs": [{"id": i, "property": p} for i, p in EDIT_OUTPUTS],
                "inputs": [{"id": "edit-pool-save", "property": "n_clicks", "value": 1}], "state": state,
                "changedPropIds": ["edit-pool-save.n_clicks"]}
        began = time.perf_counter()
        response = self.browser.post(self.base + "/_dash-update-component", json=body, timeout=60,
                                     headers={"X-CSRFToken": self.browser.cookies.get("_csrf_token", ""),
                                              "X-Forwarded-For": "192.0.2.10"})
        took = (time.perf_counter() - began) * 1000
        notice = response.json()["response"]["notify"]["sendNotifications"][0]["message"]
        assert notice.startswith("Saved"), notice
        return took

    def read(self) -> float:
        began = time.perf_counter()
        assert self.browser.get(self.base + "/_dash-layout", headers={"X-Forwarded-For": "192.0.2.10"},
                                timeout=60).status_code == 200
        return (time.perf_counter() - began) * 1000


def _operator_figures(operator: Operator, seconds: float) -> dict:
    saves, reads = [], []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        saves.append(operator.save())
        reads.append(operator.read())
        time.sleep(0.1)
    return {"saves": saves, "reads": reads}


def _flood(base: str, addresses: list[str], started, stop, answers) -> None:
    """In a process of its own (the operator's figures must not wait for this process's GIL):
    FLOOD_THREADS threads signing in from the moment started is set until stop is; answers gets
    how each was answered."""
    counted, lock = Counter(), threading.Lock()

    def sign_in_again_and_again(address: str):
        while not stop.is_set():
            try:
                status = _sign_in(requests.Session(), base, address, FLOOD_EMAIL)
            except requests.RequestException as error:
                status = type(error).__name__
            with lock:
                counted[status] += 1
    threads = [threading.Thread(target=sign_in_again_and_again, args=(addresses[i % len(addresses)],))
               for i in range(FLOOD_THREADS)]
    for thread in threads:
        thread.start()
    started.set()
    for thread in threads:
        thread.join()
    answers.put(dict(counted))


def _quantiles(samples: list[float]) -> str:
    p95 = statistics.quantiles(samples, n=20, method="inclusive")[18] if len(samples) > 1 else samples[0]
    return f"p50 {statistics.median(samples):.0f} ms, p95 {p95:.0f} ms, max {max(samples):.0f} ms ({len(samples)})"


def _cpu_seconds() -> tuple[float, float]:
    """(busy, stolen): CPU seconds the machine's cores have been busy, and taken by the host
    for other machines (a virtual machine's steal), every core counted (Linux /proc/stat)."""
    with open("/proc/stat") as stat:
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, stat.readline().split()[1:9])
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / tick, steal / tick


def _tree_seconds(pid: int) -> float:
    """CPU seconds of a process and its descendants still running."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            kids = [int(k) for k in children.read().split()]
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") + sum(_tree_seconds(k) for k in kids)


class OthersOnTheCores:
    """The cores are shared: how much of them other processes, and the host (steal), took meanwhile."""

    def __init__(self, *pids: int):
        self.pids = pids
        self.began = (time.monotonic(), *_cpu_seconds(), self._ours())

    def _ours(self) -> float:
        return sum(_tree_seconds(pid) for pid in self.pids)

    def __str__(self) -> str:
        at, busy, stolen, ours = self.began
        elapsed = time.monotonic() - at
        busy_now, stolen_now = _cpu_seconds()
        others = (busy_now - busy) - (self._ours() - ours)
        return (f"meanwhile other processes took {max(0.0, others) / elapsed:.2f} and the host "
                f"{(stolen_now - stolen) / elapsed:.2f} of the {os.cpu_count()} cores")


def flood(backend: str, seconds: int) -> None:
    db = build(backend)
    with db.unit_of_work() as session:  # nothing left from an earlier run: no lock, no sessions
        session.execute(text("DELETE FROM sign_in_throttle"))
        session.execute(text("DELETE FROM user_sessions"))
    proc, base = serve(db.url, GUNICORN, env={"PROXY_HOPS": "1"})
    try:
        operator = Operator(base, db)
        _operator_figures(operator, 2)  # warm
        others = OthersOnTheCores(os.getpid(), proc.pid)
        quiet = _operator_figures(operator, seconds / 2)
        print(f"  alone:  saves {_quantiles(quiet['saves'])}; reads {_quantiles(quiet['reads'])}; {others}",
              flush=True)
        for name, addresses in (("one address", ["203.0.113.7"]),
                                (f"{FLOOD_THREADS} addresses", [f"203.0.113.{i + 1}" for i in range(FLOOD_THREADS)])):
            spawn = multiprocessing.get_context("spawn")  # nothing of this process's database connections
            started, stop, answers = spawn.Event(), spawn.Event(), spawn.Queue()
            flooding = spawn.Process(target=_flood, args=(base, addresses, started, stop, answers))
            flooding.start()
            started.wait()  # from the flood's first sign-ins on (its process takes a while to start)
            others = OthersOnTheCores(os.getpid(), proc.pid, flooding.pid)
            figures = _operator_figures(operator, seconds)
            stop.set()
            answers = answers.get()
            flooding.join()
            total = sum(answers.values())
            said = ", ".join(f"{status}: {count}" for status, count in sorted(answers.items(), key=str))
            print(f"  {FLOOD_THREADS} threads signing in from {name}: saves {_quantiles(figures['saves'])}; "
                  f"reads {_quantiles(figures['reads'])}; "
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
