"""Actions on directory entries: customer visibility, Delete, and reading one entry (Map: directory/mapping.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from data.db import Database
from data.models import AuditAction, DirectoryEntry, ResellerPool, Subscription
from services.access.policy import Action, require
from services.access.principal import Principal
from services.access.scopes import LarScope
from services.activity import audit
from services.common.errors import DomainError, NotFound, ResellersInUse
from services.common.ids import parse_ids, row_id
from services.pools.allocation import lock_subscriptions
from services.pools.release import release_pool
from services.pools.state import is_active, is_pending

DELETE_CONFIRMATION = "Yes"


def confirms_deletion(typed) -> bool:
    """Rule 9: the user typed Yes, in any letter case."""
    return isinstance(typed, str) and typed.strip().lower() == DELETE_CONFIRMATION.lower()


def own_reseller(session, actor: Principal, reseller_id, lock: bool = False) -> DirectoryEntry:
    rid = row_id(reseller_id)
    if rid is None:
        raise NotFound("Reseller")
    stmt = select(DirectoryEntry).where(DirectoryEntry.id == rid, LarScope(actor).entries())
    if lock:
        stmt = stmt.with_for_update()
    reseller = session.scalars(stmt).first()
    if reseller is None:
        raise NotFound("Reseller")
    return reseller


@dataclass(frozen=True)
class EntrySummary:
    """One directory entry as the pages show it."""
    id: int
    organization_name: str
    email: str  # its tenant owner's address
    status: str
    customer_visibility: bool

    @classmethod
    def of(cls, entry: DirectoryEntry) -> EntrySummary:
        return cls(entry.id, entry.organization_name, entry.email, entry.status, entry.customer_visibility)


def get_reseller(db: Database, actor: Principal, reseller_id) -> EntrySummary:
    with db.reading() as session:
        return EntrySummary.of(own_reseller(session, actor, reseller_id))


def set_customer_visibility(db: Database, actor: Principal, reseller_id, visible: bool, *,
                            now: datetime) -> EntrySummary:
    """The LAR may turn visibility off, never on: only the reseller can give it back."""
    require(actor, Action.ENTRY_VISIBILITY)
    if visible:
        raise DomainError("Only the reseller can turn customer visibility back on.")
    with db.unit_of_work() as session:
        reseller = own_reseller(session, actor, reseller_id, lock=True)
        if not reseller.customer_visibility:
            raise DomainError(f"Customer visibility of {reseller.organization_name} is already off.")
        reseller.customer_visibility = False
        audit.record(session, actor, AuditAction.RESELLER_VISIBILITY_OFF, f"reseller:{reseller.id}", now=now,
                     before={"view_reseller's_customers": "On"}, after={"view_reseller's_customers": "Off"})
        return EntrySummary.of(reseller)


def _with_active_pools(session, ids: list[int], now: datetime) -> set[int]:
    return set(session.scalars(
        select(ResellerPool.reseller_id)
        .join(Subscription, Subscription.id == ResellerPool.subscription_id)
        .where(ResellerPool.reseller_id.in_(ids), is_active(now))
    ).all())


@dataclass(frozen=True)
class DeletionPreview:
    """What Delete would do, said before the user confirms."""
    names: list[str]  # the selected entries of the actor's LAR, as stored (never as the browser named them)
    blocked: list[str]  # those with active pools, which Delete refuses
    deletable: int  # how many others could go
    pending: int  # pending pools those others hold, which go back to their subscriptions


def deletion_preview(db: Database, actor: Principal, reseller_ids, *, now: datetime) -> DeletionPreview:
    """Ids of other LARs count for nothing; delete_resellers decides again, under locks."""
    ids = parse_ids(reseller_ids, "reseller")
    if not ids:
        return DeletionPreview([], [], 0, 0)
    with db.reading() as session:
        resellers = session.execute(
            select(DirectoryEntry.id, DirectoryEntry.organization_name)
            .where(DirectoryEntry.id.in_(ids), LarScope(actor).entries())
            .order_by(DirectoryEntry.organization_name)
        ).all()
        active_ids = _with_active_pools(session, [r.id for r in resellers], now)
        deletable = [r.id for r in resellers if r.id not in active_ids]
        pending = session.execute(
            select(func.count()).select_from(ResellerPool)
            .join(Subscription, Subscription.id == ResellerPool.subscription_id)
            .where(ResellerPool.reseller_id.in_(deletable), is_pending(now))).scalar_one() if deletable else 0
    blocked = [r.organization_name for r in resellers if r.id in active_ids]
    return DeletionPreview([r.organization_name for r in resellers], blocked, len(deletable), pending or 0)


def delete_resellers(
    db: Database, actor: Principal, reseller_ids, confirmation: str, delete_the_rest: bool = False, *, now: datetime
) -> list[str]:
    """Delete the selected entries; ones with active pools are never deleted.

    In a mixed selection nothing is deleted unless delete_the_rest says the user
    confirmed deleting the others. Pending pools go back to their Subscriptions.
    """
    require(actor, Action.ENTRY_DELETE)
    if not confirms_deletion(confirmation):
        raise DomainError("Type Yes in the box to confirm the deletion.")
    ids = parse_ids(reseller_ids, "reseller")
    if not ids:
        raise DomainError("Select at least one reseller to delete.")
    with db.unit_of_work(now=now) as session:
        resellers = session.scalars(
            select(DirectoryEntry)
            .where(DirectoryEntry.id.in_(ids), LarScope(actor).entries())
            .order_by(DirectoryEntry.organization_name)
            .with_for_update()
        ).all()
        if len(resellers) != len(ids):
            raise NotFound("One or more selected resellers were")
        active_ids = _with_active_pools(session, ids, now)
        blocked = [r.organization_name for r in resellers if r.id in active_ids]
        deletable = [r for r in resellers if r.id not in active_ids]
        if blocked and (not delete_the_rest or not deletable):
            raise ResellersInUse(blocked, len(deletable))
        pools = session.scalars(
            select(ResellerPool).where(ResellerPool.reseller_id.in_([r.id for r in deletable]))
            .order_by(ResellerPool.subscription_id)
        ).all()
        # All their subscriptions at once, in id order: the lock order of every other write.
        lock_subscriptions(session, LarScope(actor).lar_id, [p.subscription_id for p in pools])
        for pool in pools:
            session.refresh(pool)  # seats_held as it is now that no reclaim can run beside us
            release_pool(session, actor, pool, now)
        session.flush()  # pools first: the reseller rows go after, in the same transaction
        for reseller in deletable:
            audit.record(
                session, actor, AuditAction.RESELLER_DELETE, f"reseller:{reseller.id}", now=now,
                organization_name=reseller.organization_name, email=reseller.email,
            )
            session.delete(reseller)
        return [r.organization_name for r in deletable]
