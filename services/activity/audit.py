"""Audit trail: one event per action, written in the action's own transaction. Activity
(services/activity/feed.py) lists them.

Each row names both sides of the action, so each can list it: the LAR it belongs to (lar_id)
and the reseller tenant it concerns (reseller_tenant_id), and which of them acted
(actor_tenant_id)."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.orm import Session

from data.models import AuditAction, AuditEvent, DirectoryEntry, TenantKind
from services.access.principal import Principal


def record(session: Session, actor: Principal, action: AuditAction, target: str, *, now: datetime,
           **details) -> None:
    """The principal's action. details may name reseller_id (kept in its own column, for
    Activity's filter), and before/after dicts of what changed."""
    record_in_lar(session, actor.lar_id, actor.tenant_id, actor.user_id, action, target, now=now,
                  actor_email=actor.email,
                  reseller_tenant_id=actor.tenant_id if actor.tenant_kind == TenantKind.RESELLER else None,
                  **details)


def record_in_lar(session: Session, lar_id: int | None, actor_tenant_id: int | None, actor_user_id: int | None,
                  action: AuditAction, target: str, *, now: datetime, actor_email: str | None = None,
                  reseller_tenant_id: int | None = None, **details) -> None:
    """An action listed in the LAR's Activity, by anyone: one of its users, or a reseller (its
    tenant; no user when the holder of an invitation link accepted it). The reseller tenant
    concerned is the directory entry's, else reseller_tenant_id, else the acting tenant when it
    is not the LAR."""
    reseller_id = details.get("reseller_id")
    if reseller_id is None and target.startswith("reseller:") and target[9:].isdigit():
        reseller_id = int(target[9:])
    reseller = session.get(DirectoryEntry, reseller_id) if reseller_id is not None else None
    if reseller is not None and reseller.tenant_id is not None:
        reseller_tenant_id = reseller.tenant_id
    elif reseller_tenant_id is None and actor_tenant_id is not None and actor_tenant_id != lar_id:
        reseller_tenant_id = actor_tenant_id
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
            reseller_tenant_id=reseller_tenant_id,
        )
    )
