"""Renewals callbacks: the grid, its window and the chart's week (both kept in the grid's
query), Return to pool across resellers, cards that follow it, and the alert emails switch."""
from __future__ import annotations

from dash import ALL, Input, Output, State, ctx
from dash.exceptions import PreventUpdate

from callbacks.context import NOTIFY, actor, db, notice, now
from callbacks.grid_controls import records, register_grid, require_click, stored_query
from callbacks.return_to_pool import register_return
from components import renewals as parts
from services.access.policy import Action, can
from services.common.errors import DomainError
from services.identity.preferences import set_receives_alerts
from services.pools.listing import describe_return_across, return_to_pool_across
from services.pools.renewals import DEFAULT_WINDOW, VIEWS, expiring_by_week, list_renewals, renewal_figures
from services.pools.state import PENDING

QUERY = Output("ren-query", "data", allow_duplicate=True)


def _fetch(database, acting, _context, query, *, now):
    return list_renewals(database, acting, query, now=now)


def _with(query, **changes) -> dict:
    """The grid's query with filters set (a list) or removed (None)."""
    query = stored_query(query)
    filters = dict(query["filters"])
    for key, values in changes.items():
        if values:
            filters[key] = values
        else:
            filters.pop(key, None)
    return {**query, "filters": filters}


def register(app) -> None:
    register_grid(app, parts.RENEWALS, _fetch, parts.FILTER_NAMES)

    @app.callback(QUERY, Input("ren-window", "value"), State("ren-query", "data"), prevent_initial_call=True)
    def choose_window(window, query):
        if window not in VIEWS:
            raise PreventUpdate
        current = stored_query(query)["filters"].get("window") or [str(DEFAULT_WINDOW)]
        if current == [window]:
            raise PreventUpdate  # follow_query set the control to the query's own window
        return _with(query, window=[window], week=None)  # a new window lists the whole window

    @app.callback(QUERY, Input(parts.card_id(ALL) | {"card": ALL}, "n_clicks"), State("ren-query", "data"),
                  prevent_initial_call=True)
    def choose_card(clicks, query):
        """A card lists what it counts: its window, or the pools waiting for acceptance."""
        chosen = ctx.triggered_id
        if not isinstance(chosen, dict) or chosen.get("view") not in VIEWS or not any(
                isinstance(c, int) and c > 0 for c in (clicks if isinstance(clicks, list) else [])):
            raise PreventUpdate
        return _with(query, window=[chosen["view"]], week=None)

    @app.callback(QUERY, Input("ren-chart", "clickData"), State("ren-query", "data"),
                  State("ren-chart-data", "data"), prevent_initial_call=True)
    def choose_week(clicked, query, chart):
        try:
            week = clicked["points"][0]["customdata"][0]
        except (TypeError, KeyError, IndexError):
            raise PreventUpdate from None
        chart = parts.stored_chart(chart)
        if chart is None or week not in chart["weeks"]:
            raise PreventUpdate
        return _with(query, week=[week])

    @app.callback(QUERY, Input("ren-week-clear", "n_clicks"), State("ren-query", "data"), prevent_initial_call=True)
    def clear_week(clicked, query):
        require_click(clicked)
        return _with(query, week=None)

    @app.callback(
        Output("ren-chart", "figure"),
        Output("ren-week-clear", "display"),
        Output("ren-window", "value"),
        Output("ren-window", "disabled"),
        Output(parts.card_id(ALL) | {"card": ALL}, "aria-pressed"),
        Input("ren-query", "data"),
        Input("ren-chart-data", "data"),
        prevent_initial_call=True,
    )
    def follow_query(query, chart):
        """The chart outlines the chosen week and the window control shows the window,
        whichever control changed them (a bar, a chip's ×, Show the whole window)."""
        chart = parts.stored_chart(chart)
        if chart is None:
            raise PreventUpdate
        filters = stored_query(query)["filters"]
        week = (filters.get("week") or [None])[0]
        window = (filters.get("window") or [str(DEFAULT_WINDOW)])[0]
        # While weeks are chosen they decide the rows: the window waits, greyed.
        pressed = ["true" if not week and o["id"].get("view") == window else "false" for o in ctx.outputs_list[-1]]
        return parts.expiry_figure(chart, week), "inline-block" if week else "none", window, bool(week), pressed

    @app.callback(
        Output("ren-return", "disabled"),
        Output("ren-return-why", "label"),
        Input("ren-grid", "selectedRows"),
        prevent_initial_call=True,
    )
    def returnable(rows):
        rows = records(rows)
        if not can(actor(), Action.POOL_RETURN):
            return True, "Your role can view but not change pools."
        if rows and all(r.get("status") == PENDING for r in rows):
            return False, f"Return {len(rows)} pool{'s' if len(rows) != 1 else ''} to your subscriptions."
        if rows:
            return True, "Only pools in Pending acceptance can be returned: unselect the others."
        return True, "Select pools in Pending acceptance to return them."

    register_return(app, "ren",
                    lambda database, acting, _context, ids, now: describe_return_across(database, acting, ids, now=now),
                    lambda database, acting, _context, ids, now: return_to_pool_across(database, acting, ids, now=now))

    @app.callback(
        Output("ren-cards", "children"),
        Output("ren-chart-data", "data"),
        Input("ren-refresh", "data"),
        State("ren-query", "data"),
        prevent_initial_call=True,
    )
    def redraw(_refresh, query):
        at = now()
        filters = stored_query(query)["filters"]
        view = None if filters.get("week") else (filters.get("window") or [str(DEFAULT_WINDOW)])[0]
        return (parts.renewal_cards(renewal_figures(db(), actor(), now=at), view),
                expiring_by_week(db(), actor(), now=at))

    @app.callback(NOTIFY, Input("ren-alerts", "checked"), prevent_initial_call=True)
    def alerts(checked):
        if not ctx.triggered_id:
            raise PreventUpdate
        try:
            on = set_receives_alerts(db(), actor(), checked)
        except DomainError as refused:
            return notice(refused.message, ok=False)
        return notice("You will receive alert emails and the weekly digest." if on else
                      "You will no longer receive alert emails or the weekly digest.")
