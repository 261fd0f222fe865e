"""What every callback needs from the request: the database and the acting user."""
from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

from data.db import Database
from services.actor import Actor
from services.errors import PermissionDenied


def db() -> Database:
    return current_app.extensions["reseller_db"]


def actor() -> Actor:
    # The before_request gate already answered 401; this guards a misconfigured route.
    if not current_user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return current_user.actor


def mail_transport():
    return current_app.extensions["mail_transport"]


def base_url() -> str:
    """Where links in emails point: BASE_URL, else the address this user's browser used."""
    return current_app.extensions["reseller_settings"].base_url or request.host_url


def notice(message: str, ok: bool = True) -> list[dict]:
    """One notification for dmc.NotificationContainer.sendNotifications."""
    return [{
        "action": "show",
        "title": "Done" if ok else "Not done",
        "message": message,
        "color": "green" if ok else "red",
        "autoClose": 5000 if ok else 9000,
    }]
