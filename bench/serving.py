"""Start the app for a benchmark (as `make run` or `make serve` would) and wait until it answers."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.e2e.conftest import _free_port

ROOT = Path(__file__).resolve().parents[1]
DEV_SERVER = [sys.executable, "app.py"]
GUNICORN = [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"]


def serve(url: str, command: list[str] = DEV_SERVER, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """(process, base address) of the app on DATABASE_URL=url, without demo data, with env added
    to the environment; its log is kept in a fresh instance folder, named if it does not start."""
    port = _free_port()
    instance = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    env = {**os.environ, "DATABASE_URL": url, "DEMO_DATA": "0", "PORT": str(port), "INSTANCE_PATH": str(instance),
           **(env or {})}
    with open(instance / "server.log", "w") as log:  # the server writes through its own copy of the handle
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return proc, base
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"the app did not start: see {instance / 'server.log'}")
