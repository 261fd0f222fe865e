"""Reseller dashboard callbacks: the trend checkboxes, the two grids, Return to pool."""
from __future__ import annotations

from dash import Input, Output, Patch, State, no_update
from dash.exceptions import PreventUpdate

from callbacks.context import actor, db, notice
from callbacks.grid_controls import register_grid, require_click, selected_ids
from components import reseller_grids as grids
from components.reseller_figures import figures_section
from services.dashboard import overview
from services.errors import DomainError
from services.reseller_customers import list_customers
from services.reseller_pools import RETURNABLE, list_pools, return_to_pool


def register(app) -> None:
    # The context Store of both grids holds the reseller id, list_*'s third argument.
    register_grid(app, grids.POOLS, list_pools, grids.POOL_FILTER_NAMES)
    register_grid(app, grids.CUSTOMERS, list_customers, grids.CUSTOMER_FILTER_NAMES)

    @app.callback(
        Output("trend-graph", "figure"),
        Input("trend-pools", "value"),
        State("trend-graph", "figure"),
        prevent_initial_call=True,
    )
    def show_pools(chosen, figure):
        if figure is None:
            raise PreventUpdate
        chosen = set(chosen or [])
        patch = Patch()
        for i, trace in enumerate(figure.get("data", [])):
            patch["data"][i]["visible"] = str(trace.get("meta")) in chosen
        return patch

    @app.callback(
        Output("reseller-figures", "children"),
        Input("pools-refresh", "data"),
        State("pools-context", "data"),
        prevent_initial_call=True,
    )
    def redraw_figures(_refresh, reseller_id):
        return figures_section(overview(db(), actor(), reseller_id))

    @app.callback(
        Output("pools-return", "disabled"),
        Input("pools-grid", "selectedRows"),
        State("reseller-can-act", "data"),
        prevent_initial_call=True,
    )
    def return_enabled(selected, can_act):
        rows = selected or []
        return not (can_act and rows and all(r.get("status") == RETURNABLE for r in rows))

    @app.callback(
        Output("pools-refresh", "data", allow_duplicate=True),
        Output("notify", "sendNotifications", allow_duplicate=True),
        Input("pools-return", "n_clicks"),
        State("pools-grid", "selectedRows"),
        State("pools-context", "data"),
        State("pools-refresh", "data"),
        prevent_initial_call=True,
    )
    def return_selected(clicked, selected, reseller_id, refresh):
        require_click(clicked)
        try:
            returned = return_to_pool(db(), actor(), reseller_id, selected_ids(selected))
        except DomainError as refused:
            return no_update, notice(refused.message, ok=False)
        noun = "pool" if len(returned) == 1 else "pools"
        return (refresh or 0) + 1, notice(f"Returned {len(returned)} {noun} to your subscriptions: {', '.join(returned)}.")
