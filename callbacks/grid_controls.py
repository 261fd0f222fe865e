"""The callbacks every server-paged grid shares: rows, search, Filter and its chips, reload,
Manage columns and Export. A page registers them once per grid with a fetch function:
fetch(db, actor, context, GridQuery, now=) -> GridPage, context being the section's Store."""
from __future__ import annotations

from collections.abc import Callable

from dash import ALL, ClientsideFunction, Input, Output, State, ctx, dcc, no_update
from dash.exceptions import PreventUpdate

from callbacks.context import actor, db, notice, now
from components.grid_section import GridSpec, empty_state, grid_height
from components.grid_toolbar import filter_chips
from components.server_grid import PAGE_SIZE, with_visibility
from services.common import exports
from services.common.errors import DomainError
from services.common.grid_query import MAX_CHOICES, MAX_SEARCH, GridPage, GridQuery, clean_text
from services.identity import preferences


def require_click(count) -> None:
    """Pages insert their components after load, which fires click callbacks with no click."""
    if not count:
        raise PreventUpdate


def records(value) -> list[dict]:
    """The objects of a list the browser sent (a grid's selected rows, a panel's Store): a
    hand-made request sends anything, so only objects are read, and their ids are for the
    services to check."""
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


def selected_ids(rows) -> list:
    return [r.get("id") for r in records(rows)]


def next_refresh(refresh) -> int:
    """The refresh counter after an action: whatever the browser held, the grid reloads."""
    return refresh + 1 if isinstance(refresh, int) and not isinstance(refresh, bool) and 0 <= refresh < 10**9 else 1


def shown_fields(column_defs) -> list[str]:
    """The fields of the columns the grid shows, from its column definitions as the browser sent them."""
    return [c.get("field") for c in column_defs if isinstance(c, dict) and not c.get("hide")] \
        if isinstance(column_defs, list) else []


def stored_query(query) -> dict:
    """The grid's query Store as the browser sent it ({search, filters: {key: [values]}}), made
    well-formed here, in one place: only a forged request sends other shapes, and it gets an
    ordinary answer instead of an error."""
    query = query if isinstance(query, dict) else {}
    filters = query.get("filters") if isinstance(query.get("filters"), dict) else {}
    return {
        "search": clean_text(query.get("search"), MAX_SEARCH),
        "filters": {str(k)[:100]: [clean_text(v, 200) for v in values[:MAX_CHOICES]]
                    for k, values in list(filters.items())[:20] if isinstance(values, list)},
    }


def grid_query(query, request=None) -> GridQuery:
    """The grid's question: its query Store and AG Grid's request for rows, both as the browser
    sent them (see stored_query)."""
    asked = stored_query(query)
    request = request if isinstance(request, dict) else {}
    sort_model = request.get("sortModel") if isinstance(request.get("sortModel"), list) else []
    return GridQuery(
        search=asked["search"],
        filters={k: tuple(values) for k, values in asked["filters"].items()},
        sort=tuple((str(s.get("colId", "")), "desc" if s.get("sort") == "desc" else "asc")
                   for s in sort_model[:5] if isinstance(s, dict)),
        start=_row_number(request.get("startRow"), 0),
        end=_row_number(request.get("endRow"), 100),
    )


def _row_number(value, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10**9 else default


def _label(labels, value: str) -> str:
    """A chip's text: the page's label for the value (the Store holds them), else the value."""
    label = labels.get(value) if isinstance(labels, dict) else None
    return label if isinstance(label, str) else value


def register_grid(app, spec: GridSpec, fetch: Callable, filter_names: dict[str, str]) -> None:
    p = spec.prefix

    @app.callback(
        Output(f"{p}-grid", "getRowsResponse"),
        Output(f"{p}-count", "children"),
        Output(f"{p}-empty", "children"),
        Output(f"{p}-paper", "className"),
        Output(f"{p}-grid", "style"),
        Input(f"{p}-grid", "getRowsRequest"),
        State(f"{p}-query", "data"),
        State(f"{p}-context", "data"),
        prevent_initial_call=True,
    )
    def rows(request, query, context):
        if not request:
            raise PreventUpdate
        asked = grid_query(query, request)
        try:
            page = fetch(db(), actor(), context, asked, now=now())
        except DomainError:
            # Only a forged request names a record the actor may not see: it gets no rows.
            page = GridPage(rows=[], total=0)
        filtered = bool(asked.search or any(asked.filters.values()))
        return ({"rowData": page.rows, "rowCount": page.total}, spec.count_label(page.total, page.detail, page.of),
                [] if page.total else empty_state(spec, filtered),
                "grid-paper" if page.total else "grid-paper is-empty",
                {"height": grid_height(spec, min(page.total, PAGE_SIZE)), "width": "100%"})

    @app.callback(
        Output(f"{p}-query", "data", allow_duplicate=True),
        Output(f"{p}-refresh", "data", allow_duplicate=True),
        Input(f"{p}-search", "n_submit"),
        Input(f"{p}-search", "value"),  # debounced: sent on Enter and when the box loses focus
        State(f"{p}-query", "data"),
        State(f"{p}-refresh", "data"),
        prevent_initial_call=True,
    )
    def search(_submitted, text, query, refresh):
        """Enter searches; so does leaving the box, so what it shows is what the rows match.
        Enter on the search already shown searches again (the rows may have changed since)."""
        query = stored_query(query)
        text = clean_text(text, MAX_SEARCH).strip()
        if text != query["search"]:
            return {**query, "search": text}, no_update
        if ctx.triggered_id == f"{p}-search" and any(t["prop_id"].endswith(".n_submit") for t in ctx.triggered):
            return no_update, next_refresh(refresh)
        raise PreventUpdate

    @app.callback(
        Output(f"{p}-query", "data", allow_duplicate=True),
        Output(f"{p}-filter-popover", "opened"),
        Input(f"{p}-filter-apply", "n_clicks"),
        State({"type": f"{p}-filter-field", "key": ALL}, "value"),
        State({"type": f"{p}-filter-field", "key": ALL}, "id"),
        State(f"{p}-query", "data"),
        prevent_initial_call=True,
    )
    def apply_filter(clicked, values, ids, query):
        require_click(clicked)
        query = stored_query(query)
        fields = {i["key"] for i in ids}
        # Filters the page sets with its own controls (not in the popover) stay as they are.
        kept = {k: v for k, v in query["filters"].items() if k not in fields}
        chosen = stored_query({"filters": {i["key"]: v for i, v in zip(ids, values, strict=False)}})["filters"]
        return {**query, "filters": {**kept, **{k: v for k, v in chosen.items() if v}}}, False

    # Filter opens on its first field. The panel stays mounted between openings (keepMounted), so
    # Mantine's focus trap may look for that field while the panel is still hidden, and miss it.
    app.clientside_callback(ClientsideFunction(namespace="panels", function_name="focusFirstField"),
                            Input(f"{p}-filter-popover", "opened"), State(f"{p}-filter-apply", "id"),
                            prevent_initial_call=True)

    @app.callback(
        Output(f"{p}-query", "data", allow_duplicate=True),
        Output({"type": f"{p}-filter-field", "key": ALL}, "value"),
        Input({"type": f"{p}-chip-remove", "key": ALL, "value": ALL}, "n_clicks"),
        State({"type": f"{p}-filter-field", "key": ALL}, "id"),
        State(f"{p}-query", "data"),
        prevent_initial_call=True,
    )
    def remove_chip(clicks, field_ids, query):
        if not ctx.triggered_id or not any(clicks):
            raise PreventUpdate
        query = stored_query(query)
        key, value = ctx.triggered_id["key"], ctx.triggered_id["value"]
        filters = {k: [v for v in vs if not (k == key and v == value)] for k, vs in query["filters"].items()}
        filters = {k: vs for k, vs in filters.items() if vs}
        return {**query, "filters": filters}, [filters.get(i["key"], []) for i in field_ids]

    @app.callback(
        Output(f"{p}-chips", "children"),
        Input(f"{p}-query", "data"),
        State(f"{p}-filter-labels", "data"),
        prevent_initial_call=True,
    )
    def chips(query, labels):
        labels = labels if isinstance(labels, dict) else {}
        conditions = [
            (key, filter_names[key], value, _label(labels.get(key), value))
            for key, values in stored_query(query)["filters"].items() if key in filter_names
            for value in values
        ]
        return filter_chips(p, conditions)

    app.clientside_callback(
        ClientsideFunction(namespace="gridUrl", function_name="remember"),
        Input(f"{p}-query", "data"),
        Input(f"{p}-grid", "getRowsRequest"),
        State(f"{p}-grid", "id"),
        State(f"{p}-grid", "dashGridOptions"),
        prevent_initial_call=True,
    )

    app.clientside_callback(
        ClientsideFunction(namespace="gridUrl", function_name="restorePage"),
        Input(f"{p}-count", "children"),  # set with the rows: they have arrived
        State(f"{p}-grid", "id"),
        prevent_initial_call=True,
    )

    app.clientside_callback(
        ClientsideFunction(namespace="grid", function_name="keepFocus"),
        Input(f"{p}-refresh", "data"),  # an action changed the rows
        State(f"{p}-grid", "id"),
        prevent_initial_call=True,
    )

    app.clientside_callback(
        ClientsideFunction(namespace="grid", function_name="reload"),
        Input(f"{p}-query", "data"),
        Input(f"{p}-refresh", "data"),
        State(f"{p}-grid", "id"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(f"{p}-grid", "columnDefs"),
        Output(f"{p}-columns", "value"),
        Output("notify", "sendNotifications", allow_duplicate=True),
        Input(f"{p}-columns", "value"),
        State(f"{p}-grid", "columnDefs"),
        prevent_initial_call=True,
    )
    def manage_columns(chosen, column_defs):
        shown = shown_fields(column_defs)
        # Dash also calls this when the page inserts the grid; re-saving the same choice
        # would write and make the grid fetch its rows twice.
        if not ctx.triggered_id or (isinstance(chosen, list) and set(map(str, chosen)) == set(shown)):
            raise PreventUpdate
        try:
            visible = preferences.save_visible_columns(db(), actor(), spec.name, chosen, spec.fields, spec.kept)
        except DomainError as refused:
            # The boxes go back to the columns the grid still shows.
            return no_update, shown, notice(refused.message, ok=False)
        return with_visibility(spec.columns, visible), no_update, no_update

    @app.callback(
        Output(f"{p}-export-modal", "opened", allow_duplicate=True),
        Input(f"{p}-export-open", "n_clicks"),
        Input(f"{p}-export-cancel", "n_clicks"),
        prevent_initial_call=True,
    )
    def toggle_export(opened, cancelled):
        require_click(opened or cancelled)
        return ctx.triggered_id == f"{p}-export-open"

    @app.callback(
        Output(f"{p}-download", "data"),
        Output(f"{p}-export-modal", "opened", allow_duplicate=True),
        Output("notify", "sendNotifications", allow_duplicate=True),
        Input(f"{p}-export-download", "n_clicks"),
        State(f"{p}-export-name", "value"),
        State(f"{p}-export-format", "value"),
        State(f"{p}-query", "data"),
        State(f"{p}-context", "data"),
        State(f"{p}-grid", "columnDefs"),
        State(f"{p}-grid", "getRowsRequest"),
        prevent_initial_call=True,
    )
    def export(clicked, name, fmt, query, context, column_defs, last_request):
        require_click(clicked)
        fmt = fmt if fmt in exports.FORMATS else "csv"
        shown = set(shown_fields(column_defs))
        columns = [(f, h) for f, h in spec.choices if f in shown] or spec.choices
        try:
            page = fetch(db(), actor(), context, grid_query(query, last_request).for_export(), now=now())
        except DomainError as refused:
            return no_update, no_update, notice(refused.message, ok=False)
        filename = exports.file_name(name, spec.name, fmt)
        said = notice(f"Windows keeps the name {name.strip()} for a device, so the file was saved as {filename}.") \
            if exports.is_reserved(name, fmt) else no_update
        if fmt == "xlsx":
            return dcc.send_bytes(exports.to_xlsx(page.rows, columns, spec.export_kinds), filename), False, said
        return dict(content=exports.to_csv(page.rows, columns), filename=filename), False, said
