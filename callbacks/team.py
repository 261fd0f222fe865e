"""Users page, the admins' changes: Invite teammate, a user's role, Resend an invitation, Remove.
A change that adds or removes a row draws the table again (its pattern-matched controls then
fire with the stored values, which their callbacks ignore)."""
from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.context import NOTIFY, actor, base_url, clock, db, mail_transport, notice, now
from callbacks.grid_controls import require_click
from callbacks.panels import close_on
from components.users_table import users_table
from services.access.policy import Action, can
from services.common.errors import DomainError, InvalidForm
from services.common.ids import row_id
from services.identity import team
from services.identity.team import ROLE_LABELS
from services.notify.outbox import deliver_in_background

TABLE = Output("users-table", "children", allow_duplicate=True)
ROLES = {"type": "user-role", "user": ALL}


def _table():
    acting = actor()
    return users_table(team.list_users(db(), acting, now=now()), can(acting, Action.TEAM_MANAGE), acting.user_id)


def _clicked_user() -> int | None:
    """The user whose row's button was clicked (a real click, not a table drawn again)."""
    if not isinstance(ctx.triggered_id, dict) or not ctx.triggered or not ctx.triggered[0].get("value"):
        raise PreventUpdate
    return row_id(ctx.triggered_id.get("user"))


def register(app) -> None:
    @app.callback(Output("users-invite-drawer", "opened", allow_duplicate=True),
                  Output("users-invite-email", "value"), Output("users-invite-name", "value"),
                  Output("users-invite-email", "error", allow_duplicate=True),
                  Output("users-invite-name", "error", allow_duplicate=True),
                  Input("users-invite-open", "n_clicks"), prevent_initial_call=True)
    def open_invite(clicked):
        require_click(clicked)
        return True, "", "", None, None

    close_on(app, "users-invite-drawer", "users-invite-cancel")

    @app.callback(Output("users-invite-drawer", "opened", allow_duplicate=True), TABLE,
                  Output("users-invite-email", "error", allow_duplicate=True),
                  Output("users-invite-name", "error", allow_duplicate=True), NOTIFY,
                  Input("users-invite-send", "n_clicks"),
                  State("users-invite-email", "value"), State("users-invite-name", "value"),
                  State("users-invite-role", "value"), prevent_initial_call=True)
    def invite(clicked, email, name, role):
        require_click(clicked)
        try:
            invited = team.invite_teammate(db(), actor(), email, name, role, base_url(), now=now())
        except InvalidForm as refused:
            errors = refused.errors
            return (no_update, no_update, errors.get("email"), errors.get("name"),
                    notice(errors.get("role") or refused.message, ok=False))
        except DomainError as refused:
            return no_update, no_update, None, None, notice(refused.message, ok=False)
        deliver_in_background(db(), mail_transport(), clock())
        return False, _table(), None, None, notice(
            f"Invited {invited['email']} as {ROLE_LABELS[invited['role']]}: an email with a link to choose a "
            "password is on its way.")

    @app.callback(Output(ROLES, "value"), NOTIFY, Input(ROLES, "value"), prevent_initial_call=True)
    def change_role(_values):
        changed = ctx.triggered_id
        if not isinstance(changed, dict) or not ctx.triggered:
            raise PreventUpdate
        wanted = ctx.triggered[0]["value"]
        acting = actor()
        stored = {u.id: u.role for u in team.list_users(db(), acting, now=now())}
        if stored.get(changed.get("user")) == wanted:
            raise PreventUpdate  # the table drawn again, or nothing changed
        try:
            done = team.change_role(db(), acting, changed.get("user"), wanted, now=now())
            said = notice(f"{done['email']} is now {ROLE_LABELS[done['role']]}.")
        except DomainError as refused:
            said = notice(refused.message, ok=False)
        # Every select shows the role as stored (a refused change goes back).
        stored = {u.id: u.role for u in team.list_users(db(), acting, now=now())}
        return [stored.get(o["id"].get("user")) for o in ctx.outputs_list[0]], said

    @app.callback(TABLE, NOTIFY, Input({"type": "user-resend", "user": ALL}, "n_clicks"), prevent_initial_call=True)
    def resend(_clicks):
        user_id = _clicked_user()
        try:
            email = team.resend_invitation(db(), actor(), user_id, base_url(), now=now())
        except DomainError as refused:
            return no_update, notice(refused.message, ok=False)
        deliver_in_background(db(), mail_transport(), clock())
        return _table(), notice(f"A new invitation link is on its way to {email}; the earlier one no longer works.")

    @app.callback(Output("users-remove-modal", "opened", allow_duplicate=True), Output("users-remove-text", "children"),
                  Output("users-remove-target", "data"),
                  Input({"type": "user-remove", "user": ALL}, "n_clicks"), prevent_initial_call=True)
    def ask_remove(_clicks):
        user_id = _clicked_user()
        user = next((u for u in team.list_users(db(), actor(), now=now()) if u.id == user_id), None)
        if user is None:
            raise PreventUpdate
        return True, (f"Remove {user.email} ({ROLE_LABELS.get(user.role, user.role)})? They are signed out of every "
                      "browser at once and can no longer sign in; their past actions stay in Activity."), user.id

    close_on(app, "users-remove-modal", "users-remove-cancel")

    @app.callback(Output("users-remove-modal", "opened", allow_duplicate=True), TABLE, NOTIFY,
                  Input("users-remove-confirm", "n_clicks"), State("users-remove-target", "data"),
                  prevent_initial_call=True)
    def remove(clicked, user_id):
        require_click(clicked)
        try:
            email = team.remove_user(db(), actor(), user_id, now=now())
        except DomainError as refused:
            return False, no_update, notice(refused.message, ok=False)
        return False, _table(), notice(f"Removed {email}.")
