"""Audit trail: one event per action, written in the action's own transaction."""
from __future__ import annotations

import json

from sqlalchemy.orm import Session

from data.models import AuditEvent
from services.actor import Actor
from services.clock import utcnow


def record(session: Session, actor: Actor, action: str, target: str, **details) -> None:
    session.add(
        AuditEvent(
            at=utcnow(),
            lar_id=actor.lar_id,
            actor_user_id=actor.user_id,
            action=action,
            target=target[:200],
            details=json.dumps(details, default=str, sort_keys=True),
        )
    )
