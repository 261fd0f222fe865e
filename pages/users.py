"""Users of the console: layout only (callbacks/users.py and callbacks/team.py act on it)."""
import dash
import dash_mantine_components as dmc
from dash import dcc, html
from flask_login import current_user

from callbacks.context import db, now
from components.shell import notifications
from components.users_table import disable_modal, invite_panel, remove_modal, users_table
from services.access.policy import Action, can
from services.identity.team import list_users

dash.register_page(__name__, path="/users", title="Users · Reseller Console")


def layout(**_query):
    actor = current_user.actor
    can_manage = can(actor, Action.TEAM_MANAGE)
    return dmc.Stack([
        dmc.Group([
            dmc.Stack([
                dmc.Title("Users", order=2),
                dmc.Text("Disabling or removing a user signs them out of every browser at once. "
                         + ("" if can_manage else "Only admins invite, change or remove users."), size="sm",
                         c="dimmed"),
            ], gap=2),
            dmc.Button("Invite teammate", id="users-invite-open", disabled=not can_manage),
        ], justify="space-between", align="flex-start"),
        html.Div(users_table(list_users(db(), actor, now=now()), can_manage, actor.user_id), id="users-table"),
        notifications(),
        disable_modal(),
        remove_modal(),
        invite_panel(),
        dcc.Store(id="users-disable-target"),
        dcc.Store(id="users-remove-target"),
    ], gap="md")
