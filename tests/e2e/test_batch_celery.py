"""One batch through a real Celery worker on Redis (REDIS_URL set), when Redis answers here."""
from __future__ import annotations

import socket

import pytest
import redis
from playwright.sync_api import expect
from sqlalchemy import func, select

from data.models import DirectoryEntry, Invitation
from tests.e2e.conftest import shoot, sign_in


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not _redis_answers(), reason="Redis does not answer on 6379")]
SERVER_ENV = {"REDIS_URL": "redis://127.0.0.1:6379/7"}
CELERY_WORKER = True


def test_a_batch_runs_in_the_celery_worker(page, server, tmp_path):
    results = redis.Redis.from_url(SERVER_ENV["REDIS_URL"])
    before = len(results.keys("celery-task-meta-*"))
    upload = tmp_path / "celery.csv"
    upload.write_text("Organization name,Email address\n"
                      + "".join(f"Celery Co {i},owner{i}@celery-{i}.example\n" for i in range(1, 41)))
    sign_in(page)
    page.click("#invite-open")
    page.get_by_role("menuitem", name="Batch invite").click()
    page.get_by_label("Send an invitation email to accounts not registered in Elements").check()
    page.set_input_files("#batch-upload input[type=file]", str(upload))
    expect(page.locator("#batch-summary")).to_have_text("40 rows: 40 can be invited.")
    page.click("#batch-invite")
    expect(page.locator("#batch-summary")).to_have_text("Invited 40 of 40 rows. Download the outcome for every row.",
                                                        timeout=60_000)
    shoot(page, "batch-celery-outcome")
    with server["db"].reading() as s:
        batches = s.scalars(select(Invitation.batch).distinct()).all()
        assert len(batches) == 1 and batches[0]
        assert (
            s.scalar(
                select(func.count())
                .select_from(DirectoryEntry)
                .where(DirectoryEntry.email.like("%@celery-%.example"), DirectoryEntry.status == "Invited")
            )
            == 40
        )
    # The job ran as a Celery task: its result went through Redis.
    assert len(results.keys("celery-task-meta-*")) > before
    log = (server["instance"] / "server.log").read_text()
    assert "Traceback" not in log
