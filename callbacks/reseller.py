"""Reseller dashboard callbacks: the trend checkboxes, the two grids, figures that follow the pools."""
from __future__ import annotations

from dash import Input, Output, Patch, State
from dash.exceptions import PreventUpdate

from callbacks.context import actor, db, now
from callbacks.grid_controls import register_grid
from components import reseller_grids as grids
from components.availability_chart import fitted_range, nothing_shown_note
from components.dashboard_figures import figures_section
from services.directory.customers import list_customers
from services.metrics.dashboard import overview
from services.pools.listing import list_pools


def _percentages(values) -> list[float]:
    """A trace's available % as the browser holds them: numbers from 0 to 100, nothing else."""
    return [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 100] \
        if isinstance(values, list) else []


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
        # The figure as the browser holds it: only its traces' pool ids and values are read.
        traces = figure.get("data") if isinstance(figure, dict) else None
        if not isinstance(traces, list):
            raise PreventUpdate
        chosen = set(map(str, chosen)) if isinstance(chosen, list) else set()
        patch = Patch()
        shown = []
        for i, trace in enumerate(traces):
            if not isinstance(trace, dict):
                continue
            visible = str(trace.get("meta")) in chosen
            patch["data"][i]["visible"] = visible
            if visible:
                shown += _percentages(trace.get("y"))
        # The y-axis fits the lines still shown (all hidden: the full range, and a word why it is empty).
        patch["layout"]["yaxis"]["range"] = fitted_range(shown) if shown else [0, 100]
        drawn = any(isinstance(t, dict) and str(t.get("meta")) in chosen for t in traces)
        patch["layout"]["annotations"] = [] if drawn else [nothing_shown_note()]
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
