"""Locust users for bench/load.py: they replay what Chromium sent while browsing (recorded by
bench/load.py into RECORDING), varying the page, search and filters of the directory rows.

Each user signs in once as operator@demo.example from its own client address (bench/load.py
serves with one trusted proxy hop, so X-Forwarded-For names it: sign-ins are limited per
address), again after Retry-After when told to wait, then browses with no think time (a closed
loop: the figures say what the server sustains, not how fast people click).
"""
from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

from locust import HttpUser, constant, task

VISITS = json.loads(Path(os.environ["RECORDING"]).read_text())
SEARCHES = ["systems", "an", "net", "cloud", "ltd", "tech", "gmbh", "data", "zz-none"]
FILTERS = [{}, {"status": ["Mapped"]}, {"status": ["Invited", "Unmapped"]}, {"status": ["Unmapped"]}]
TOTAL = int(os.environ.get("RESELLERS", "20000"))
ADDRESSES = itertools.count(1)


def _name(request) -> str:
    if request["method"] == "GET":
        return re.sub(r"/\d+", "/<id>", request["path"])
    output = json.loads(request["body"])["output"]
    return "callback " + re.sub(r"@[0-9a-f]+", "", output)[:70]


def _with_query(body: str, search: str | None, filters: dict | None, start: int | None) -> str:
    data = json.loads(body)
    for item in [*data.get("inputs", []), *data.get("state", [])]:
        if not isinstance(item, dict):
            continue
        if item.get("id") == "dir-query" and isinstance(item.get("value"), dict):
            item["value"] = {**item["value"],
                             "search": search if search is not None else item["value"].get("search", ""),
                             "filters": filters if filters is not None else item["value"].get("filters", {})}
        if item.get("id") == "dir-grid" and item.get("property") == "getRowsRequest" and start is not None:
            item["value"] = {**(item.get("value") or {}), "startRow": start, "endRow": start + 100}
    return json.dumps(data)


class Operator(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        n = next(ADDRESSES)
        self.client.headers["X-Forwarded-For"] = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
        while True:
            page = self.client.get("/login", name="/login").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            with self.client.post("/login", data={"email": "operator@demo.example", "password": "demo1234",
                                                  "csrf_token": token}, name="/login (sign in)",
                                  allow_redirects=False, catch_response=True) as response:
                if response.status_code != 429:
                    return
                response.success()  # every check busy: users signing in at once take turns
                time.sleep(int(response.headers.get("Retry-After", "1")))

    def _replay(self, visit: str, body_change=None):
        for request in VISITS[visit]:
            if request["method"] == "GET":
                self.client.get(request["path"], name=_name(request))
                continue
            body = request["body"]
            if body_change and "dir-grid.getRowsResponse" in body:
                body = body_change(body)
            headers = {"Content-Type": "application/json",
                       "X-CSRFToken": self.client.cookies.get("_csrf_token", "")}
            with self.client.post(request["path"], data=body, headers=headers, name=_name(request),
                                  catch_response=True) as response:
                if response.status_code == 204:  # Dash's "nothing to update"
                    response.success()

    @task(1)
    def open_directory(self):
        self._replay("directory")

    @task(3)
    def page_through_rows(self):
        start = random.randrange(0, TOTAL, 100)
        self._replay("rows", lambda b: _with_query(b, "", {}, start))

    @task(3)
    def search(self):
        self._replay("rows", lambda b: _with_query(b, random.choice(SEARCHES), {}, 0))

    @task(2)
    def filter_and_sort(self):
        self._replay("rows", lambda b: _with_query(b, random.choice(["", "an"]), random.choice(FILTERS), 0))

    @task(2)
    def open_a_dashboard(self):
        self._replay(random.choice([k for k in VISITS if k.startswith("dashboard")]))
