"""The dashboard's pool actions on selected rows: Edit pool and Return to pool (confirmed)."""
from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from callbacks.context import actor, db, notice, now
from callbacks.grid_controls import next_refresh, records, require_click, selected_ids
from callbacks.panels import close_on
from callbacks.return_to_pool import register_return
from components.pool_fields import EDIT_FORM, availability_table, details_id
from components.reseller_grids import RETURN_HINT, return_hint
from services.common.errors import Conflict, DomainError, InvalidForm
from services.common.units import format_quantity
from services.pools.changes import edit_pool, edit_pool_form
from services.pools.form import first_allowed_day, unit_label
from services.pools.listing import RETURNABLE, describe_return, return_to_pool

NOTIFY = Output("notify", "sendNotifications", allow_duplicate=True)
REFRESH = Output("pools-refresh", "data", allow_duplicate=True)
FIELD_ERRORS = [Output("edit-pool-payment", "error"), Output("edit-pool-qty", "error"),
                Output("edit-pool-exp", "error"), Output("edit-pool-date", "error")]


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

    _register_edit(app)
    register_return(app, "pools", describe_return, return_to_pool)  # the context Store holds the reseller id


def expire_now_warning(form: dict) -> str:
    """What saving with Expire now does to a live pool, customers first."""
    customers = form["customers"]
    if customers:
        many = customers != 1
        who = f"{customers} customer{'s' if many else ''} of this reseller {'hold' if many else 'holds'}"
        return (f"Saving ends this pool today. {who} {format_quantity(form['unit'], form['assigned'])} "
                "from it and will lose them.")
    return "Saving ends this pool today. No customer holds any of it; what it holds goes back to the subscription."


def _register_edit(app) -> None:
    @app.callback(
        Output("edit-pool-drawer", "opened", allow_duplicate=True),
        Output("edit-pool-subject", "children"),
        Output("edit-pool-payment", "value"),
        Output("edit-pool-payment", "disabled"),
        Output("edit-pool-payment", "description"),
        Output("edit-pool-qty", "value"),
        Output("edit-pool-qty", "label"),
        Output("edit-pool-qty", "description"),
        Output(details_id("-open", EDIT_FORM), "children"),
        Output("edit-pool-details", "children"),
        Output("edit-pool-exp", "value"),
        Output("edit-pool-date", "value"),
        Output("edit-pool-date", "minDate"),
        Output("edit-pool-date", "maxDate"),
        Output("edit-pool-form", "data"),
        *[Output(o.component_id, o.component_property, allow_duplicate=True) for o in FIELD_ERRORS],
        NOTIFY,
        Input("pools-edit-open", "n_clicks"),
        State("pools-grid", "selectedRows"),
        State("pools-context", "data"),
        prevent_initial_call=True,
    )
    def open_edit(clicked, selected, reseller_id):
        require_click(clicked)
        ids = selected_ids(selected)
        if len(ids) != 1:
            return (no_update,) * 19 + (notice("Select one pool to edit.", ok=False),)
        try:
            at = now()
            form = edit_pool_form(db(), actor(), reseller_id, ids[0], now=at)
        except DomainError as refused:
            return (no_update,) * 19 + (notice(refused.message, ok=False),)
        unit, sub = form["unit"], form["subscription"]
        subject = f"{form['label']} · {form['service']}" + (" · expired" if form["expired"] else "")
        most = f"{format_quantity(unit, form['max_quantity'])} (what the subscription can supply)"
        if form["max_quantity"] < form["min_quantity"]:
            bounds = (f"The subscription has no {unit} free to bring this pool back; its quantity can change "
                      "while it stays expired.")
        elif form["min_quantity"] > 1:
            bounds = f"From {format_quantity(unit, form['min_quantity'])} (already assigned to customers) to {most}."
        else:
            bounds = f"From 1 to {most}."
        return (True, subject, form["payment_type"], bool(form["payment_locked"]), form["payment_locked"] or None,
                str(form["quantity"]), unit_label(unit), bounds, f"View details of available {unit}",
                availability_table(sub), form["expiration"], form["expiration_date"], first_allowed_day(at).isoformat(),
                sub["expires_at"][:10],
                {"pool_id": form["pool_id"], "version": form["version"], "reseller_id": form["reseller_id"],
                 "expire_warning": "" if form["expired"] else expire_now_warning(form)},
                None, None, None, None, no_update)

    @app.callback(Output("edit-pool-date", "disabled"), Input("edit-pool-exp", "value"), prevent_initial_call=True)
    def date_enabled(choice):
        return choice != "date"

    @app.callback(
        Output("edit-pool-expire-warning", "children"),
        Output("edit-pool-expire-warning", "display"),
        Output("edit-pool-save", "color"),
        Input("edit-pool-exp", "value"),
        Input("edit-pool-form", "data"),
        prevent_initial_call=True,
    )
    def expire_now_warned(choice, form):
        warning = form.get("expire_warning") if isinstance(form, dict) and choice == "now" else ""
        if not isinstance(warning, str) or not warning:
            return "", "none", "blue"
        return warning, "block", "red"

    close_on(app, "edit-pool-drawer", "edit-pool-cancel")
    # Opened on its first field that can change (Payment type, or Quantity while it is locked).
    app.clientside_callback(ClientsideFunction(namespace="panels", function_name="focusFirstField"),
                            Input("edit-pool-form", "data"), State("edit-pool-subject", "id"),
                            prevent_initial_call=True)

    @app.callback(
        Output("edit-pool-drawer", "opened", allow_duplicate=True),
        REFRESH,
        *[Output(o.component_id, o.component_property, allow_duplicate=True) for o in FIELD_ERRORS],
        NOTIFY,
        Input("edit-pool-save", "n_clicks"),
        State("edit-pool-payment", "value"),
        State("edit-pool-qty", "value"),
        State("edit-pool-exp", "value"),
        State("edit-pool-date", "value"),
        State("edit-pool-form", "data"),
        State("pools-refresh", "data"),
        prevent_initial_call=True,
    )
    def save(clicked, payment, quantity, expiration, day, form, refresh):
        require_click(clicked)
        if not isinstance(form, dict):
            raise PreventUpdate
        changes = {"payment_type": payment, "quantity": quantity, "expiration": expiration, "expiration_date": day}
        try:
            saved = edit_pool(db(), actor(), form.get("reseller_id"), form.get("pool_id"), form.get("version"), changes,
                              now=now())
        except InvalidForm as refused:
            e = refused.errors
            return (no_update, no_update, e.get("payment_type"), e.get("quantity"), e.get("expiration"),
                    e.get("expiration_date"), notice(refused.message, ok=False))
        except (Conflict, DomainError) as refused:
            return (no_update,) * 6 + (notice(refused.message, ok=False),)
        state = " It is now expired." if saved["expired"] else ""
        return (False, next_refresh(refresh), None, None, None, None, notice(f"Saved {saved['name']}.{state}"))
