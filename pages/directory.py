"""Reseller directory: layout only (callbacks/directory.py acts on it)."""
import dash
import dash_mantine_components as dmc
from dash import dcc
from flask_login import current_user

from callbacks.context import db
from components import directory_grid as grid
from components.grid_toolbar import columns_popover, filter_popover, toolbar
from components.server_grid import server_grid, with_visibility
from services.preferences import visible_columns

dash.register_page(__name__, path="/", redirect_from=["/resellers"], title="Reseller directory")


def layout(**_query):
    actor = current_user.actor
    visible = visible_columns(db(), actor, grid.GRID, grid.FIELDS, grid.DEFAULT_VISIBLE)
    read_only = not actor.can_act
    actions = [
        dmc.Button("Map", id="dir-map-open", variant="default", disabled=True),
        dmc.Button("Delete", id="dir-delete-open", variant="default", color="red", disabled=True),
    ]
    return dmc.Stack(
        [
            dmc.Group(
                [
                    dmc.Stack([dmc.Title("Reseller directory", order=2),
                               dmc.Text(id="dir-count", size="sm", c="dimmed")], gap=2),
                ],
                justify="space-between",
            ),
            dmc.Alert("You have read-only access: actions are disabled for the analyst role.",
                      color="gray", variant="light", display="block" if read_only else "none",
                      id="dir-read-only"),
            toolbar(
                "dir",
                "Search by tenant owner",
                actions,
                filter_popover("dir", [("status", "Status", grid.STATUSES)]),
                columns_popover("dir", grid.CHOICES, visible),
            ),
            dmc.Paper(
                [server_grid("dir-grid", with_visibility(grid.COLUMNS, visible), read_only=read_only),
                 grid.empty_state()],
                withBorder=True, radius="md", className="grid-paper",
            ),
            dcc.Store(id="dir-query", data={"search": "", "filters": {}}),
            dcc.Store(id="dir-refresh", data=0),
            dcc.Store(id="dir-read-only-flag", data=read_only),
            dcc.Store(id="dir-visibility-target"),
            dcc.Store(id="dir-map-tenants"),
            grid.map_drawer(),
            grid.visibility_modal(),
            grid.delete_modal(),
        ],
        gap="md",
    )
