"""What every callback needs from the request: the database and the acting user."""
from __future__ import annotations

import re
import time

from dash import Output, ctx
from flask import current_app
from flask_login import current_user

from data.db import Database
from services.access.principal import Principal
from services.common.errors import PermissionDenied
from web.request_clock import request_now as now  # noqa: F401 - the callbacks' clock


def db() -> Database:
    return current_app.extensions["reseller_db"]


def actor() -> Principal:
    # The before_request gate already answered 401; this guards a misconfigured route.
    if not current_user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return current_user.actor


def clock():
    return current_app.extensions["reseller_clock"]


def mail_transport():
    return current_app.extensions["mail_transport"]


def base_url() -> str:
    """Where links in emails point (config.Settings.base_url), never what the request names."""
    return current_app.extensions["reseller_settings"].base_url


# The shell's notification area (components/shell.py); every callback that tells the user something writes it.
NOTIFY = Output("notify", "sendNotifications", allow_duplicate=True)


def notice(message: str, ok: bool = True) -> list[dict]:
    """One notification for dmc.NotificationContainer.sendNotifications. Its id names the
    control that asked (Save, Delete, …): a newer result of the same action replaces the
    older one in place ("update" changes it if it is still shown, "show" adds it if not;
    Mantine ignores a second notification with an id already shown)."""
    note = {
        "id": "notice-" + _action_key(),
        "title": "Done" if ok else "Not done",
        "message": message,
        "color": "green" if ok else "red",
        # Mantine restarts a notification's timer only when its duration changes: a few
        # milliseconds more or less each time give a replaced message its full time.
        "autoClose": (5000 if ok else 9000) + time.monotonic_ns() // 1_000_000 % 200,
    }
    return [{"action": "update", **note}, {"action": "show", **note}]


def _action_key() -> str:
    try:
        trigger = ctx.triggered_id
    except Exception:  # noqa: BLE001 - outside a callback: Dash's own error, or LookupError in a new thread
        trigger = None
    if isinstance(trigger, dict):
        trigger = "-".join(f"{k}-{v}" for k, v in sorted(trigger.items()) if k != "index")
    return re.sub(r"[^A-Za-z0-9_-]", "-", str(trigger or "result"))[:80]
