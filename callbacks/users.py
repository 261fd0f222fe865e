"""Users page: the Active switch disables or enables a user (admins only, checked by the service)."""
from __future__ import annotations

from dash import ALL, Input, Output, ctx, no_update

from callbacks.context import actor, db, notice
from components.users_table import users_table
from services.accounts import list_users, set_user_active
from services.errors import DomainError


def register(app) -> None:
    @app.callback(
        Output("users-table", "children"),
        Output("notify", "sendNotifications", allow_duplicate=True),
        Input({"type": "user-active", "user": ALL}, "checked"),
        prevent_initial_call=True,
    )
    def switch_user(_checked):
        changed = ctx.triggered_id
        if not isinstance(changed, dict) or not ctx.triggered:
            return no_update, no_update
        acting = actor()
        active = ctx.triggered[0]["value"]
        try:
            set_user_active(db(), acting, changed.get("user"), active)
            message = notice("User enabled." if active is True else "User disabled and signed out everywhere.")
        except DomainError as refused:
            message = notice(refused.message, ok=False)
        return users_table(list_users(db(), acting), acting.role == "admin", acting.user_id), message
