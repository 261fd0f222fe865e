"""Audit trail: one event per action, written in the action's own transaction. Activity
(services/activity/feed.py) lists them."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.orm import Session

from data.models import AuditEvent, DirectoryEntry
from services.access.principal import Actor


def record(session: Session, actor: Actor, action: str, target: str, *, now: datetime, **details) -> None:
    """A LAR user's action. details may name reseller_id (kept in its own column, for
    Activity's filter), and before/after dicts of what changed."""
    record_in_lar(session, actor.lar_id, actor.lar_id, actor.user_id, action, target, now=now,
                  actor_email=actor.email, **details)


def record_in_lar(session: Session, lar_id: int, actor_tenant_id: int | None, actor_user_id: int | None,
                  action: str, target: str, *, now: datetime, actor_email: str | None = None, **details) -> None:
    """An action listed in the LAR's Activity, by anyone: one of its users, or a reseller (its
    tenant; no user when the holder of an invitation link accepted it)."""
    reseller_id = details.get("reseller_id")
    if reseller_id is None and target.startswith("reseller:") and target[9:].isdigit():
        reseller_id = int(target[9:])
    reseller = session.get(DirectoryEntry, reseller_id) if reseller_id is not None else None
    session.add(
        AuditEvent(
            at=now,
            lar_id=lar_id,
            actor_user_id=actor_user_id,
            actor_tenant_id=actor_tenant_id,
            actor_email=actor_email,
            action=action,
            target=target[:200],
            details=json.dumps(details, default=str, sort_keys=True),
            reseller_id=reseller_id,
            reseller_name=reseller.organization_name if reseller is not None else None,
        )
    )
