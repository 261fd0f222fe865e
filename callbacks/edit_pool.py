"""Edit pool: open it for one selected pool, warn before Expire now, save."""
from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from callbacks.context import NOTIFY, actor, db, notice, now
from callbacks.grid_controls import next_refresh, require_click, selected_ids
from callbacks.panels import Opener, close_on
from components.pool_fields import availability_table, details_id
from services.common.errors import Conflict, DomainError, InvalidForm
from services.common.units import format_quantity
from services.pools.changes import EditPoolForm, edit_pool, edit_pool_form
from services.pools.form import first_allowed_day, unit_label


def register(app, prefix: str, opener: Opener) -> None:
    """The panel whose ids start with prefix (components/edit_pool_panel.py), for the one pool
    selected in opener's grid, of the reseller its context Store holds; that grid refreshes
    after a save."""
    _register_open(app, prefix, opener)
    _register_form(app, prefix)
    _register_save(app, prefix, opener)


def _field_errors(p: str) -> list[Output]:
    return [Output(f"{p}-{name}", "error", allow_duplicate=True) for name in ("payment", "qty", "exp", "date")]


def expire_now_warning(form: EditPoolForm) -> str:
    """What saving with Expire now does to a live pool, customers first."""
    customers = form.customers
    if customers:
        many = customers != 1
        who = f"{customers} customer{'s' if many else ''} of this reseller {'hold' if many else 'holds'}"
        return (f"Saving ends this pool today. {who} {format_quantity(form.unit, form.assigned)} "
                "from it and will lose them.")
    return "Saving ends this pool today. No customer holds any of it; what it holds goes back to the subscription."


def _register_open(app, p: str, opener: Opener) -> None:
    @app.callback(
        Output(f"{p}-drawer", "opened", allow_duplicate=True),
        Output(f"{p}-subject", "children"),
        Output(f"{p}-payment", "value"),
        Output(f"{p}-payment", "disabled"),
        Output(f"{p}-payment", "description"),
        Output(f"{p}-qty", "value"),
        Output(f"{p}-qty", "label"),
        Output(f"{p}-qty", "description"),
        Output(details_id("-open", p), "children"),
        Output(f"{p}-details", "children"),
        Output(f"{p}-exp", "value"),
        Output(f"{p}-date", "value"),
        Output(f"{p}-date", "minDate"),
        Output(f"{p}-date", "maxDate"),
        Output(f"{p}-form", "data"),
        *_field_errors(p),
        NOTIFY,
        opener.clicked,
        opener.selection,
        opener.context,
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
        unit, sub = form.unit, form.subscription
        subject = f"{form.label} · {form.service}" + (" · expired" if form.expired else "")
        most = f"{format_quantity(unit, form.max_quantity)} (what the subscription can supply)"
        if form.max_quantity < form.min_quantity:
            bounds = (f"The subscription has no {unit} free to bring this pool back; its quantity can change "
                      "while it stays expired.")
        elif form.min_quantity > 1:
            bounds = f"From {format_quantity(unit, form.min_quantity)} (already assigned to customers) to {most}."
        else:
            bounds = f"From 1 to {most}."
        return (True, subject, form.payment_type, bool(form.payment_locked), form.payment_locked or None,
                str(form.quantity), unit_label(unit), bounds, f"View details of available {unit}",
                availability_table(sub), form.expiration, form.expiration_date, first_allowed_day(at).isoformat(),
                sub["expires_at"][:10],
                {"pool_id": form.pool_id, "version": form.version, "reseller_id": form.reseller_id,
                 "expire_warning": "" if form.expired else expire_now_warning(form)},
                None, None, None, None, no_update)


def _register_form(app, p: str) -> None:
    @app.callback(Output(f"{p}-date", "disabled"), Input(f"{p}-exp", "value"), prevent_initial_call=True)
    def date_enabled(choice):
        return choice != "date"

    @app.callback(
        Output(f"{p}-expire-warning", "children"),
        Output(f"{p}-expire-warning", "display"),
        Output(f"{p}-save", "color"),
        Input(f"{p}-exp", "value"),
        Input(f"{p}-form", "data"),
        prevent_initial_call=True,
    )
    def expire_now_warned(choice, form):
        warning = form.get("expire_warning") if isinstance(form, dict) and choice == "now" else ""
        if not isinstance(warning, str) or not warning:
            return "", "none", "blue"
        return warning, "block", "red"

    close_on(app, f"{p}-drawer", f"{p}-cancel")
    # Opened on its first field that can change (Payment type, or Quantity while it is locked).
    app.clientside_callback(ClientsideFunction(namespace="panels", function_name="focusFirstField"),
                            Input(f"{p}-form", "data"), State(f"{p}-subject", "id"),
                            prevent_initial_call=True)


def _register_save(app, p: str, opener: Opener) -> None:
    @app.callback(
        Output(f"{p}-drawer", "opened", allow_duplicate=True),
        opener.bump,
        *_field_errors(p),
        NOTIFY,
        Input(f"{p}-save", "n_clicks"),
        State(f"{p}-payment", "value"),
        State(f"{p}-qty", "value"),
        State(f"{p}-exp", "value"),
        State(f"{p}-date", "value"),
        State(f"{p}-form", "data"),
        opener.refresh,
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
        state = " It is now expired." if saved.expired else ""
        return (False, next_refresh(refresh), None, None, None, None, notice(f"Saved {saved.name}.{state}"))
