"""Reseller directory callbacks: read the inputs, call one service, shape the outputs."""
from __future__ import annotations

from dash import Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.context import NOTIFY, actor, db, notice, now
from callbacks.grid_controls import next_refresh, records, register_grid, require_click
from components import directory_grid as grid
from services.common.errors import DomainError
from services.directory import entries
from services.directory.query import list_directory

REFRESH = Output("dir-refresh", "data", allow_duplicate=True)


def _fetch(database, acting, _context, query, *, now):
    return list_directory(database, acting, query, now=now)


def register(app) -> None:
    register_grid(app, grid.SPEC, _fetch, grid.FILTER_NAMES)

    @app.callback(
        Output("dir-map-open", "disabled"),
        Output("dir-map-why", "label"),
        Output("dir-map-why", "disabled"),
        Output("dir-delete-open", "disabled"),
        Output("dir-addpool-open", "disabled"),
        Output("dir-addpool-why", "label"),
        Output("dir-addpool-why", "disabled"),
        Input("dir-grid", "selectedRows"),
        State("dir-read-only-flag", "data"),
        prevent_initial_call=True,
    )
    def toolbar_state(selected, read_only):
        rows = records(selected)
        count = len(rows)
        if read_only:
            why = grid.READ_ONLY_HINT
        elif count != 1:
            why = grid.ADD_POOL_HINT
        elif rows[0].get("status") != "Mapped":
            why = grid.MAPPED_ONLY_HINT
        else:
            why = ""
        # Map takes exactly one Unmapped entry (the service refuses anything else too).
        map_why = grid.map_hint(bool(read_only), rows)
        return (bool(map_why), map_why or "Map", not map_why, bool(read_only) or count == 0, bool(why),
                why or grid.ADD_POOL_HINT, not why)

    _register_visibility(app)


def _register_visibility(app) -> None:
    @app.callback(
        Output("dir-visibility-modal", "opened", allow_duplicate=True),
        Output("dir-visibility-text", "children"),
        Output("dir-visibility-target", "data"),
        NOTIFY,
        Input("dir-grid", "cellRendererData"),
        prevent_initial_call=True,
    )
    def ask(event):
        if not isinstance(event, dict) or event.get("colId") != "customer_visibility":
            raise PreventUpdate
        try:
            reseller = entries.get_reseller(db(), actor(), event.get("rowId"))
        except DomainError as refused:
            return no_update, no_update, no_update, notice(refused.message, ok=False)
        text = (
            f"Customer names of {reseller.organization_name} will be hidden from you. "
            "Once turned off, you cannot turn it back on: only the reseller can enable your visibility again."
        )
        return True, text, reseller.id, no_update

    @app.callback(
        Output("dir-visibility-modal", "opened", allow_duplicate=True),
        REFRESH,
        NOTIFY,
        Input("dir-visibility-confirm", "n_clicks"),
        Input("dir-visibility-cancel", "n_clicks"),
        State("dir-visibility-target", "data"),
        State("dir-refresh", "data"),
        prevent_initial_call=True,
    )
    def decide(_confirm, _cancel, reseller_id, refresh):
        require_click(_confirm or _cancel)
        if ctx.triggered_id == "dir-visibility-cancel":
            return False, no_update, no_update
        try:
            changed = entries.set_customer_visibility(db(), actor(), reseller_id, visible=False, now=now())
        except DomainError as refused:
            return False, no_update, notice(refused.message, ok=False)
        message = f"Customer visibility of {changed.organization_name} is off."
        return False, next_refresh(refresh), notice(message)
