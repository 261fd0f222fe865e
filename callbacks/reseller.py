"""Reseller dashboard callbacks: the trend checkboxes, the two grids, figures that follow the pools."""
from __future__ import annotations

from dash import Input, Output, Patch, State
from dash.exceptions import PreventUpdate

from callbacks.context import actor, db, now
from callbacks.grid_controls import bump_refresh, register_grid
from components import reseller_grids as grids
from components.availability_chart import fitted_range, nothing_shown_note
from components.reseller_figures import figures_section
from services.dashboard import overview
from services.reseller_customers import list_customers
from services.reseller_pools import list_pools


def register(app) -> None:
    # The context Store of both grids holds the reseller id, list_*'s third argument.
    register_grid(app, grids.POOLS, list_pools, grids.POOL_FILTER_NAMES)
    register_grid(app, grids.CUSTOMERS, list_customers, grids.CUSTOMER_FILTER_NAMES)

    @app.callback(
        Output("trend-graph", "figure"),
        Input("trend-pools", "value"),
        State("trend-graph", "figure"),
        # Also when the page loads: the boxes come back as the user left them (persistence).
    )
    def show_pools(chosen, figure):
        if not isinstance(figure, dict) or not isinstance(figure.get("data"), list):
            raise PreventUpdate
        chosen = {str(c) for c in chosen} if isinstance(chosen, list) else set()
        patch = Patch()
        shown = []
        for i, trace in enumerate(figure.get("data", [])):
            visible = str(trace.get("meta")) in chosen
            patch["data"][i]["visible"] = visible
            if visible:
                shown += [y for y in trace.get("y") or [] if isinstance(y, (int, float))]
        # The y-axis fits the lines still shown (all hidden: the full range, and a word why it is empty).
        patch["layout"]["yaxis"]["range"] = fitted_range(shown) if shown else [0, 100]
        patch["layout"]["annotations"] = [] if any(str(t.get("meta")) in chosen for t in figure["data"]) \
            else [nothing_shown_note()]
        return patch

    @app.callback(
        Output("reseller-figures", "children"),
        Input("pools-refresh", "data"),
        State("pools-context", "data"),
        prevent_initial_call=True,
    )
    def redraw_figures(_refresh, reseller_id):
        shown = overview(db(), actor(), reseller_id, now=now())
        return figures_section(shown, shown["reseller_id"])

    bump_refresh(app, grids.POOLS, Input("addpool-done", "data"))  # a pool added from this page
