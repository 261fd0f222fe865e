"""What a user waits for, in headless Chromium: first directory rows after sign-in and the
narrowed rows after Enter in the search box, on the 20,000-reseller database.

    python -m bench.browser [resellers]

The DESIGN.md baseline (every row shipped to a client-side grid) took 0.5 s warm / 1.2 s cold
to first rows at 20,000 resellers (7.5 MB moved) and 0.5-0.8 s from Enter to narrowed rows.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.directory import database
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7


def serve(url: str):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "DEMO_DATA": "0", "PORT": str(port),
           "INSTANCE_PATH": tempfile.mkdtemp(prefix="bench-browser-")}
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return proc, base
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the app did not start")


def main() -> None:
    resellers = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    db = database(resellers)
    proc, base = serve(db.url)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            moved = []

            def count_bytes(response):
                if "_dash-update-component" in response.url:
                    try:
                        moved.append(len(response.body()))
                    except Exception:  # a response the next navigation cut off
                        pass
            page.on("response", count_bytes)
            page.goto(base + "/login")
            page.fill("#email", "operator@demo.example")
            page.fill("#password", "demo1234")
            began = time.perf_counter()
            page.click("button[type=submit]")
            page.wait_for_selector(".ag-row[row-id] .cell-link")
            cold = time.perf_counter() - began
            warm, searches, sizes = [], [], []
            for i in range(RUNS):
                moved.clear()
                began = time.perf_counter()
                page.goto(base + "/")
                page.wait_for_selector(".ag-row[row-id] .cell-link")
                warm.append(time.perf_counter() - began)
                sizes.append(sum(moved))
                keyword = ("alex", "sam", "jordan", "taylor", "morgan", "casey", "riley")[i]
                page.wait_for_function("document.querySelector('#dir-count').innerText.endsWith('resellers')")
                before = page.inner_text("#dir-count")
                box = page.locator("#dir-search")
                box.fill(keyword)
                began = time.perf_counter()
                box.press("Enter")
                page.wait_for_function(
                    "([before]) => { const t = document.querySelector('#dir-count').innerText;"
                    " return t !== before && document.querySelector('.ag-row[row-id] .cell-link'); }", arg=[before])
                searches.append(time.perf_counter() - began)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(10)
    print(f"{resellers:,} resellers, headless Chromium, {RUNS} runs:")
    print(f"  first rows after sign-in (cold) {cold:.2f} s")
    print(f"  first rows on page load (warm) p50 {statistics.median(warm):.2f} s, "
          f"{statistics.median(sizes) / 1024:.0f} KB of callback responses")
    print(f"  Enter in search to narrowed rows p50 {statistics.median(searches):.2f} s")
    print("  baseline (client-side grid): 0.5 s warm / 1.2 s cold, 7.5 MB; search 0.5-0.8 s")


if __name__ == "__main__":
    main()
