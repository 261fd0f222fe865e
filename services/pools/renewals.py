"""Renewals: what expires and what waits for acceptance, across all of the LAR's resellers.

A reseller pool counts exactly as on its reseller's dashboard (services/metrics/dashboard.py): live
(pending or active, before its effective expiration), and "expiring within N days" when its
effective expiration falls within N days of now. So the 30-day card equals the sum of every
reseller's "Expiring in 30 days".
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, false, func, or_, select

from data.catalog import SERVICE_NAMES
from data.db import Database
from data.models import DirectoryEntry, ResellerPool, Subscription
from services.access.principal import Principal
from services.access.scopes import LarScope
from services.common.days import browser_day
from services.common.grid_query import GridPage, GridQuery, day, keyword_conditions, order_by
from services.common.units import UNIT_ORDER, format_percent, format_quantity
from services.metrics.figures import (
    accepted,
    expiring,
    pending,
    pool_utilisation,
    utilisation_pct,
    with_subscription,
)
from services.pools.state import ACTIVE, PENDING, effective_expiration, is_live, is_pending, pool_labels
from services.subscriptions.thresholds import Threshold, free_and_low

WINDOWS = (7, 30, 90)
DEFAULT_WINDOW = 30
# The grid's views, one per card: pools expiring within N days (whatever their status, as the
# cards count them), or every pool waiting for acceptance (whatever its date).
PENDING_VIEW = "pending"
VIEWS = (*(str(n) for n in WINDOWS), PENDING_VIEW)
OWN_SUBSCRIPTIONS_DAYS = 90
WEEKS = 13
STATUSES = (ACTIVE, PENDING)


def _lar_pools(lar_id: int, now: datetime) -> list:
    """The conditions every Renewals query starts from: the LAR's own resellers' live pools."""
    return [DirectoryEntry.lar_id == lar_id, is_live(now)]


def _joined(stmt):
    return with_subscription(stmt.select_from(ResellerPool)).join(DirectoryEntry,
                                                                  DirectoryEntry.id == ResellerPool.reseller_id)


def renewal_figures(db: Database, actor: Principal, *, now: datetime) -> dict:
    """The cards: quantity expiring within 7, 30 and 90 days and pending acceptance (per unit),
    the oldest wait in days, and how many Subscriptions are below their threshold."""
    with db.reading() as session:
        return figures_of_lar(session, LarScope(actor).lar_id, now)


def figures_of_lar(session, lar_id: int, now: datetime) -> dict[str, Any]:
    """One pass over the LAR's pools, grouped by Subscription (a pool's Subscription is its
    reseller's LAR's, so no join to the directory is needed): the cards per unit, and from the
    same sums what each Subscription has free against its threshold."""
    rows = session.execute(
        select(Subscription.id, Subscription.name, Subscription.unit, Subscription.purchased_quantity,
               Subscription.expires_at, Subscription.low_threshold, Subscription.low_threshold_kind,
               *[expiring(now, timedelta(days=n)) for n in WINDOWS], pending(now), accepted(now),
               func.min(case((is_pending(now), ResellerPool.created_at))))
        .outerjoin(ResellerPool, ResellerPool.subscription_id == Subscription.id)
        .where(Subscription.lar_id == lar_id)
        .group_by(Subscription.id)
        .order_by(Subscription.service, Subscription.name, Subscription.id)).all()
    expiring_by_window: dict[int, dict[str, int]] = {n: {} for n in WINDOWS}  # {days: {unit: quantity}}
    pending_by_unit: dict[str, int] = {}
    low_names: list[str] = []
    oldest: datetime | None = None
    for r in rows:
        *ending, waiting, given, first_pending = r[7:]
        for n, value in zip(WINDOWS, ending, strict=True):
            if value:
                expiring_by_window[n][r.unit] = expiring_by_window[n].get(r.unit, 0) + int(value)
        if waiting:
            pending_by_unit[r.unit] = pending_by_unit.get(r.unit, 0) + int(waiting)
        if first_pending is not None:
            first_pending = as_datetime(first_pending)
            oldest = first_pending if oldest is None else min(oldest, first_pending)
        threshold = Threshold(r.low_threshold_kind, r.low_threshold) if r.low_threshold_kind else None
        _free, low = free_and_low(threshold, r.purchased_quantity, int(given) + int(waiting), r.expires_at <= now)
        if low:
            low_names.append(r.name)
    figures: dict[str, Any] = {f"expiring_{n}": expiring_by_window[n] for n in WINDOWS}
    figures.update(pending=pending_by_unit, oldest_wait_days=None if oldest is None else max(0, (now - oldest).days),
                   low_names=low_names, low_subscriptions=len(low_names))
    return figures


def as_datetime(value) -> datetime:
    """MIN() over a CASE gives SQLite's text back, PostgreSQL's timestamp."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def week_starts(today: date) -> list[date]:
    return [today + timedelta(days=7 * i) for i in range(WEEKS)]


def expiring_by_week(db: Database, actor: Principal, *, now: datetime) -> dict:
    """Quantity expiring in each of the next 13 weeks (week 1 starts today), per unit and
    service, never added across units (a service's pools in two units are two series):
    {"weeks": [iso dates], "series": [{"service": s, "unit": u, "quantities": [13 numbers]}]},
    by unit (UNIT_ORDER), then in the catalogue's order."""
    start = datetime.combine(now.date(), datetime.min.time())
    ends = effective_expiration()
    horizon = start + timedelta(days=7 * WEEKS)
    with db.reading() as session:
        # A pool's Subscription is its reseller's LAR's: no join to the directory needed.
        rows = session.execute(
            with_subscription(select(Subscription.service, Subscription.unit, ends.label("ends"),
                                     func.sum(ResellerPool.quantity)).select_from(ResellerPool))
            .where(LarScope(actor).subscriptions(), is_live(now), ends < horizon)
            .group_by(Subscription.service, Subscription.unit, ends)).all()
    series: dict[tuple[str, str], list[int]] = {}
    for service, unit, ends_at, quantity in rows:
        index = (as_datetime(ends_at) - start).days // 7
        if 0 <= index < WEEKS:
            series.setdefault((unit, service), [0] * WEEKS)[index] += int(quantity)

    def order(key: tuple[str, str]) -> tuple:
        unit, service = key
        return (UNIT_ORDER.index(unit) if unit in UNIT_ORDER else len(UNIT_ORDER), unit,
                SERVICE_NAMES.index(service) if service in SERVICE_NAMES else len(SERVICE_NAMES), service)

    return {"weeks": [d.isoformat() for d in week_starts(now.date())],
            "series": [{"service": service, "unit": unit, "quantities": series[unit, service]}
                       for unit, service in sorted(series, key=order)]}


def days_left(ends: datetime, now: datetime) -> int:
    """Calendar days from today to the expiration day, as the Expiration column reads:
    0 on the day itself."""
    return max(0, (ends.date() - now.date()).days)


def chosen_view(query: GridQuery) -> str:
    """"7", "30", "90" (days) or PENDING_VIEW; the 30-day window unless another was chosen."""
    chosen = query.chosen("window", VIEWS)
    return chosen[0] if chosen else str(DEFAULT_WINDOW)


def chosen_weeks(query: GridQuery) -> list[date]:
    """The weeks chosen (by the chart's bars or Filter), each named by its first day."""
    return [day for day in map(browser_day, query.chosen("week")[:WEEKS]) if day]


def list_renewals(db: Database, actor: Principal, query: GridQuery, *, now: datetime) -> GridPage:
    """Reseller pools that expire within the window (exactly what its card counts), or in the
    chosen weeks, or, in the pending view, every pool waiting for acceptance; searched by
    reseller, filtered by service and status."""
    ends = effective_expiration()
    utilisation = pool_utilisation()
    waiting = case((ResellerPool.status == PENDING, ResellerPool.created_at))
    base = _lar_pools(LarScope(actor).lar_id, now)
    weeks = chosen_weeks(query)
    view = chosen_view(query)
    if query.is_set("week"):  # a week lists its pools whatever the window
        starts = [datetime.combine(w, datetime.min.time()) for w in weeks]
        base.append(or_(false(), *[and_(ends >= s, ends < s + timedelta(days=7)) for s in starts]))
    elif view == PENDING_VIEW:
        base.append(ResellerPool.status == PENDING)
    else:
        base.append(ends <= now + timedelta(days=int(view)))
    conditions = [*base, *keyword_conditions(DirectoryEntry.organization_name, query.search)]
    if query.is_set("service"):
        conditions.append(Subscription.service.in_(query.chosen("service", SERVICE_NAMES)))
    if query.is_set("status"):
        conditions.append(ResellerPool.status.in_(query.chosen("status", STATUSES)))
    sortable = {
        "reseller": DirectoryEntry.organization_name,
        "service": Subscription.service,
        "pool": Subscription.name,
        "quantity": ResellerPool.quantity,
        "allocated": ResellerPool.assigned_quantity,
        "utilisation": utilisation,
        "expires_at": ends,
        "days_left": ends,
        "status": ResellerPool.status,
        "waiting_since": waiting,
    }
    offset, limit = query.bounds()
    with db.reading() as session:
        # The count rides along with the page (one pass instead of two); a page past the end
        # has no rows to carry it and asks separately.
        rows = session.execute(_joined(select(
            ResellerPool.id, ResellerPool.reseller_id, DirectoryEntry.organization_name, Subscription.service,
            Subscription.unit, ResellerPool.quantity, ResellerPool.assigned_quantity, ends.label("ends"),
            ResellerPool.status, ResellerPool.created_at, func.count().over().label("total"),
        )).where(*conditions).order_by(*order_by(sortable, query.sort or _default_sort(view, weeks), ResellerPool.id))
            .offset(offset).limit(limit)).all()
        total = rows[0].total if rows else (
            session.scalar(_joined(select(func.count())).where(*conditions)) if offset else 0)
        narrowed = bool(query.search.strip() or query.is_set("service") or query.is_set("status"))
        of = session.scalar(_joined(select(func.count())).where(*base)) if narrowed else None
        labels = _labels(session, {r.reseller_id for r in rows})
    detail = ("expiring in the week of " + ", ".join(f"{w:%b %-d}" for w in sorted(weeks))) if weeks else ""
    return GridPage(total=total or 0, of=of, detail=detail, rows=[_row(r, labels, now) for r in rows])


def _default_sort(view: str, weeks: list) -> tuple:
    """Soonest to expire first; in the pending view, the longest wait first."""
    return (("waiting_since", "asc"),) if view == PENDING_VIEW and not weeks else (("expires_at", "asc"),)


def own_subscriptions_ending(db: Database, actor: Principal, *, now: datetime) -> list[dict]:
    """The LAR's own Subscriptions that end within OWN_SUBSCRIPTIONS_DAYS (the alert emails
    remind of them; the page lists them), soonest first, with what they feed."""
    with db.reading() as session:
        rows = session.execute(
            select(Subscription.id, Subscription.name, Subscription.service, Subscription.unit,
                   Subscription.purchased_quantity, Subscription.allocated_quantity, Subscription.expires_at)
            .where(LarScope(actor).subscriptions(), Subscription.expires_at > now,
                   Subscription.expires_at <= now + timedelta(days=OWN_SUBSCRIPTIONS_DAYS))
            .order_by(Subscription.expires_at, Subscription.id)).all()
    return [{"id": r.id, "name": r.name, "service": r.service, "expires_at": day(r.expires_at),
             "days_left": days_left(r.expires_at, now),
             "purchased": format_quantity(r.unit, r.purchased_quantity),
             "given": format_quantity(r.unit, r.allocated_quantity)} for r in rows]


def _labels(session, reseller_ids: set[int]) -> dict[int, str]:
    """Pool labels as each reseller's dashboard shows them."""
    if not reseller_ids:
        return {}
    by_reseller: dict[int, list] = {}
    for pool_id, reseller_id, name, created in session.execute(
            with_subscription(select(ResellerPool.id, ResellerPool.reseller_id, Subscription.name,
                                     ResellerPool.created_at))
            .where(ResellerPool.reseller_id.in_(reseller_ids))).all():
        by_reseller.setdefault(reseller_id, []).append((pool_id, name, created))
    labels: dict[int, str] = {}
    for pools in by_reseller.values():
        labels.update(pool_labels(pools))
    return labels


def _row(r, labels: dict[int, str], now: datetime) -> dict:
    ends = as_datetime(r.ends)
    pending = r.status == PENDING
    return {
        "id": r.id, "reseller_id": r.reseller_id, "reseller": r.organization_name, "service": r.service,
        "pool": labels.get(r.id, ""), "quantity": format_quantity(r.unit, r.quantity),
        "allocated": format_quantity(r.unit, r.assigned_quantity),
        "utilisation": format_percent(utilisation_pct(r.assigned_quantity, r.quantity)),
        "expires_at": day(ends), "days_left": days_left(ends, now),
        "status": r.status, "waiting_since": day(r.created_at) if pending else "",
        "waiting_days": max(0, (now - r.created_at).days) if pending else None,
    }


def renewal_filter_options() -> list:
    return [("service", "Service", list(SERVICE_NAMES)), ("status", "Status", list(STATUSES))]
