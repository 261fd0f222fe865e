"""The stored figures kept current by the unit of work itself, never by a call a write must remember.

Every flush marks, in session.info, the directory entries whose figures the flushed changes can
move: a pool added, changed or deleted (its entry), a customer's assignment (its pool's
entry), a Subscription's end moved (its pools' entries); an ORM bulk INSERT of pools or
assignments (the demo loader) marks the same from its rows. The commit then rewrites those
entries' stored figures in the same transaction, as of the unit of work's instant
(Database.unit_of_work(now=...)), and with them up to STALE_PER_COMMIT rows of the same LARs
that a date has made stale. A write that touched pools without saying when is refused.

Registered on every SQLAlchemy Session when this package is imported (services/metrics/__init__.py).
A bulk UPDATE statement is not seen: the only one on pools (allocation.reclaim_expired) sets
seats_held, which no figure reads.
"""

from __future__ import annotations

from itertools import chain

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session

from data.db import NOW
from data.models import CustomerAssignment, DirectoryEntry, ResellerPool, Subscription
from services.metrics.entry_figures import CHUNK, refresh_figures, refresh_stale

ENTRIES, POOLS, SUBSCRIPTIONS = "figures_entries", "figures_pools", "figures_subscriptions"
STALE_PER_COMMIT = 500


def _marks(session: Session, key: str) -> set[int]:
    return session.info.setdefault(key, set())


def _mark_changes(session: Session, _context, _instances) -> None:
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, ResellerPool):
            _marks(session, ENTRIES).add(obj.reseller_id)
        elif isinstance(obj, CustomerAssignment):
            _marks(session, POOLS).add(obj.reseller_pool_id)
        elif (
            isinstance(obj, Subscription)
            and obj not in session.new
            and inspect(obj).attrs.expires_at.history.has_changes()
        ):
            _marks(session, SUBSCRIPTIONS).add(obj.id)


def _mark_bulk_inserts(state: ORMExecuteState) -> None:
    if not state.is_insert or not isinstance(state.parameters, list | dict):
        return
    model = state.bind_mapper.class_ if state.bind_mapper is not None else None
    rows = state.parameters if isinstance(state.parameters, list) else [state.parameters]
    if model is ResellerPool:
        _marks(state.session, ENTRIES).update(r["reseller_id"] for r in rows if "reseller_id" in r)
    elif model is CustomerAssignment:
        _marks(state.session, POOLS).update(r["reseller_pool_id"] for r in rows if "reseller_pool_id" in r)


def _refresh_marked(session: Session) -> None:
    session.flush()  # what the body left unflushed is marked too (each flush calls _mark_changes)
    entries, pools, subscriptions = (session.info.pop(key, set()) for key in (ENTRIES, POOLS, SUBSCRIPTIONS))
    if not (entries or pools or subscriptions):
        return
    now = session.info.get(NOW)
    if now is None:
        raise RuntimeError(
            "This write changed reseller pools: open its unit of work with now=..., so the "
            "directory's stored figures are rewritten as of that instant."
        )
    if pools:
        entries |= set(session.scalars(select(ResellerPool.reseller_id).where(ResellerPool.id.in_(pools))))
    if subscriptions:
        entries |= set(
            session.scalars(select(ResellerPool.reseller_id).where(ResellerPool.subscription_id.in_(subscriptions)))
        )
    entries.discard(None)
    if not entries:
        return
    refresh_figures(session, entries, now)
    # The LARs of (at most CHUNK of) these entries: a chance to refresh what a date made stale there.
    lars = session.scalars(
        select(DirectoryEntry.lar_id).where(DirectoryEntry.id.in_(sorted(entries)[:CHUNK])).distinct()
    ).all()
    refresh_stale(session, lars, now, limit=STALE_PER_COMMIT)
    session.info.pop(ENTRIES, None)  # the figures' own UPDATEs touch no pool; nothing is left to do


def keep_stored_figures_current() -> None:
    """Register the marks and the commit's refresh on every Session (idempotent)."""
    for target, name, listener in (
        (Session, "before_flush", _mark_changes),
        (Session, "do_orm_execute", _mark_bulk_inserts),
        (Session, "before_commit", _refresh_marked),
    ):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)
