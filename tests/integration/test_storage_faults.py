"""Storage faults: a start-up that cannot use its folder says so in one line; a database that
cannot be written shows in /healthz, and sign-in then fails closed instead of counting nothing."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import OperationalError

from data.db import PROBE_EVERY, Database
from data.models import HealthProbe
from services.notify.outbox import queue_email
from tests.clock import PINNED
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


def _filled(path, limit: list) -> Database:
    """A database that cannot grow past limit[0] pages (None: no limit), as on a full disk:
    SQLite says "database or disk is full" for both. Filled with outbox rows, large then
    small, until no write that needs a page goes through."""
    full = Database(f"sqlite:///{path}")

    @event.listens_for(full.engine, "connect")
    def _cap(dbapi_conn, _record):
        if limit[0] is not None:
            dbapi_conn.execute(f"PRAGMA max_page_count = {limit[0]}")

    with full.reading() as session:
        limit[0] = session.execute(text("PRAGMA page_count")).scalar() + 30
    full.engine.dispose()
    for size in (8000, 300, 20, 1):  # down to rows smaller than any the test then writes
        while True:
            try:
                with full.unit_of_work() as session:
                    queue_email(session, "x@full.example", "filler", "x" * size, now=PINNED)
            except OperationalError as error:
                assert "full" in str(error)
                break
    return full


def test_a_full_database_shows_in_healthz_until_writes_work_again(app, sqlite_template, tmp_path, clock):
    """Outside security test (issue 19 finding 6): /healthz said ok while every write failed,
    because its probe rolled back a write that never reached the disk."""
    path = tmp_path / "full.db"
    shutil.copy(sqlite_template, path)
    limit: list = [None]
    full = _filled(path, limit)
    server = app.server
    writable = server.extensions["reseller_db"]
    client = server.test_client()
    server.extensions["reseller_db"] = full
    try:
        with pytest.raises(OperationalError, match="full"), full.unit_of_work() as session:  # what every write meets
            queue_email(session, "y@full.example", "Hello", "a message", now=clock.now())
        health = client.get("/healthz")
        assert health.status_code == 503, health.get_json()
        assert health.get_json() == {"ok": False, "database": "not writable: database or disk is full"}
        limit[0] = None  # space again
        full.engine.dispose()
        clock.advance(PROBE_EVERY)
        assert client.get("/healthz").get_json() == {"ok": True}
        with full.unit_of_work() as session:
            queue_email(session, "y@full.example", "Hello", "a message", now=clock.now())
    finally:
        server.extensions["reseller_db"] = writable
        full.dispose()


def test_the_probe_commits_and_runs_at_most_every_few_seconds(db, clock):
    """It proves a commit each time it runs, and /healthz is open to anyone: a flood of probes
    would each take the write lock, so within PROBE_EVERY a process answers what it found."""
    assert db.writable(now=clock.now()) == ""
    with db.reading() as session:
        first = session.execute(select(HealthProbe.id, HealthProbe.checked_at)).one()
    assert first.checked_at == clock.now()
    clock.advance(PROBE_EVERY - timedelta(seconds=1))
    assert db.writable(now=clock.now()) == ""
    with db.reading() as session:
        assert session.execute(select(HealthProbe.id, HealthProbe.checked_at)).one() == first
    clock.advance(timedelta(seconds=1))
    assert db.writable(now=clock.now()) == ""
    with db.reading() as session:
        again = session.execute(select(HealthProbe.id, HealthProbe.checked_at)).one()
    assert again.id != first.id and again.checked_at == clock.now()


def test_a_save_the_database_cannot_write_answers_503_saying_nothing_was_saved(app, signed_in):
    """Outside test of issue 19 (N5): a save while the disk was full answered 500, "Something went
    wrong", while sign-in and /healthz said 503."""
    from data.models import DirectoryEntry
    from tests.integration.conftest import dash_call
    server = app.server
    writable = server.extensions["reseller_db"]
    with writable.reading() as s:
        rid = s.scalar(
            select(DirectoryEntry.id).where(DirectoryEntry.lar_id == 1, DirectoryEntry.status == "Invited").limit(1)
        )
    client = signed_in("operator@demo.example")
    path = writable.url.removeprefix("sqlite:///")
    read_only = Database(f"sqlite:///file:{path}?mode=ro&uri=true")
    server.extensions["reseller_db"] = read_only
    try:
        response = dash_call(
            client, [("dir-delete-modal", "opened"), ("dir-delete-refusal", "children"),
                     ("dir-delete-refusal", "display"), ("dir-delete-rest", "display"), ("dir-refresh", "data"),
                     ("notify", "sendNotifications")],
            [("dir-delete-submit", "n_clicks", 1), ("dir-delete-rest", "n_clicks", None),
             ("dir-delete-entered", "data", None)],
            [("dir-grid", "selectedRows", [{"id": rid}]), ("dir-delete-confirm-text", "value", "Yes"),
             ("dir-refresh", "data", 0), ("dir-delete-submit", "display", "inline-block")])
    finally:
        server.extensions["reseller_db"] = writable
        read_only.dispose()
    assert response.status_code == 503
    assert "nothing was saved" in response.get_json()["error"] and "Traceback" not in response.get_data(as_text=True)
    with writable.reading() as s:
        assert s.get(DirectoryEntry, rid) is not None
