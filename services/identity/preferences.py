"""Per-user choices that follow the user across sign-ins (visible grid columns, alert emails)."""
from __future__ import annotations

import json

from data.db import Database
from data.models import UserPreference
from services.access.policy import Action, can
from services.access.principal import Principal
from services.common.errors import DomainError


def visible_columns(db: Database, actor: Principal, grid: str, allowed: list[str], default: list[str],
                    kept: tuple[str, ...] = ()) -> list[str]:
    """kept: columns always shown (a grid's only link to a dashboard)."""
    with db.reading() as session:
        pref = session.get(UserPreference, (actor.user_id, f"columns:{grid}"))
    if pref is None:
        return list(default)
    saved = [c for c in allowed if c in json.loads(pref.value) or c in kept]
    return saved or list(default)


def save_visible_columns(db: Database, actor: Principal, grid: str, columns: list[str], allowed: list[str],
                         kept: tuple[str, ...] = ()) -> list[str]:
    """Reading is every role's right, so every role may choose its own columns; kept ones stay."""
    wanted = columns if isinstance(columns, list) else []
    chosen = [c for c in allowed if c in wanted or c in kept]
    if not chosen:
        raise DomainError("Keep at least one column visible.")
    with db.unit_of_work() as session:
        key = (actor.user_id, f"columns:{grid}")
        pref = session.get(UserPreference, key)
        if pref is None:
            session.add(UserPreference(user_id=actor.user_id, key=key[1], value=json.dumps(chosen)))
        else:
            pref.value = json.dumps(chosen)
    return chosen


ALERT_EMAILS = "alerts:email"


def receives_alerts(db: Database, actor: Principal) -> bool:
    """Admins always get alert emails and the weekly digest; other users when they opt in."""
    if can(actor, Action.ALERTS_ALWAYS):
        return True
    with db.reading() as session:
        pref = session.get(UserPreference, (actor.user_id, ALERT_EMAILS))
    return pref is not None and pref.value == "on"


def set_receives_alerts(db: Database, actor: Principal, wanted) -> bool:
    """A user's own choice (any role: reading alerts is reading). Admins cannot opt out."""
    if can(actor, Action.ALERTS_ALWAYS):
        raise DomainError("Admins always receive alert emails and the weekly digest.")
    if not isinstance(wanted, bool):
        raise DomainError("Choose on or off.")
    with db.unit_of_work() as session:
        pref = session.get(UserPreference, (actor.user_id, ALERT_EMAILS))
        if pref is None:
            session.add(UserPreference(user_id=actor.user_id, key=ALERT_EMAILS, value="on" if wanted else "off"))
        else:
            pref.value = "on" if wanted else "off"
    return wanted
