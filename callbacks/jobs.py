"""Long work as Dash background callbacks (DESIGN.md): a diskcache manager by default, so any
worker process can report a job's progress; with REDIS_URL set, Celery on Redis, the jobs
running in `celery -A worker:celery_app worker` (worker.py) on any host. A job runs in a process of its own, without the
request: it gets what it needs from a ticket this server signed (who asked, and what) and from
the settings configured here at start-up, never from the browser."""
from __future__ import annotations

import diskcache
from dash import CeleryManager, DiskcacheManager
from itsdangerous import BadSignature, URLSafeTimedSerializer

from data.db import Database
from services.alerts import send_due_alerts
from services.auth import load_actor
from services.clock import Clock
from services.errors import PermissionDenied
from services.outbox import deliver_all_due

TICKET_MAX_AGE_S = 600
_config: dict = {}


def configure(settings, transport, clock: Clock) -> None:
    _config.update(settings=settings, transport=transport, clock=clock,
                   signer=URLSafeTimedSerializer(settings.secret_key, salt="background-job"))
    if settings.redis_url:
        from celery import Celery  # only where Redis is used

        celery = Celery("reseller_console", broker=settings.redis_url, backend=settings.redis_url)
        _schedule_alerts(celery)
        _config.update(celery=celery, manager=CeleryManager(celery))
    else:
        _config.update(celery=None, manager=DiskcacheManager(diskcache.Cache(str(settings.instance / "jobs"))))


def manager():
    return _config["manager"]


def celery_app():
    """The Celery application the background callbacks were registered on (REDIS_URL set)."""
    if _config.get("celery") is None:
        raise SystemExit("The Celery worker needs REDIS_URL, e.g. redis://127.0.0.1:6379/0.")
    return _config["celery"]


def sign(job: dict) -> str:
    return _config["signer"].dumps(job)


def open_ticket(ticket) -> dict | None:
    try:
        return _config["signer"].loads(str(ticket), max_age=TICKET_MAX_AGE_S)
    except BadSignature:
        return None


def context(user_id: int):
    """A database of the job's own (a new process must not share the server's connections) and
    the user who asked, read again: a user disabled meanwhile starts nothing."""
    database = Database(_config["settings"].database_url)
    acting = load_actor(database, user_id)
    if acting is None:
        database.dispose()
        raise PermissionDenied("Your account can no longer do this.")
    return database, acting


def now():
    """A job's reading of the app's clock (a job runs outside any request)."""
    return _config["clock"].now()


def base_url() -> str:
    """Where a job's links point: the configured address (the ticket names who and what, not where)."""
    return _config["settings"].base_url


def deliver(database: Database) -> None:
    """Send the job's emails now (the serving processes' retry loop covers a failure)."""
    deliver_all_due(database, _config["transport"], _config["clock"])


ALERTS_EVERY_S = 3600


def _schedule_alerts(celery) -> None:
    """With Redis, `celery -A worker:celery_app beat` runs send-alerts hourly; the alerts'
    claims (services/alerts.py) keep a second beat or a cron run from sending anything twice."""

    @celery.task(name="reseller_console.send_alerts")
    def send_alerts():
        database = Database(_config["settings"].database_url)
        try:
            done = send_due_alerts(database, now=now(), base_url=_config["settings"].base_url)
            deliver_all_due(database, _config["transport"], _config["clock"])
            return done
        finally:
            database.dispose()

    celery.conf.beat_schedule = {"send-alerts": {"task": "reseller_console.send_alerts", "schedule": ALERTS_EVERY_S}}
