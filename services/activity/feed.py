"""Activity: every recorded action of the LAR's users (services/activity/audit.py), newest first.

Kept for as long as the database lives; every role may read it (it shows who did what, never
more than the pages themselves show). Filtered by user, action, reseller and a date range,
searched by the reseller's name.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select

from data.db import Database
from data.models import AuditAction, AuditEvent, DirectoryEntry, Subscription, User
from services.access.principal import Principal
from services.access.scopes import LarScope
from services.common.days import browser_day
from services.common.grid_query import GridPage, GridQuery, order_by, search_keywords
from services.common.ids import row_ids
from services.common.units import format_quantity

# Activity's labels and filter options: the audit-action vocabulary, every action it names.
ACTIONS = {str(action): action.label for action in AuditAction}
# Ids, and facts the Target column already gives.
HIDDEN_DETAILS = {"reseller_id", "subscription_id", "tenant_id", "before", "after", "batch", "sign_up", "service",
                  "subscription", "organization_name", "expiration", "by", "again"}


def _start_of(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())


def list_activity(db: Database, actor: Principal, query: GridQuery) -> GridPage:
    scope = LarScope(actor)
    lar = [scope.audit()]
    conditions = list(lar)
    if query.is_set("user"):
        conditions.append(AuditEvent.actor_user_id.in_(row_ids(query.chosen("user"))))
    if query.is_set("action"):
        conditions.append(AuditEvent.action.in_(query.chosen("action", ACTIONS)))
    if query.is_set("reseller"):
        conditions.append(AuditEvent.reseller_id.in_(row_ids(query.chosen("reseller"))))
    since = next(filter(None, map(browser_day, query.chosen("from"))), None)
    until = next(filter(None, map(browser_day, query.chosen("to"))), None)
    if since and until and since > until:  # a hand-made link with the dates the wrong way round
        since, until = until, since
    if since:
        conditions.append(AuditEvent.at >= _start_of(since))
    if until:  # the whole of that day
        conditions.append(AuditEvent.at < _start_of(until + timedelta(days=1)))
    # An event names the reseller as it was when it happened (a rename, a Map or a sign-up
    # changes the entry's name later); the search finds it by that name or by today's.
    name = func.coalesce(AuditEvent.reseller_name, DirectoryEntry.organization_name)
    conditions += [or_(func.lower(AuditEvent.reseller_name).contains(k, autoescape=True),
                       func.lower(DirectoryEntry.organization_name).contains(k, autoescape=True))
                   for k in search_keywords(query.search)]
    # Events of one instant (one request's clock) keep the order they were recorded in.
    sortable = {"at": (AuditEvent.at, AuditEvent.id), "user": func.coalesce(User.email, AuditEvent.actor_email),
                "action": AuditEvent.action, "reseller": name}
    offset, limit = query.bounds()

    def joined(stmt):
        return (
            stmt.select_from(AuditEvent)
            .outerjoin(User, User.id == AuditEvent.actor_user_id)
            .outerjoin(
                DirectoryEntry, (DirectoryEntry.id == AuditEvent.reseller_id) & scope.entries()
            )
        )

    with db.reading() as session:
        total = session.scalar(joined(select(func.count())).where(*conditions))
        narrowed = len(conditions) > len(lar)
        of = session.scalar(select(func.count()).select_from(AuditEvent).where(*lar)) if narrowed else None
        rows = session.execute(joined(select(
            AuditEvent.id, AuditEvent.at, User.email, AuditEvent.actor_email, AuditEvent.action, AuditEvent.target,
            AuditEvent.details,
            AuditEvent.reseller_id, DirectoryEntry.organization_name, AuditEvent.reseller_name,
        )).where(*conditions).order_by(*order_by(sortable, query.sort or (("at", "desc"),), AuditEvent.id))
            .offset(offset).limit(limit)).all()
        details = {r.id: _details(r.details) for r in rows}
        subscriptions = {i: (name, unit) for i, name, unit in session.execute(
            select(Subscription.id, Subscription.name, Subscription.unit).where(
                scope.subscriptions(),
                Subscription.id.in_({d["subscription_id"] for d in details.values()
                                     if isinstance(d.get("subscription_id"), int)}))).all()}
    return GridPage(total=total or 0, of=of, rows=[
        _row(r, details[r.id], subscriptions) for r in rows])


def _details(raw: str) -> dict:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _row(r, details: dict, subscriptions: dict) -> dict:
    then = r.reseller_name or details.get("organization_name") or r.organization_name or ""
    reseller = f"{then} (now {r.organization_name})" if r.organization_name and then != r.organization_name else then
    return {
        # A removed user's actions keep the address they were done under; an invitation link's
        # holder has no account: the event names the address it was sent to.
        "id": r.id, "at": f"{r.at:%Y-%m-%d %H:%M}",
        "user": r.email or r.actor_email or details.get("by") or "(deleted user)",
        "action": ACTIONS.get(r.action, r.action), "reseller": reseller,
        "reseller_id": r.reseller_id if r.organization_name else None,
        "target": _target(r.target, details, subscriptions),
        "change": describe_change(details, (subscriptions.get(details.get("subscription_id")) or (None, None))[1]),
    }


def _target(target: str, details: dict, subscriptions: dict) -> str:
    kind, _, _ = target.partition(":")
    name = (subscriptions.get(details.get("subscription_id")) or (None, None))[0]
    if kind == "pool":
        return f"Pool {name or details.get('service') or ''}".strip()
    if kind == "subscription":
        return f"Subscription {details.get('subscription') or name or ''}".strip()
    if kind == "reseller":
        return "Directory entry"  # the Reseller column names it
    return target  # a user's email


def describe_change(details: dict, unit: str | None = None) -> str:
    """What changed, as "field: before → after; …", else the action's own facts. Quantities
    carry the unit of the pool's subscription when it is known."""
    before, after = details.get("before"), details.get("after")
    if isinstance(before, dict) and isinstance(after, dict):
        keys = sorted(set(before) | set(after))
        return "; ".join(f"{_label(k)}: {_value(k, before.get(k), unit)} → {_value(k, after.get(k), unit)}"
                         for k in keys)
    facts = [f"{_label(k)}: {_value(k, v, unit)}" for k, v in sorted(details.items())
             if k not in HIDDEN_DETAILS and v not in (None, "")]
    return "; ".join(facts)


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _value(key: str, value, unit: str | None) -> str:
    if key == "expires_at" and value is None:
        return "Same as pooled subscription"  # a pool without its own date
    if value is None or value == "":
        return "—"
    if key == "quantity" and unit and isinstance(value, int):
        return format_quantity(unit, value)
    text = str(value)
    return text[:10] if len(text) >= 19 and text[4] == "-" and text[10] in " T" else text  # a date and time


def activity_filter_options(db: Database, actor: Principal) -> list:
    """The Filter's users (every user of the LAR) and actions."""
    with db.reading() as session:
        users = session.execute(select(User.id, User.email).where(LarScope(actor).users())
                                .order_by(User.email)).all()
    return [("user", "User", [{"value": str(u.id), "label": u.email} for u in users]),
            ("action", "Action", [{"value": k, "label": v} for k, v in ACTIONS.items()])]


def reseller_names(db: Database, actor: Principal, ids: list[str]) -> dict[str, str]:
    """Names of the resellers a link filtered by (the chip's label): in the directory, or as
    this LAR's Activity recorded them (a deleted reseller)."""
    wanted = row_ids(ids)[:50]
    if not wanted:
        return {}
    scope = LarScope(actor)
    with db.reading() as session:
        recorded = dict(session.execute(
            select(AuditEvent.reseller_id, func.max(AuditEvent.reseller_name))
            .where(scope.audit(), AuditEvent.reseller_id.in_(wanted))
            .group_by(AuditEvent.reseller_id)).all())
        current = dict(session.execute(
            select(DirectoryEntry.id, DirectoryEntry.organization_name).where(DirectoryEntry.id.in_(wanted),
                                                                  scope.entries())).all())
    return {str(i): current.get(i) or recorded.get(i) or f"Reseller {i}" for i in wanted
            if i in current or i in recorded}
