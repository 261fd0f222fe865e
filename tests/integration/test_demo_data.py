"""The demo generator on both databases: deterministic, two LARs kept apart, every case present."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from data.demo import load_demo
from data.models import DirectoryEntry, ResellerPool, Subscription, User
from services.common.grid_query import GridQuery
from services.directory.query import list_directory
from services.identity.sign_in import authenticate
from services.pools.state import effective_expiration, effective_status


def _snapshot(db):
    with db.reading() as s:
        return s.execute(
            select(
                DirectoryEntry.id,
                DirectoryEntry.organization_name,
                DirectoryEntry.email,
                DirectoryEntry.status,
                DirectoryEntry.customer_visibility,
            ).order_by(DirectoryEntry.id)
        ).all()


def test_demo_data_covers_the_cases_and_loads_once(db, clock):
    now = clock.now()
    assert load_demo(db, now=now, resellers=60, seed=7) is True
    assert load_demo(db, now=now, resellers=60, seed=7) is False  # a non-empty database is left alone
    with db.reading() as s:
        statuses = dict(s.execute(select(DirectoryEntry.status, func.count()).where(DirectoryEntry.lar_id == 1)
                                  .group_by(DirectoryEntry.status)).all())
        assert sum(statuses.values()) == 60 and set(statuses) == {"Invited", "Unmapped", "Mapped"}
        assert s.scalar(select(func.count()).select_from(DirectoryEntry).where(DirectoryEntry.lar_id == 2)) >= 10
        pool_statuses = set(s.scalars(select(effective_status(now)).select_from(ResellerPool)
                                      .join(Subscription, Subscription.id == ResellerPool.subscription_id)).all())
        assert pool_statuses == {"Active", "Pending acceptance", "Expired"}
        visibility = set(s.scalars(select(DirectoryEntry.customer_visibility).distinct()).all())
        assert visibility == {True, False}
        soon = s.execute(select(func.count()).select_from(ResellerPool)
                         .join(Subscription, Subscription.id == ResellerPool.subscription_id)
                         .where(effective_expiration() > now,
                                effective_expiration() <= now + timedelta(days=30))).scalar()
        assert soon > 0
        tightest = s.scalar(select(func.min(Subscription.purchased_quantity - Subscription.allocated_quantity)))
        assert 0 <= tightest <= 5
        assert s.scalar(select(func.count()).select_from(User).where(User.is_demo.is_(True))) == 4
    admin = authenticate(db, "admin@demo.example", "demo1234", now=now)
    other = authenticate(db, "admin@other.example", "demo1234", now=now)
    mine = {r["organization_name"] for r in list_directory(db, admin, GridQuery(end=500), now=now).rows}
    theirs = {r["organization_name"] for r in list_directory(db, other, GridQuery(end=500), now=now).rows}
    assert mine and theirs and not (mine & theirs)


def test_demo_data_is_deterministic(db, tmp_path, clock):
    from data.db import Database
    from data.migrate import upgrade

    load_demo(db, now=clock.now(), resellers=30, seed=7)
    url = f"sqlite:///{tmp_path / 'again.db'}"
    upgrade(url)
    again = Database(url)
    load_demo(again, now=clock.now(), resellers=30, seed=7)
    assert _snapshot(db) == _snapshot(again)
    again.dispose()
