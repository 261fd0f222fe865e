"""Reseller directory callbacks: read the inputs, call one service, shape the outputs."""
from __future__ import annotations

from dash import Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.context import actor, db, notice, now
from callbacks.grid_controls import bump_refresh, next_refresh, records, register_grid, require_click, selected_ids
from callbacks.panels import close_on
from components import directory_grid as grid
from services.common.errors import DomainError, ResellersInUse
from services.directory import entries
from services.directory.query import list_directory

NOTIFY = Output("notify", "sendNotifications", allow_duplicate=True)
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

    bump_refresh(app, grid.SPEC, Input("addpool-done", "data"))  # a pool added from this page

    _register_visibility(app)
    _register_delete(app)


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
            f"Customer names of {reseller['organization_name']} will be hidden from you. "
            "Once turned off, you cannot turn it back on: only the reseller can enable your visibility again."
        )
        return True, text, reseller["id"], no_update

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
        message = f"Customer visibility of {changed['organization_name']} is off."
        return False, next_refresh(refresh), notice(message)


def _register_delete(app) -> None:
    @app.callback(
        Output("dir-delete-modal", "opened", allow_duplicate=True),
        Output("dir-delete-text", "children"),
        Output("dir-delete-confirm-text", "value"),
        Output("dir-delete-refusal", "children", allow_duplicate=True),
        Output("dir-delete-refusal", "display", allow_duplicate=True),
        Output("dir-delete-rest", "display", allow_duplicate=True),
        Output("dir-delete-submit", "display"),
        Output("dir-delete-confirm-text", "display"),
        NOTIFY,
        Input("dir-delete-open", "n_clicks"),
        State("dir-grid", "selectedRows"),
        prevent_initial_call=True,
    )
    def open_delete(_clicked, selected):
        """Says before anything is typed which selected resellers cannot go (active pools)."""
        require_click(_clicked)
        try:
            preview = entries.deletion_preview(db(), actor(), selected_ids(selected), now=now())
        except DomainError as refused:
            return (no_update,) * 8 + (notice(refused.message, ok=False),)
        names, blocked, others, pending = preview.names, preview.blocked, preview.deletable, preview.pending
        if not names:  # nothing of this LAR's is selected (rows gone meanwhile, or a forged selection)
            return (no_update,) * 8 + (notice("Select the resellers to delete.", ok=False),)
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        text = f"Delete {len(names)} reseller{'s' if len(names) != 1 else ''}: {shown}? This cannot be undone."
        if pending:
            text += (f" {pending} pending pool{'s' if pending != 1 else ''} (not yet accepted) "
                     f"{'go' if pending != 1 else 'goes'} back to {'their' if pending != 1 else 'its'} subscription.")
        if not blocked:
            return True, text, "", "", "none", "none", "inline-block", "block", no_update
        refusal = ResellersInUse(blocked, others).message
        if others:
            refusal = refusal.replace(" Nothing was deleted. Confirm", " Type Yes and choose Delete the others")
        return True, text, "", refusal, "block", "inline-block" if others else "none", "none", \
            "block" if others else "none", no_update

    # In the browser, so Delete is enabled as "yes" is typed (a round trip later, a quick Tab
    # skipped the still-disabled button). The same rule as entries.confirms_deletion, which
    # the server applies again.
    app.clientside_callback(
        """function (value) {
            var unconfirmed = typeof value !== 'string' || value.trim().toLowerCase() !== 'yes';
            return [unconfirmed, unconfirmed];
        }""",
        Output("dir-delete-submit", "disabled"),
        Output("dir-delete-rest", "disabled"),
        Input("dir-delete-confirm-text", "value"),
    )

    # Enter in the box: its text read from the page itself. The box's value prop follows the
    # typing a moment later (it is not debounced, so Delete enables as "yes" is typed), and a
    # quick Enter sent the text before the last letters.
    app.clientside_callback(
        """function (n) {
            var box = document.getElementById('dir-delete-confirm-text');
            return {n: n, value: box ? box.value : null};
        }""",
        Output("dir-delete-entered", "data"),
        Input("dir-delete-confirm-text", "n_submit"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output("dir-delete-modal", "opened", allow_duplicate=True),
        Output("dir-delete-refusal", "children", allow_duplicate=True),
        Output("dir-delete-refusal", "display", allow_duplicate=True),
        Output("dir-delete-rest", "display", allow_duplicate=True),
        REFRESH,
        NOTIFY,
        Input("dir-delete-submit", "n_clicks"),
        Input("dir-delete-rest", "n_clicks"),
        Input("dir-delete-entered", "data"),
        State("dir-grid", "selectedRows"),
        State("dir-delete-confirm-text", "value"),
        State("dir-refresh", "data"),
        State("dir-delete-submit", "display"),
        prevent_initial_call=True,
    )
    def delete(_submit, _rest, entered, selected, confirmation, refresh, submit_shown):
        """Delete, Delete the others, or Enter in the Yes box (the dialog's visible action)."""
        require_click(_submit or _rest or entered)
        by_enter = ctx.triggered_id == "dir-delete-entered"
        if by_enter:
            confirmation = entered.get("value") if isinstance(entered, dict) else None
        rest = ctx.triggered_id == "dir-delete-rest" or (by_enter and submit_shown == "none")
        try:
            deleted = entries.delete_resellers(
                db(), actor(), selected_ids(selected), confirmation, delete_the_rest=rest, now=now(),
            )
        except ResellersInUse as refused:
            rest = "inline-block" if refused.deletable_count else "none"
            return no_update, refused.message, "block", rest, no_update, notice(refused.message, ok=False)
        except DomainError as refused:
            return no_update, refused.message, "block", "none", no_update, notice(refused.message, ok=False)
        message = f"Deleted {len(deleted)} reseller{'s' if len(deleted) != 1 else ''}: {', '.join(deleted)}."
        return False, "", "none", "none", next_refresh(refresh), notice(message)

    close_on(app, "dir-delete-modal", "dir-delete-cancel")
