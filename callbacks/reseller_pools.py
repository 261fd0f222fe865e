"""The dashboard's Pools toolbar: which actions the selected pools allow, and Return to pool.
(Edit pool is a panel placed on the page: callbacks/edit_pool.py, callbacks/placements.py.)"""
from __future__ import annotations

from dash import Input, Output, State

from callbacks.grid_controls import records
from callbacks.return_to_pool import register_return
from components.reseller_grids import RETURN_HINT, return_hint
from services.pools.listing import RETURNABLE, describe_return, return_to_pool


def register(app) -> None:
    @app.callback(
        Output("pools-edit-open", "disabled"),
        Output("pools-return", "disabled"),
        Output("pools-return-why", "label"),
        Output("pools-return-why", "disabled"),
        Input("pools-grid", "selectedRows"),
        State("reseller-can-act", "data"),
        prevent_initial_call=True,
    )
    def toolbar_state(selected, can_act):
        rows = records(selected)
        returnable = bool(rows) and all(r.get("status") == RETURNABLE for r in rows)
        why = return_hint(can_act, rows, returnable)
        return not (can_act and len(rows) == 1), not (can_act and returnable), why or RETURN_HINT, not why

    register_return(app, "pools", describe_return, return_to_pool)  # the context Store holds the reseller id
