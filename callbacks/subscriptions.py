"""Subscriptions callbacks: the grid and Set threshold."""
from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State, no_update

from callbacks.context import NOTIFY, actor, db, notice, now
from callbacks.grid_controls import next_refresh, records, register_grid, require_click
from callbacks.panels import close_on
from components import subscriptions_grid as parts
from services.access.policy import Action, can
from services.common.errors import DomainError
from services.subscriptions.listing import set_threshold, subscription_page


def _fetch(database, acting, _context, query, *, now):
    return subscription_page(database, acting, query, now=now)


def register(app) -> None:
    register_grid(app, parts.SUBSCRIPTIONS, _fetch, parts.FILTER_NAMES)

    @app.callback(
        Output("subs-threshold-open", "disabled"),
        Output("subs-threshold-why", "label"),
        Input("subs-grid", "selectedRows"),
        prevent_initial_call=True,
    )
    def one_selected(rows):
        rows = records(rows)
        if not can(actor(), Action.SUBSCRIPTION_THRESHOLD):
            return True, "Only admins set thresholds."
        if len(rows) == 1:
            return False, "Set when this subscription counts as low."
        return True, "Select one subscription." if not rows else "Select only one subscription."

    @app.callback(
        Output("subs-threshold-modal", "opened", allow_duplicate=True),
        Output("subs-threshold-subject", "children"),
        Output("subs-threshold-kind", "value"),
        Output("subs-threshold-value", "value"),
        Output("subs-threshold-target", "data"),
        Output("subs-threshold-value", "error", allow_duplicate=True),
        Input("subs-threshold-open", "n_clicks"),
        State("subs-grid", "selectedRows"),
        prevent_initial_call=True,
    )
    def open_threshold(clicked, rows):
        require_click(clicked)
        rows = records(rows)
        if len(rows) != 1:
            return (no_update,) * 6
        row = rows[0]  # shown only; Save re-reads the subscription
        subject = f"{row.get('name', '')} · {row.get('service', '')} · {row.get('free', '')} free"
        value = row.get("threshold_value")
        shown = "" if value is None else str(value)
        return True, subject, row.get("threshold_kind") or "none", shown, row.get("id"), None

    @app.callback(
        Output("subs-threshold-value", "disabled"),
        Output("subs-threshold-value", "label"),
        Output("subs-threshold-value", "description"),
        Input("subs-threshold-kind", "value"),
        prevent_initial_call=True,
    )
    def kind_chosen(kind):
        if kind == "percent":
            return False, "Alert below (% of purchased free)", "A whole number from 1 to 100."
        if kind == "count":
            return False, "Alert below (quantity free)", "A whole number from 1 to the purchased quantity."
        return True, "Alert below", None

    close_on(app, "subs-threshold-modal", "subs-threshold-cancel")
    # Opened on its first field (the chosen kind), not on Close: filled as it opens, as Edit pool.
    app.clientside_callback(ClientsideFunction(namespace="panels", function_name="focusFirstField"),
                            Input("subs-threshold-modal", "opened"), State("subs-threshold-subject", "id"),
                            prevent_initial_call=True)

    @app.callback(
        Output("subs-threshold-modal", "opened", allow_duplicate=True),
        Output("subs-refresh", "data", allow_duplicate=True),
        Output("subs-threshold-value", "error"),
        NOTIFY,
        Input("subs-threshold-save", "n_clicks"),
        State("subs-threshold-target", "data"),
        State("subs-threshold-kind", "value"),
        State("subs-threshold-value", "value"),
        State("subs-refresh", "data"),
        prevent_initial_call=True,
    )
    def save(clicked, target, kind, value, refresh):
        require_click(clicked)
        try:
            saved = set_threshold(db(), actor(), target, kind, value, now=now())
        except DomainError as refused:
            return no_update, no_update, refused.message, notice(refused.message, ok=False)
        said = "no longer has a threshold" if saved["threshold"] == "Not set" else \
            f"counts as low below {saved['threshold']} free"
        return False, next_refresh(refresh), None, notice(f"{saved['name']} {said}.")
