"""The LAR's own Subscriptions and what each still has to give: the Pool choices of the
Add pool panel and its "View details of available user seats"."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from data.models import ResellerPool, Subscription
from services.metrics.figures import accepted, pending, subscription_free
from services.pools.form import SubscriptionFacts


def availability(session, lar_id: int, now: datetime, ids=None, unexpired_only: bool = True) -> list[dict]:
    """Per Subscription: purchased, given to resellers (accepted pools), pending acceptance and
    available, counting live pools only; ordered by service and name."""
    conditions = [Subscription.lar_id == lar_id]
    if unexpired_only:
        conditions.append(Subscription.expires_at > now)
    if ids is not None:
        conditions.append(Subscription.id.in_(list(ids)))
    rows = session.execute(
        select(Subscription.id, Subscription.service, Subscription.name, Subscription.source, Subscription.unit,
               Subscription.purchased_quantity, Subscription.expires_at,
               accepted(now).label("given"), pending(now).label("pending"))
        .outerjoin(ResellerPool, ResellerPool.subscription_id == Subscription.id)
        .where(*conditions)
        .group_by(Subscription.id)
        .order_by(Subscription.service, Subscription.name, Subscription.id)
    ).all()
    return [{
        "id": r.id, "service": r.service, "name": r.name, "source": r.source, "unit": r.unit,
        "purchased": r.purchased_quantity, "given": int(r.given), "pending": int(r.pending),
        "available": subscription_free(r.purchased_quantity, int(r.given) + int(r.pending), r.expires_at <= now),
        "expires_at": r.expires_at.isoformat(),
    } for r in rows]


def subscription_facts(sub: Subscription, available: int) -> SubscriptionFacts:
    """SubscriptionFacts of a Subscription row in hand (locked for a write)."""
    return SubscriptionFacts(id=sub.id, service=sub.service, name=sub.name, unit=sub.unit, source=sub.source,
                             expires_at=sub.expires_at, available=available)


def facts(row: dict, available: int | None = None) -> SubscriptionFacts:
    """SubscriptionFacts from an availability() row (or the same dict back from the browser's
    store; only shown to the user there, the save re-reads the database)."""
    return SubscriptionFacts(
        id=int(row["id"]), service=str(row["service"]), name=str(row["name"]), unit=str(row["unit"]),
        source=str(row["source"]), expires_at=datetime.fromisoformat(str(row["expires_at"])),
        available=int(row["available"] if available is None else available),
    )
