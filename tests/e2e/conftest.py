"""A real server (python app.py on demo data) and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from data.db import Database
from services.common.clock import SystemClock

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Two test workers share two cores with two servers and two browsers: allow for that.
expect.set_options(timeout=10_000)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(request, tmp_path_factory):
    """python app.py on demo data. A test module may set SERVER_ENV (more environment) and
    CELERY_WORKER = True (a real Celery worker beside it, started once the app is up)."""
    instance = tmp_path_factory.mktemp("e2e-instance")
    port = _free_port()
    env = {**os.environ, "INSTANCE_PATH": str(instance), "PORT": str(port), "DEMO_DATA": "1",
           "APP_ENV": "development"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(getattr(request.module, "SERVER_ENV", {}))
    with open(instance / "server.log", "w") as log:
        processes = [subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log,
                                      stderr=subprocess.STDOUT)]
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                break
            except OSError:
                if processes[0].poll() is not None:
                    raise RuntimeError((instance / "server.log").read_text()) from None
                time.sleep(0.3)
        if getattr(request.module, "CELERY_WORKER", False):
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "worker:celery_app", "worker", "--pool=solo",
                 "--loglevel=warning"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        db = Database(f"sqlite:///{instance / 'reseller-console.db'}")
        # A browser's date cannot be pinned without stopping its timers, so the server and the
        # browser run on the machine's clock, and so does what these tests compute beside them.
        yield {"url": url, "db": db, "instance": instance, "clock": SystemClock()}
        db.dispose()
        for proc in processes:
            proc.terminate()
            proc.wait(10)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server, request):
    """A fresh browser context; any console error or page error fails the test."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.base_url = server["url"]
    yield pg
    SCREENSHOTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"))
    context.close()
    # A test that provokes an error status on purpose names it in pg.expected_errors.
    errors = [e for e in errors if not any(x in e for x in getattr(pg, "expected_errors", ()))]
    assert errors == [], f"browser console errors: {errors}"


def sign_in(pg, email: str = "operator@demo.example", password: str = "demo1234"):
    pg.goto(pg.base_url + "/")
    pg.fill("#email", email)
    pg.fill("#password", password)
    pg.click("button[type=submit]")
    pg.wait_for_selector(".ag-row[row-id]")


def shoot(pg, name: str):
    SCREENSHOTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
