"""Alert emails: low availability, staged expiry reminders, and the weekly digest.

`send_due_alerts` does whatever is due (`python app.py send-alerts` for cron; a Celery beat
schedule with REDIS_URL). Each alert has a key, and sending it inserts that key into
alerts_sent (unique) in the same transaction that queues its emails in the outbox: the claim
and the emails commit together or not at all, and a second process running at the same moment
finds the key taken and sends nothing. So each alert goes out once, however many run.

- Low availability: a Subscription whose free quantity is below its threshold
  (services/subscriptions/thresholds.py). Once it recovers the key is removed, so a later fall alerts again.
- Expiry: 30, 7 and 1 day before a reseller pool or a Subscription expires. A run sends the
  tightest stage that is due; stages passed while nothing ran are not sent late. The key holds
  the expiration date, so an extended pool is reminded again before its new date.
- Digest: once per ISO week (the first run from Monday on), to each admin and each user who
  opted in (services/identity/preferences.py); alerts go to the same people.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from data.db import Database
from data.models import AlertSent, DirectoryEntry, ResellerPool, Subscription, Tenant, TenantKind, User, UserPreference
from services.access.policy import Action, roles_that_may
from services.common.units import format_quantities, format_quantity
from services.identity.preferences import ALERT_EMAILS
from services.metrics.entry_figures import refresh_stale
from services.notify.outbox import queue_email
from services.pools.renewals import WINDOWS, as_datetime, days_left, figures_of_lar
from services.pools.state import effective_expiration, is_live
from services.subscriptions.listing import subscription_rows

log = logging.getLogger("reseller_console.alerts")
STAGES = (30, 7, 1)
MAX_LINES = 50  # per section of one email; the rest is counted and left to the Renewals page
DIGEST_SOONEST = 10


@dataclass(frozen=True)
class Alert:
    key: str
    kind: str  # "expiry" or "low"
    line: str


def due_stage(expires_at: datetime, now: datetime) -> int | None:
    """The tightest reminder stage due for something expiring at expires_at, or None."""
    left = expires_at - now
    if left <= timedelta(0):
        return None
    due = [stage for stage in STAGES if left <= timedelta(days=stage)]
    return min(due) if due else None


def _days(ends: datetime, now: datetime) -> str:
    days = days_left(ends, now)
    return "today" if days == 0 else ("tomorrow" if days == 1 else f"in {days} days")


def expiry_alerts(session, lar_id: int, now: datetime) -> list[Alert]:
    ends = effective_expiration()
    soon = now + timedelta(days=max(STAGES))
    alerts = []
    pools = session.execute(
        select(ResellerPool.id, DirectoryEntry.organization_name, Subscription.name, Subscription.unit,
               ResellerPool.quantity, ResellerPool.status, ends.label("ends"))
        .join(Subscription, Subscription.id == ResellerPool.subscription_id)
        .join(DirectoryEntry, DirectoryEntry.id == ResellerPool.reseller_id)
        .where(DirectoryEntry.lar_id == lar_id, is_live(now), ends <= soon)
        .order_by(ends, ResellerPool.id)).all()
    for pool in pools:
        ends_at = as_datetime(pool.ends)
        stage = due_stage(ends_at, now)
        if stage:
            alerts.append(Alert(
                f"expiry:pool:{pool.id}:{ends_at:%Y%m%d%H%M%S}:{stage}", "expiry",
                f"{pool.organization_name}: {pool.name} ({format_quantity(pool.unit, pool.quantity)}, "
                f"{pool.status}) expires {ends_at:%Y-%m-%d}, {_days(ends_at, now)}."))
    subscriptions = session.execute(
        select(Subscription.id, Subscription.name, Subscription.unit, Subscription.purchased_quantity,
               Subscription.expires_at)
        .where(Subscription.lar_id == lar_id, Subscription.expires_at > now, Subscription.expires_at <= soon)
        .order_by(Subscription.expires_at, Subscription.id)).all()
    for sub in subscriptions:
        stage = due_stage(sub.expires_at, now)
        if stage:
            alerts.append(Alert(
                f"expiry:subscription:{sub.id}:{sub.expires_at:%Y%m%d%H%M%S}:{stage}", "expiry",
                f"Your subscription {sub.name} ({format_quantity(sub.unit, sub.purchased_quantity)}) expires "
                f"{sub.expires_at:%Y-%m-%d}, {_days(sub.expires_at, now)}; the reseller pools it feeds end with it."))
    return alerts


def low_alerts(session, lar_id: int, now: datetime) -> tuple[list[Alert], list[str]]:
    """(alerts for Subscriptions below their threshold, keys of those that are not: re-armed)."""
    alerts, recovered = [], []
    for row in subscription_rows(session, lar_id, now):
        key = f"low:{row['id']}"
        if row["low"]:
            alerts.append(Alert(key, "low", (
                f"{row['name']}: {format_quantity(row['unit'], row['free'])} free of "
                f"{format_quantity(row['unit'], row['purchased'])} "
                f"({row['threshold'].describe(row['unit'])} is the threshold).")))
        else:
            recovered.append(key)
    return alerts, recovered


def recipients(session, lar_id: int) -> list[tuple[int, str]]:
    """(user id, email) of the LAR's active admins and of its active users who opted in."""
    opted = select(UserPreference.user_id).where(UserPreference.key == ALERT_EMAILS, UserPreference.value == "on")
    return [(u.id, u.email) for u in session.execute(
        select(User.id, User.email).where(User.tenant_id == lar_id, User.active.is_(True),
                                          User.role.in_(roles_that_may(Action.ALERTS_ALWAYS)) | User.id.in_(opted))
        .order_by(User.id)).all()]


def _claim(session, lar_id: int, key: str, kind: str, now: datetime) -> bool:
    """Insert the alert's key; False if any process has already sent it."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    table = AlertSent.__table__
    assert isinstance(table, Table)  # a mapped class's own table (typed as any FromClause)
    inserted = session.execute(insert(table).values(lar_id=lar_id, key=key, kind=kind, sent_at=now)
                               .on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id))
    return inserted.first() is not None


def digest_key(user_id: int, now: datetime) -> str:
    year, week, _ = now.isocalendar()
    return f"digest:{user_id}:{year}-W{week:02d}"


@dataclass(frozen=True)
class Links:
    """Where an alert email sends its reader: the console's views filtered to what it lists."""
    renewals: str = ""  # Renewals, the 30-day window (every reminder falls in it)
    low: str = ""  # Subscriptions, only the low ones

    @classmethod
    def at(cls, base_url: str | None) -> Links:
        if not base_url:
            return cls()
        base = base_url.rstrip("/")
        return cls(renewals=f"{base}/renewals?ren_window=30", low=f"{base}/subscriptions?subs_status=Low")


def _see(what: str, link: str) -> list[str]:
    return [f"{what}: {link}"] if link else []


def digest_text(session, lar_id: int, now: datetime, links: Links, expiring: list[Alert]) -> str:
    """The weekly digest: the Renewals cards, the soonest expiries (from expiring, this run's
    expiry_alerts) and the low Subscriptions."""
    figures = figures_of_lar(session, lar_id, now)
    lines = [f"Week of {now - timedelta(days=now.weekday()):%Y-%m-%d}, across all your resellers.", ""]
    for n in WINDOWS:
        lines.append(f"Expiring in {n} days: {_quantities(figures[f'expiring_{n}'])}")
    pending = _quantities(figures["pending"])
    wait = figures["oldest_wait_days"]
    lines.append(f"Pending acceptance: {pending}" + (f" (oldest waiting {wait} days)" if wait is not None else ""))
    lines.append(f"Subscriptions below their availability threshold: {figures['low_subscriptions']}")
    lines += [f"  - {name}" for name in figures["low_names"][:MAX_LINES]]
    if figures["low_subscriptions"]:
        lines += _see("  Open them", links.low)
    soonest = [a.line for a in expiring if a.key.startswith("expiry:pool:")]
    if soonest:
        lines += ["", "Expiring soonest:"] + [f"  - {line}" for line in soonest[:DIGEST_SOONEST]]
    lines += ["", *(_see("Every renewal of the next 30 days", links.renewals)
                    or ["See every renewal on the Renewals page."])]
    return "\n".join(lines)


def _quantities(by_unit: dict) -> str:
    return format_quantities(by_unit) if by_unit else "nothing"


def alert_text(alerts: list[Alert], links: Links) -> str:
    """Each kind of alert with a link to the view that lists it, filtered to it."""
    lines = []
    for kind, title, link in (("low", "Low availability", links.low), ("expiry", "Expiring soon", links.renewals)):
        chosen = [a.line for a in alerts if a.kind == kind]
        if chosen:
            lines += ["", f"{title}:"] + [f"  - {line}" for line in chosen[:MAX_LINES]]
            if len(chosen) > MAX_LINES:
                lines.append(f"  ... and {len(chosen) - MAX_LINES:,} more.")
            lines += _see("  Open them", link)
    return "\n".join(lines).lstrip()


def _subject(alerts: list[Alert]) -> str:
    low = sum(a.kind == "low" for a in alerts)
    expiring = len(alerts) - low
    parts = ([f"{low} subscription{'s' if low != 1 else ''} low"] if low else []) + \
            ([f"{expiring} expiring soon"] if expiring else [])
    return "Reseller Console alerts: " + ", ".join(parts)


def send_for_lar(session, lar_id: int, now: datetime, base_url: str | None = None) -> dict:
    """Claim and queue what is due for one LAR, in the caller's transaction."""
    links = Links.at(base_url)
    lows, recovered = low_alerts(session, lar_id, now)
    if recovered:
        session.execute(delete(AlertSent).where(AlertSent.lar_id == lar_id, AlertSent.key.in_(recovered)))
    expiring = expiry_alerts(session, lar_id, now)
    candidates = lows + expiring  # as the email lists them
    # Claimed in key order: two processes take the keys' locks in one order, never a deadlock.
    taken = {a.key for a in sorted(candidates, key=lambda a: a.key) if _claim(session, lar_id, a.key, a.kind, now)}
    claimed = [a for a in candidates if a.key in taken]
    people = recipients(session, lar_id)
    if claimed:
        subject, text = _subject(claimed), alert_text(claimed, links)
        for _user_id, email in people:
            queue_email(session, email, subject, text, about=f"alerts:{lar_id}", now=now)
    digests, digest = 0, None
    for user_id, email in people:
        if _claim(session, lar_id, digest_key(user_id, now), "digest", now):
            # The same for every recipient of the LAR: written once, when the first is due.
            digest = digest or digest_text(session, lar_id, now, links, expiring)
            queue_email(session, email, f"Reseller Console weekly digest, week of "
                        f"{now - timedelta(days=now.weekday()):%Y-%m-%d}", digest, about=f"digest:{lar_id}", now=now)
            digests += 1
    return {"alerts": len(claimed), "emails": len(people) * bool(claimed) + digests, "digests": digests}


def send_due_alerts(db: Database, *, now: datetime, base_url: str | None = None) -> dict:
    """Everything due for every LAR, one transaction per LAR. Returns counts for the log."""
    with db.reading() as session:
        lars = session.scalars(select(Tenant.id).where(Tenant.kind == TenantKind.LAR).order_by(Tenant.id)).all()
    totals = {"alerts": 0, "emails": 0, "digests": 0}
    for lar_id in lars:
        with db.unit_of_work(now=now) as session:
            # The hourly run also rewrites the stored figures a date has made stale (reads never write).
            refresh_stale(session, [lar_id], now)
            done = send_for_lar(session, lar_id, now, base_url)
        for key in totals:
            totals[key] += done[key]
    log.info("send-alerts: %(alerts)d alerts, %(digests)d digests, %(emails)d emails queued", totals)
    return totals
