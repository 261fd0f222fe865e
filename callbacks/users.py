"""Users page: the Active switch enables a user at once, or asks before disabling one (admins
only, checked by the service). The switches are updated in place, never rebuilt: rebuilt
pattern-matched switches fire their callback again."""
from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.context import actor, db, notice, now
from callbacks.grid_controls import require_click
from callbacks.panels import close_on
from services.common.errors import DomainError
from services.identity.team import list_users, set_user_active

SWITCHES = {"type": "user-active", "user": ALL}
SESSIONS = {"type": "user-sessions", "user": ALL}


def _users() -> dict:
    return {u.id: u for u in list_users(db(), actor(), now=now())}


def _switch_states(users: dict | None = None):
    """checked, label and session count of every switch on the page, as stored now (users:
    already read in this request, when nothing was written since)."""
    users = _users() if users is None else users
    ids = [o["id"].get("user") for o in ctx.outputs_list[0]]
    checked = [users[i].active if i in users else False for i in ids]
    return (checked, ["Active" if c else "Disabled" for c in checked],
            [str(users[i].sessions) if i in users else "0" for i in ids])


def _set(user_id, active: bool):
    try:
        set_user_active(db(), actor(), user_id, active, now=now())
        return notice("User enabled." if active else "User disabled and signed out everywhere.")
    except DomainError as refused:
        return notice(refused.message, ok=False)


def register(app) -> None:
    @app.callback(
        Output(SWITCHES, "checked"),
        Output(SWITCHES, "label"),
        Output(SESSIONS, "children"),
        Output("notify", "sendNotifications", allow_duplicate=True),
        Output("users-disable-modal", "opened", allow_duplicate=True),
        Output("users-disable-text", "children"),
        Output("users-disable-target", "data"),
        Input(SWITCHES, "checked"),
        prevent_initial_call=True,
    )
    def switch_user(_checked):
        changed = ctx.triggered_id
        if not isinstance(changed, dict) or not ctx.triggered:
            raise PreventUpdate
        wanted = ctx.triggered[0]["value"]
        users = _users()
        stored = users.get(changed.get("user"))
        if stored is not None and wanted == stored.active:
            raise PreventUpdate  # nothing changed
        if wanted is True:
            message = _set(changed.get("user"), True)
            return (*_switch_states(), message, no_update, no_update, no_update)
        email = stored.email if stored is not None else "this user"
        text = (f"Disable {email}? They are signed out of every browser at once and cannot sign in "
                "until an admin enables them again.")
        # The switch shows the stored state (on) until the user confirms.
        return (*_switch_states(users), no_update, True, text, changed.get("user"))

    @app.callback(
        Output(SWITCHES, "checked", allow_duplicate=True),
        Output(SWITCHES, "label", allow_duplicate=True),
        Output(SESSIONS, "children", allow_duplicate=True),
        Output("notify", "sendNotifications", allow_duplicate=True),
        Output("users-disable-modal", "opened", allow_duplicate=True),
        Input("users-disable-confirm", "n_clicks"),
        State("users-disable-target", "data"),
        prevent_initial_call=True,
    )
    def confirm_disable(clicked, user_id):
        require_click(clicked)
        message = _set(user_id, False)
        return (*_switch_states(), message, False)

    close_on(app, "users-disable-modal", "users-disable-cancel")
