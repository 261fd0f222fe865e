"""Alerts end to end: `python app.py send-alerts` queues what is due and delivers it to a real
SMTP server (aiosmtpd), and two such processes started together send each alert once, on
SQLite and PostgreSQL."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from data.models import AlertSent
from services.subscriptions.listing import set_threshold
from tests import clock as test_clock
from tests.factories import two_lars

ROOT = Path(__file__).resolve().parents[2]
POOLS = 120


def _world(db):
    w = two_lars(db)
    alpha = w.reseller(w.first, "Alpha", "a@alpha.example")
    seats = w.subscription(w.first, purchased=100_000)
    for i in range(POOLS):  # each expiring within 30 days: an alert each
        w.pool(alpha, seats, 10, expires_at=w.now + timedelta(days=2 + i % 25, hours=i % 24))
    set_threshold(db, w.actors["admin@first.example"], seats, "percent", 99, now=w.now)  # 98.8 % free: low
    return w


def _send_alerts(db, smtp_url: str, tmp_path: Path, count: int) -> list[subprocess.CompletedProcess]:
    clock = test_clock.current()  # the processes live at the test's instant
    env = {**os.environ, "DATABASE_URL": db.url, "SMTP_URL": smtp_url, "DEMO_DATA": "0",
           "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "alerts-test", "CLOCK_AT": clock.now().isoformat()}
    procs = [subprocess.Popen([sys.executable, "app.py", "send-alerts"], cwd=ROOT, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(count)]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err[-2000:]
        done.append(out)
    return done


def test_alerts_reach_a_real_smtp_server_once_from_two_processes_at_once(db, smtp, tmp_path):
    _controller, inbox, url = smtp
    _world(db)
    outputs = _send_alerts(db, url, tmp_path, 2)
    alerts = [(to, m) for to, m in inbox.messages if m["Subject"].startswith("Reseller Console alerts")]
    digests = [(to, m) for to, m in inbox.messages if "weekly digest" in m["Subject"]]
    # One alerts email (the LAR's admin) holding the 120 expiry reminders and the low subscription,
    # one digest for each LAR's admin: from whichever process claimed them first.
    assert [to for to, _ in alerts] == [["admin@first.example"]], outputs
    assert sorted(to[0] for to, _ in digests) == ["admin@first.example", "admin@second.example"]
    [(_, message)] = alerts
    assert message["Subject"] == f"Reseller Console alerts: 1 subscription low, {POOLS} expiring soon"
    body = message.get_body(("plain",)).get_content()
    assert "Low availability:" in body and "M365 Backup: 98,800 user seats free of 100,000 user seats" in body
    assert body.count("Alpha: M365 Backup (10 user seats, Active) expires") == 50  # listed; the rest counted
    assert f"... and {POOLS - 50} more." in body
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(AlertSent).where(AlertSent.kind != "digest")) == POOLS + 1
    # A later run the same day finds nothing new to send.
    _send_alerts(db, url, tmp_path, 1)
    assert len(inbox.messages) == 3
