"""Long work as Dash background callbacks (DESIGN.md): a diskcache manager by default, so any
worker process can report a job's progress; with REDIS_URL set, Celery on Redis, the jobs
running in `celery -A worker:celery_app worker` (worker.py) on any host. A job runs in a process of
its own, without the request: it gets what it needs from a ticket this server signed (who asked,
and what) and from its app's `Jobs` (settings, mail transport, clock), never from the browser.

Each app holds its own `Jobs` (server.extensions["jobs"]), handed to the callbacks that register
background work. Dash keeps one job function per callback for the whole process (the app that
registered it last), so a job finds its own app's `Jobs` from its ticket (`open_job`): two apps
in one process (tests) never run each other's jobs. The key is the same in every process serving
one configuration, so a Celery worker built from the same settings opens the server's tickets."""

from __future__ import annotations

import hashlib

import diskcache
from dash import CeleryManager, DiskcacheManager
from itsdangerous import BadSignature, URLSafeTimedSerializer

from data.db import Database
from services.access.console_user import load_principal
from services.common.clock import Clock
from services.common.errors import PermissionDenied
from services.notify.alerts import send_due_alerts
from services.notify.outbox import deliver_all_due

TICKET_MAX_AGE_S = 600
ALERTS_EVERY_S = 3600
_IN_THIS_PROCESS: dict[str, Jobs] = {}  # every app's Jobs, by key


class Jobs:
    def __init__(self, settings, transport, clock: Clock):
        self.settings, self.transport, self.clock = settings, transport, clock
        self._signer = URLSafeTimedSerializer(settings.secret_key, salt="background-job")
        self.key = hashlib.sha256(f"{settings.secret_key}\0{settings.database_url}".encode()).hexdigest()[:16]
        _IN_THIS_PROCESS[self.key] = self
        self.celery = None
        if settings.redis_url:
            from celery import Celery  # only where Redis is used

            self.celery = Celery("reseller_console", broker=settings.redis_url, backend=settings.redis_url)
            self._schedule_alerts(self.celery)
            self.manager = CeleryManager(self.celery)
        else:
            self.manager = DiskcacheManager(diskcache.Cache(str(settings.instance / "jobs")))

    def celery_app(self):
        """The Celery application the background callbacks were registered on (REDIS_URL set)."""
        if self.celery is None:
            raise SystemExit("The Celery worker needs REDIS_URL, e.g. redis://127.0.0.1:6379/0.")
        return self.celery

    def sign(self, job: dict) -> str:
        return self._signer.dumps({**job, "jobs": self.key})

    def open_ticket(self, ticket) -> dict | None:
        try:
            return self._signer.loads(str(ticket), max_age=TICKET_MAX_AGE_S)
        except BadSignature:
            return None

    def context(self, user_id: int):
        """A database of the job's own (a new process must not share the server's connections) and
        the user who asked, read again: a user disabled meanwhile starts nothing."""
        database = Database(self.settings.database_url)
        acting = load_principal(database, user_id)
        if acting is None:
            database.dispose()
            raise PermissionDenied("Your account can no longer do this.")
        return database, acting

    def now(self):
        """A job's reading of the app's clock (a job runs outside any request)."""
        return self.clock.now()

    @property
    def base_url(self) -> str:
        """Where a job's links point: the configured address (the ticket names who and what, not where)."""
        return self.settings.base_url

    def deliver(self, database: Database) -> None:
        """Send the job's emails now (the serving processes' retry loop covers a failure)."""
        deliver_all_due(database, self.transport, self.clock)

    def _schedule_alerts(self, celery) -> None:
        """With Redis, `celery -A worker:celery_app beat` runs send-alerts hourly; the alerts'
        claims (services/notify/alerts.py) keep a second beat or a cron run from sending anything twice."""

        @celery.task(name="reseller_console.send_alerts", shared=False)  # this app's, not the first built
        def send_alerts():
            database = Database(self.settings.database_url)
            try:
                done = send_due_alerts(database, now=self.now(), base_url=self.base_url)
                self.deliver(database)
                return done
            finally:
                database.dispose()

        celery.conf.beat_schedule = {
            "send-alerts": {"task": "reseller_console.send_alerts", "schedule": ALERTS_EVERY_S}
        }


def open_job(ticket) -> tuple[Jobs, dict] | None:
    """The app's Jobs that signed this ticket, and the job it names; None for a ticket no app in
    this process signed (forged, or older than TICKET_MAX_AGE_S)."""
    for jobs in list(_IN_THIS_PROCESS.values()):
        job = jobs.open_ticket(ticket)
        if job is not None and job.get("jobs") == jobs.key:
            return jobs, job
    return None
