"""Reseller directory: layout only (callbacks/directory.py acts on it)."""
import dash
import dash_mantine_components as dmc
from dash import dcc, html
from flask_login import current_user

from callbacks.context import db
from callbacks.placements import ADD_POOL, DELETE, INVITE, MAP
from components import directory_grid as grid
from components.add_pool_panel import add_pool_drawer
from components.batch_invite_panel import batch_invite_panel
from components.delete_panel import delete_modal
from components.grid_section import grid_section
from components.invite_panel import invite_button, single_invite_panel
from components.map_panel import map_drawer
from components.shell import notifications
from services.access.policy import Action, can
from services.identity.preferences import visible_columns

dash.register_page(__name__, path="/", redirect_from=["/resellers"], title="Reseller directory · Reseller Console")


def layout(**query):
    actor = current_user.actor
    spec = grid.SPEC
    visible = visible_columns(db(), actor, spec.name, spec.fields, spec.default_visible, spec.kept)
    read_only = not can(actor, Action.INVITE_SEND)  # (Invite, Map and Delete: the same roles)
    actions = [
        dmc.Tooltip(html.Span(dmc.Button("Add pool", id="dir-addpool-open", variant="default", disabled=True),
                              className="tooltip-target"),
                    id="dir-addpool-why", label=grid.ADD_POOL_HINT, multiline=True, w=240),
        dmc.Tooltip(html.Span(dmc.Button("Map", id="dir-map-open", variant="default", disabled=True),
                              className="tooltip-target"),
                    id="dir-map-why", label=grid.map_hint(read_only, []), multiline=True, w=260),
        dmc.Button("Delete", id="dir-delete-open", variant="default", color="red", disabled=True),
    ]
    read_only_notice = dmc.Alert(
        "You have read-only access: actions are disabled for the analyst role.",
        color="gray", variant="light", display="block" if read_only else "none", id="dir-read-only",
    )
    return dmc.Stack(
        [
            dmc.Group([
                dmc.Stack([dmc.Title("Reseller directory", order=2),
                           dmc.Text("Loading…", id="dir-count", size="sm", c="dimmed")], gap=2),
                invite_button(read_only),
            ], justify="space-between", align="flex-start"),
            grid_section(spec, visible, read_only, actions, grid.FILTERS, notice=read_only_notice, url_params=query),
            dcc.Store(id="dir-read-only-flag", data=read_only),
            notifications(),
            dcc.Store(id="dir-visibility-target"),
            map_drawer(MAP),
            grid.visibility_modal(),
            delete_modal(DELETE),
            add_pool_drawer(ADD_POOL),
            single_invite_panel(INVITE),
            batch_invite_panel(),
        ],
        gap="md",
    )
