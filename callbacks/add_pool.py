"""The Add pool panel's callbacks, for the directory and the dashboard: open it for one
reseller, step through the services, check each service's form as the user types, save."""
from __future__ import annotations

from collections.abc import Sequence

from dash import ALL, MATCH, ClientsideFunction, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.context import NOTIFY, actor, db, notice, now
from callbacks.grid_controls import next_refresh, require_click, selected_ids
from callbacks.panels import Opener, close_on
from components.add_pool_panel import FIELDS, field_id, pool_options, service_cards, service_forms
from components.pool_fields import availability_table
from data.catalog import SOURCES
from services.common.errors import DomainError, InvalidForm
from services.common.units import format_quantity
from services.pools.changes import add_pool_choices, add_pools
from services.pools.form import check_new_pool, sources_for
from services.subscriptions.choices import facts

STATE_MARKS = {"complete": ("✓", "Complete"), "incomplete": ("○", "Incomplete"), "invalid": ("!", "Has errors")}


def _open(reseller_id):
    try:
        choices = add_pool_choices(db(), actor(), reseller_id, now=now())
    except DomainError as refused:
        return (no_update,) * 8 + (notice(refused.message, ok=False),)
    name = choices["reseller"]["organization_name"]
    return (True, choices["reseller"]["id"], choices, f"Assign pooled subscriptions to {name}.",
            service_cards(choices["services"]), [], None, [], no_update)


def register(app, prefix: str, openers: Sequence[Opener]) -> None:
    """The panel whose ids start with prefix (components/add_pool_panel.py), opened from each
    opener (the same panel on two pages: the directory's selected reseller, a dashboard's own);
    each opener's grid refreshes after a save."""
    p = prefix
    # Every opener's callback writes them all: each its own copy (allow_duplicate), else Dash's
    # renderer finds the same output twice once a second opener is placed.
    open_outputs = [Output(f"{p}-{part}", prop, allow_duplicate=True) for part, prop in (
        ("drawer", "opened"), ("reseller", "data"), ("choices", "data"), ("subject", "children"),
        ("services", "children"), ("services", "value"), ("feedback", "data"), ("forms", "children"))] + [NOTIFY]
    for opener in openers:
        _register_opener(app, p, opener, open_outputs)
    for opener in {opener.grid: opener for opener in openers}.values():  # one refresh per grid
        _refresh_after_save(app, p, opener)

    @app.callback(Output(f"{p}-next", "disabled"), Input(f"{p}-services", "value"), prevent_initial_call=True)
    def next_enabled(chosen):
        return not chosen

    @app.callback(
        Output(f"{p}-step1", "style"), Output(f"{p}-step2", "style"),
        Output(f"{p}-next", "display"), Output(f"{p}-back", "display"), Output(f"{p}-save", "display"),
        Output(f"{p}-forms", "children", allow_duplicate=True),
        Input(f"{p}-next", "n_clicks"), Input(f"{p}-back", "n_clicks"), Input(f"{p}-reseller", "data"),
        State(f"{p}-services", "value"), State(f"{p}-choices", "data"),
        *[State(field_id(p, name, ALL), "value") for name in FIELDS], State(field_id(p, "sub", ALL), "id"),
        prevent_initial_call=True,
    )
    def step(_next, _back, _reseller, chosen, choices, *entered):
        if ctx.triggered_id != f"{p}-next" or not isinstance(chosen, list) or not isinstance(choices, dict):
            return {}, {"display": "none"}, "inline-block", "none", "none", no_update
        services = choices.get("services") or []
        picked = set(map(str, chosen))
        indices = [i for i in range(len(services)) if str(i) in picked]
        if not indices:
            raise PreventUpdate
        *columns, ids = entered
        # A State per field: a row's values pair with FIELDS one to one. The browser's lists are
        # cut to the shortest, as ever (a crafted request may send them uneven).
        kept = {ident.get("service"): dict(zip(FIELDS, values, strict=True))
                for ident, *values in zip(ids, *columns, strict=False) if isinstance(ident, dict)}
        forms = service_forms(p, indices, services, now().date(), kept)
        return {"display": "none"}, {}, "none", "inline-block", "inline-block", forms

    close_on(app, f"{p}-drawer", f"{p}-cancel")

    # The keyboard lands on the first card (on opening, after Back) or the first service's tab (after Next).
    for function, trigger, prop in (("focusFirstTab", f"{p}-forms", "children"),
                                    ("focusFirstCard", f"{p}-step1", "style")):
        app.clientside_callback(ClientsideFunction(namespace="panels", function_name=function),
                                Input(trigger, prop), State(trigger, "id"), prevent_initial_call=True)
    _register_check(app, p)
    _register_save(app, p)


def _refresh_after_save(app, p: str, opener: Opener) -> None:
    """The panel counts its saves; the grid it was opened from (and what follows that grid's
    refresh, a dashboard's figures) asks again. The page without that grid ignores it."""
    @app.callback(opener.bump, Input(f"{p}-done", "data"), opener.refresh, prevent_initial_call=True)
    def refresh_grid(saved, refresh):
        require_click(saved)
        return next_refresh(refresh)


def _register_opener(app, p: str, opener: Opener, open_outputs: list) -> None:
    @app.callback(*open_outputs, opener.clicked, opener.subject_state, prevent_initial_call=True)
    def open_panel(clicked, subject):
        require_click(clicked)
        if opener.subject == "context":
            return _open(subject)
        ids = selected_ids(subject)
        if len(ids) != 1:
            return (no_update,) * 8 + (notice("Select one reseller to add a pool to.", ok=False),)
        return _open(ids[0])


def _fresh(reseller_id):
    """What the subscriptions have now, after a refused save: another operator may have taken seats."""
    try:
        return add_pool_choices(db(), actor(), reseller_id, now=now())
    except DomainError:
        return no_update


def _service_names(choices) -> list[str]:
    """The wizard's service names from its store (the browser's copy: add_pools checks them)."""
    services = choices.get("services") if isinstance(choices, dict) else None
    return [str(s.get("name", "")) if isinstance(s, dict) else "" for s in services or []]


def _subscription(service: dict, sub_id) -> dict | None:
    return next((s for s in service.get("subscriptions") or [] if str(s.get("id")) == str(sub_id)), None)


def _register_check(app, p: str) -> None:
    @app.callback(
        Output(field_id(p, "sub", MATCH), "error"), Output(field_id(p, "source", MATCH), "error"),
        Output(field_id(p, "payment", MATCH), "error"), Output(field_id(p, "qty", MATCH), "error"),
        Output(field_id(p, "qty", MATCH), "description"), Output(field_id(p, "exp", MATCH), "error"),
        Output(field_id(p, "date", MATCH), "error"), Output(field_id(p, "date", MATCH), "disabled"),
        Output(field_id(p, "date", MATCH), "maxDate"), Output(field_id(p, "details", MATCH), "children"),
        Output(field_id(p, "state", MATCH), "children"), Output(field_id(p, "state", MATCH), "className"),
        Output(field_id(p, "state", MATCH), "title"),
        Output(field_id(p, "sub", MATCH), "data"), Output(field_id(p, "source", MATCH), "data"),
        *[Input(field_id(p, name, MATCH), "value") for name in FIELDS],
        Input(f"{p}-feedback", "data"),
        State(field_id(p, "sub", MATCH), "id"), State(f"{p}-choices", "data"),
    )
    def check_service(sub, source, payment, qty, exp, day, feedback, ident, choices):
        """The service's form as the user fills it in: errors on the fields already touched (all
        of them once Save was tried), and its mark in the list: complete, incomplete or invalid."""
        try:
            service = choices["services"][int(ident["service"])]
            row = _subscription(service, sub)
            known = facts(row) if row else None
            options = pool_options(service)
        except (AttributeError, KeyError, IndexError, TypeError, ValueError):
            raise PreventUpdate from None
        request = {"subscription_id": sub, "source": source, "payment_type": payment, "quantity": qty,
                   "expiration": exp, "expiration_date": day}
        errors, _fields = check_new_pool(request, known, now())
        tried = bool(feedback)
        touched = {"subscription": sub, "source": source, "payment_type": payment,
                   "quantity": qty not in (None, ""), "expiration": exp, "expiration_date": day}
        shown = {k: v for k, v in errors.items() if tried or touched.get(k)}
        if ctx.triggered_id == f"{p}-feedback":
            shown.update(((feedback or {}).get("errors") or {}).get(service["name"], {}))
        state = "invalid" if shown else ("incomplete" if errors else "complete")
        mark, title = STATE_MARKS[state]
        unit = service["unit"]
        described = f"Up to {format_quantity(unit, row['available'])} available." if row else "Choose a pool first."
        return (shown.get("subscription"), shown.get("source"), shown.get("payment_type"), shown.get("quantity"),
                described, shown.get("expiration"), shown.get("expiration_date"), exp != "date",
                row["expires_at"][:10] if row else None, availability_table(row), mark, f"form-state {state}", title,
                options, list(sources_for(row["source"])) if row else list(SOURCES))


def _register_save(app, p: str) -> None:
    @app.callback(
        Output(f"{p}-drawer", "opened", allow_duplicate=True),
        Output(f"{p}-done", "data"),
        Output(f"{p}-feedback", "data", allow_duplicate=True),
        Output(f"{p}-choices", "data", allow_duplicate=True),
        NOTIFY,
        Input(f"{p}-save", "n_clicks"),
        *[State(field_id(p, name, ALL), "value") for name in FIELDS],
        State(field_id(p, "sub", ALL), "id"),
        State(f"{p}-reseller", "data"), State(f"{p}-choices", "data"), State(f"{p}-done", "data"),
        prevent_initial_call=True,
    )
    def save(clicked, subs, sources, payments, quantities, expirations, days, ids, reseller_id, choices, done):
        require_click(clicked)
        names = _service_names(choices)
        requests = []
        # Uneven lists (only a crafted request sends them) are cut to the shortest.
        for values in zip(ids, subs, sources, payments, quantities, expirations, days, strict=False):
            ident, sub, source, payment, quantity, expiration, day = values
            index = ident.get("service") if isinstance(ident, dict) else None
            name = names[index] if isinstance(index, int) and 0 <= index < len(names) else ""
            requests.append({"service": name, "subscription_id": sub, "source": source, "payment_type": payment,
                             "quantity": quantity, "expiration": expiration, "expiration_date": day})
        try:
            created = add_pools(db(), actor(), reseller_id, requests, now=now())
        except InvalidForm as refused:
            which = ", ".join(refused.errors)
            return no_update, no_update, {"errors": refused.errors, "attempt": clicked}, _fresh(reseller_id), notice(
                f"Nothing was saved: correct the fields marked in red ({which}).", ok=False)
        except DomainError as refused:
            return (no_update, no_update, {"errors": {}, "attempt": clicked}, no_update,
                    notice(refused.message, ok=False))
        shown = "; ".join(f"{c.quantity} of {c.name}"
                          + (" (expired at once, as chosen)" if c.expired else " (pending acceptance)")
                          for c in created)
        noun = "pool" if len(created) == 1 else "pools"
        return False, next_refresh(done), None, no_update, notice(f"Added {len(created)} {noun}: {shown}.")
