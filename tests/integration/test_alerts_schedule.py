"""With REDIS_URL, a Celery beat schedule runs send-alerts hourly: the task is registered on the
app's Celery application and, run here in this process (no broker needed for apply), sends the
alerts due to a real SMTP server once."""
from __future__ import annotations

from datetime import timedelta

from callbacks.jobs import ALERTS_EVERY_S, Jobs
from config import Settings
from services.notify.transport import SmtpTransport
from tests.clock import AppClock
from tests.factories import two_lars


def test_the_beat_schedule_runs_send_alerts_and_sends_each_alert_once(db, smtp, tmp_path):
    _controller, inbox, url = smtp
    w = two_lars(db)
    alpha = w.reseller(w.first, "Alpha", "a@alpha.example")
    w.pool(alpha, w.subscription(w.first), 10, expires_at=w.now + timedelta(days=3))
    jobs = Jobs(Settings(database_url=db.url, secret_key="beat", instance=tmp_path,
                         redis_url="redis://127.0.0.1:6379/15"), SmtpTransport(url), AppClock())
    celery = jobs.celery_app()
    assert celery.conf.beat_schedule["send-alerts"] == {"task": "reseller_console.send_alerts",
                                                        "schedule": ALERTS_EVERY_S}
    task = celery.tasks["reseller_console.send_alerts"]
    assert task.apply().get()["alerts"] == 1
    assert task.apply().get()["alerts"] == 0  # the next hour: nothing new
    subjects = sorted(m["Subject"] for _, m in inbox.messages)
    digest = f"Reseller Console weekly digest, week of {w.now - timedelta(days=w.now.weekday()):%Y-%m-%d}"
    assert subjects == ["Reseller Console alerts: 1 expiring soon", digest, digest]
