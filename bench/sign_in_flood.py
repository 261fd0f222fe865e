"""The sign-in flood's parts (bench/load.py --flood): one operator saving an Edit pool form as the
drawer sends it, threads signing in without pause, and how much of the cores others took meanwhile."""
from __future__ import annotations

import os
import re
import statistics
import threading
import time
from collections import Counter

import requests
from sqlalchemy import select

from data.db import Database
from data.demo import DEMO_PASSWORD
from data.models import DirectoryEntry, ResellerPool, User
from services.access.console_user import load_principal
from services.common.clock import SystemClock
from services.pools.changes import edit_pool_form

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


def operator_figures(operator: Operator, seconds: float) -> dict:
    saves, reads = [], []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        saves.append(operator.save())
        reads.append(operator.read())
        time.sleep(0.1)
    return {"saves": saves, "reads": reads}


def flood_sign_ins(base: str, addresses: list[str], started, stop, answers) -> None:
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


def quantiles(samples: list[float]) -> str:
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
