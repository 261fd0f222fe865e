"""Return to pool, asked then done, for a grid of pools (a reseller's Pools, Renewals): the
page gives the grid's prefix and the two service calls, each given the selected ids and the
grid's context Store (the reseller id on a dashboard)."""
from __future__ import annotations

from collections.abc import Callable

from dash import Input, Output, State, ctx, no_update

from callbacks.context import NOTIFY, actor, db, notice, now
from callbacks.grid_controls import next_refresh, require_click, selected_ids
from components.return_to_pool import return_question
from services.common.errors import DomainError


def register_return(app, prefix: str, describe: Callable, give_back: Callable) -> None:
    """describe(db, actor, context, ids, now=) -> what goes back; give_back(db, actor, context, ids, now=) -> labels."""
    p = prefix

    @app.callback(
        Output(f"{p}-return-modal", "opened", allow_duplicate=True),
        Output(f"{p}-return-list", "children"),
        Output(f"{p}-return-text", "children"),
        NOTIFY,
        Input(f"{p}-return", "n_clicks"),
        State(f"{p}-grid", "selectedRows"),
        State(f"{p}-context", "data"),
        prevent_initial_call=True,
    )
    def ask(clicked, selected, context):
        require_click(clicked)
        try:
            going = describe(db(), actor(), context, selected_ids(selected), now=now())
        except DomainError as refused:
            return no_update, no_update, no_update, notice(refused.message, ok=False)
        text, items = return_question(going)
        return True, items, text, no_update

    @app.callback(
        Output(f"{p}-return-modal", "opened", allow_duplicate=True),
        Output(f"{p}-refresh", "data", allow_duplicate=True),
        NOTIFY,
        Input(f"{p}-return-confirm", "n_clicks"),
        Input(f"{p}-return-cancel", "n_clicks"),
        State(f"{p}-grid", "selectedRows"),
        State(f"{p}-context", "data"),
        State(f"{p}-refresh", "data"),
        prevent_initial_call=True,
    )
    def decide(confirmed, cancelled, selected, context, refresh):
        require_click(confirmed or cancelled)
        if ctx.triggered_id == f"{p}-return-cancel":
            return False, no_update, no_update
        try:
            returned = give_back(db(), actor(), context, selected_ids(selected), now=now())
        except DomainError as refused:
            return False, no_update, notice(refused.message, ok=False)
        noun = "pool" if len(returned) == 1 else "pools"
        return False, next_refresh(refresh), notice(
            f"Returned {len(returned)} {noun} to your subscriptions: {', '.join(returned)}.")
