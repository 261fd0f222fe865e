"""Storage faults: a start-up that cannot use its folder says so in one line; a database that
cannot be written shows in /healthz, and sign-in then fails closed instead of counting nothing."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from data.db import Database
from tests.integration.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]


def test_an_unusable_instance_folder_is_one_line_not_a_traceback(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = {**os.environ, "INSTANCE_PATH": str(blocker / "instance"), "PORT": "1"}
    env.pop("DATABASE_URL", None)
    out = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode != 0
    assert "Traceback" not in out.stderr + out.stdout
    message = [line for line in out.stderr.splitlines() if line.startswith("Cannot start")]
    assert len(message) == 1 and str(blocker / "instance") in message[0] and "writable folder" in message[0]


def test_a_database_that_cannot_be_written_shows_and_sign_in_fails_closed(app):
    server = app.server
    writable = server.extensions["reseller_db"]
    path = writable.url.removeprefix("sqlite:///")
    client = server.test_client()
    assert client.get("/healthz").get_json() == {"ok": True}
    read_only = Database(f"sqlite:///file:{path}?mode=ro&uri=true")
    server.extensions["reseller_db"] = read_only
    try:
        health = client.get("/healthz")
        assert health.status_code == 503 and "not writable" in health.get_json()["database"]
        wrong = sign_in(client, "analyst@demo.example", "not-the-password")
        assert wrong.status_code == 503 and "unavailable" in wrong.get_data(as_text=True)
    finally:
        server.extensions["reseller_db"] = writable
        read_only.dispose()
    assert client.get("/healthz").status_code == 200
