"""Audit trail: one event per action, written in the action's own transaction. Activity
(services/activity.py) lists them."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.orm import Session

from data.models import AuditEvent, Reseller
from services.actor import Actor


def record(session: Session, actor: Actor, action: str, target: str, *, now: datetime, **details) -> None:
    """details may name reseller_id (kept in its own column, for Activity's filter), and
    before/after dicts of what changed."""
    reseller_id = details.get("reseller_id")
    if reseller_id is None and target.startswith("reseller:") and target[9:].isdigit():
        reseller_id = int(target[9:])
    reseller = session.get(Reseller, reseller_id) if reseller_id is not None else None
    session.add(
        AuditEvent(
            at=now,
            lar_id=actor.lar_id,
            actor_user_id=actor.user_id,
            action=action,
            target=target[:200],
            details=json.dumps(details, default=str, sort_keys=True),
            reseller_id=reseller_id,
            reseller_name=reseller.organization_name if reseller is not None else None,
        )
    )
