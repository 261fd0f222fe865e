"""Activity callbacks: the grid and its date range."""
from __future__ import annotations

from dash import Input, Output, State
from dash.exceptions import PreventUpdate

from callbacks.grid_controls import register_grid, stored_query
from components.activity_grid import ACTIVITY, FILTER_NAMES
from services.activity.feed import list_activity
from services.common.days import browser_day


def _fetch(database, acting, _context, query, *, now):  # `now` unused: the log's dates are as recorded
    return list_activity(database, acting, query)


def _day(value) -> str | None:
    """The picker's value (a day, perhaps with a time) as YYYY-MM-DD."""
    day = browser_day(value)
    return day.isoformat() if day else None


def register(app) -> None:
    register_grid(app, ACTIVITY, _fetch, FILTER_NAMES)

    @app.callback(Output("act-query", "data", allow_duplicate=True), Input("act-dates", "value"),
                  State("act-query", "data"), prevent_initial_call=True)
    def choose_dates(dates, query):
        """A range picker sends [from, to] (to empty until the second click); cleared, None."""
        dates = dates if isinstance(dates, list) else []
        since, until = (_day(dates[0]) if dates else None), (_day(dates[1]) if len(dates) > 1 else None)
        if dates and since and not until:
            raise PreventUpdate  # the second date is still to come
        query = stored_query(query)
        filters = {k: v for k, v in query["filters"].items() if k not in ("from", "to")}
        if since:
            filters["from"] = [since]
        if until:
            filters["to"] = [until]
        if filters == query["filters"]:
            raise PreventUpdate
        return {**query, "filters": filters}

    @app.callback(Output("act-dates", "value"), Input("act-query", "data"), State("act-dates", "value"),
                  prevent_initial_call=True)
    def follow_query(query, current):
        """The picker shows the dates the query holds, however they changed (a chip's ×)."""
        filters = stored_query(query)["filters"]
        wanted = [_day((filters.get("from") or [None])[0]), _day((filters.get("to") or [None])[0])]
        shown = [_day(v) for v in (current if isinstance(current, list) else [])] + [None, None]
        if shown[:2] == wanted:
            raise PreventUpdate
        return wanted
