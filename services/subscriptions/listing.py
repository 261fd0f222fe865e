"""The Subscriptions page: the LAR's own Subscriptions with what each has given, and the
low-availability threshold an admin sets on each."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from data.db import Database
from data.models import AuditAction, Subscription
from services.access.policy import Action, require
from services.access.principal import Principal
from services.access.scopes import LarScope
from services.activity import audit
from services.common.errors import NotFound
from services.common.grid_query import GridPage, GridQuery, day, search_keywords
from services.common.ids import row_id
from services.common.units import format_percent, format_quantity
from services.metrics.figures import share_pct
from services.subscriptions.choices import availability
from services.subscriptions.thresholds import Threshold, free_and_low, parse_threshold


def threshold_of(sub) -> Threshold | None:
    return Threshold(sub.low_threshold_kind, sub.low_threshold) if sub.low_threshold_kind else None


def subscription_rows(session, lar_id: int, now: datetime) -> list[dict]:
    """Every Subscription of the LAR, expired ones included, with its figures as numbers."""
    thresholds = {s.id: threshold_of(s) for s in session.scalars(
        select(Subscription).where(Subscription.lar_id == lar_id))}
    rows = []
    for r in availability(session, lar_id, now, unexpired_only=False):
        expired = datetime.fromisoformat(r["expires_at"]) <= now
        handed = r["given"] + r["pending"]
        threshold = thresholds.get(r["id"])
        free, low = free_and_low(threshold, r["purchased"], handed, expired)
        rows.append({**r, "free": free, "expired": expired, "threshold": threshold, "low": low,
                     "given_pct": share_pct(handed, r["purchased"])})
    return rows


def list_subscriptions(db: Database, actor: Principal, *, now: datetime) -> list[dict]:
    """The Subscriptions grid's rows (a LAR has tens of Subscriptions: one page, sorted in the grid)."""
    with db.reading() as session:
        rows = subscription_rows(session, LarScope(actor).lar_id, now)
    return [{
        "id": r["id"], "service": r["service"], "name": r["name"], "source": r["source"],
        "purchased": format_quantity(r["unit"], r["purchased"]),
        "given": format_quantity(r["unit"], r["given"]),
        "pending": format_quantity(r["unit"], r["pending"]),
        "free": format_quantity(r["unit"], r["free"]),
        "free_n": r["free"], "purchased_n": r["purchased"], "given_n": r["given"], "pending_n": r["pending"],
        "given_pct": format_percent(r["given_pct"]), "given_pct_n": r["given_pct"],
        "expires_at": day(datetime.fromisoformat(r["expires_at"])),
        "status": "Expired" if r["expired"] else ("Low" if r["low"] else "OK"),
        "threshold": _threshold_label(r["threshold"], r["unit"]),
        "threshold_kind": r["threshold"].kind if r["threshold"] else "none",
        "threshold_value": r["threshold"].value if r["threshold"] else None,
        "unit": r["unit"],
    } for r in rows]


def _threshold_label(threshold: Threshold | None, unit: str) -> str:
    if threshold is None:
        return "Not set"
    if threshold.kind == "percent":
        return f"{threshold.value}%"
    return format_quantity(unit, threshold.value)


def set_threshold(db: Database, actor: Principal, subscription_id, kind, value, *, now: datetime) -> dict:
    """An admin sets (or clears, kind "none") a Subscription's low-availability threshold."""
    require(actor, Action.SUBSCRIPTION_THRESHOLD)
    sid = row_id(subscription_id)
    if sid is None:
        raise NotFound("Subscription")
    with db.unit_of_work() as session:
        sub = session.scalars(select(Subscription).where(Subscription.id == sid, LarScope(actor).subscriptions())
                              .with_for_update()).first()
        if sub is None:
            raise NotFound("Subscription")
        threshold = parse_threshold(kind, value, sub.purchased_quantity, sub.unit)
        before = _threshold_label(threshold_of(sub), sub.unit)
        sub.low_threshold_kind = threshold.kind if threshold else None
        sub.low_threshold = threshold.value if threshold else None
        after = _threshold_label(threshold, sub.unit)
        if before != after:
            audit.record(session, actor, AuditAction.SUBSCRIPTION_THRESHOLD, f"subscription:{sub.id}", now=now,
                         subscription=sub.name, before={"threshold": before}, after={"threshold": after})
        return {"id": sub.id, "name": sub.name, "threshold": after}


STATUSES = ("OK", "Low", "Expired")
SORT_KEYS = {"purchased": "purchased_n", "given": "given_n", "pending": "pending_n", "free": "free_n",
             "given_pct": "given_pct_n"}


def subscription_page(db: Database, actor: Principal, query: GridQuery, *, now: datetime) -> GridPage:
    """list_subscriptions as the grid asks for it: a LAR has tens of Subscriptions, so search,
    filter, sort and paging run over the list in Python."""
    rows = list_subscriptions(db, actor, now=now)
    of = len(rows)
    for keyword in search_keywords(query.search):
        rows = [r for r in rows if keyword in f"{r['name']} {r['service']}".lower()]
    if query.is_set("status"):
        statuses = query.chosen("status", STATUSES)
        rows = [r for r in rows if r["status"] in statuses]
    for column, direction in reversed(query.sort or ()):
        key = SORT_KEYS.get(column, column)
        if rows and key in rows[0]:
            present = [r for r in rows if r[key] is not None]
            rows = sorted(present, key=lambda r: r[key], reverse=direction == "desc") + \
                [r for r in rows if r[key] is None]
    offset, limit = query.bounds()
    return GridPage(rows=rows[offset:offset + limit], total=len(rows), of=of if query.narrowed else None)
