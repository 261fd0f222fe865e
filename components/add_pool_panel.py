"""The Add pool panel: step 1 picks online services by their cards, step 2 ("Subscription
information") holds one form per chosen service, services on the left, fields on the right.
Used by the directory and the dashboard alike (callbacks/add_pool.py). Every id starts with the
prefix the page gives, so a page may hold two of them."""
from __future__ import annotations

from datetime import date, timedelta

import dash_mantine_components as dmc
from dash import dcc, html

from components.panels import side_panel
from components.pool_fields import details_toggle, expiration_fields, quantity_input
from data.catalog import PAYMENT_TYPES, SOURCES
from services.common.units import format_quantity
from services.pools.form import SAME, unit_label

FIELDS = ("sub", "source", "payment", "qty", "exp", "date")  # per-service field names, in save order


def field_id(prefix: str, name: str, service) -> dict:
    """A field of one service's form (a pattern id: the wizard has a form per chosen service)."""
    return {"type": f"{prefix}-{name}", "service": service}


def add_pool_drawer(prefix: str):
    p = prefix
    return side_panel(f"{p}-drawer", "Add pool", size=980, keep_on_outside_click=True, children=dmc.Stack([
        dmc.Text(id=f"{p}-subject", size="sm", c="dimmed"),
        html.Div(id=f"{p}-step1", children=[
            dmc.Text("Step 1 of 2 · Select online services by clicking their cards.", fw=600, size="sm", mb="xs"),
            dmc.CheckboxGroup(id=f"{p}-services", value=[], children=[]),
        ]),
        html.Div(id=f"{p}-step2", style={"display": "none"}, children=[
            dmc.Text("Step 2 of 2 · Subscription information: select a service on the left and complete "
                     "its fields on the right.", fw=600, size="sm", mb="xs"),
            html.Div(id=f"{p}-forms"),
        ]),
        dmc.Group([
            dmc.Button("Cancel", id=f"{p}-cancel", variant="default"),
            dmc.Button("Back", id=f"{p}-back", variant="default", display="none"),
            dmc.Button("Next", id=f"{p}-next", disabled=True),
            dmc.Button("Save", id=f"{p}-save", display="none"),
        ], justify="flex-end", mt="md", className="panel-footer"),
        dcc.Store(id=f"{p}-reseller"),
        dcc.Store(id=f"{p}-choices"),
        dcc.Store(id=f"{p}-feedback"),
        dcc.Store(id=f"{p}-done", data=0),  # counts saves: the grids it was opened from refresh on it
    ], gap="md"))


def service_cards(services: list[dict]):
    """Step 1: one selectable card per online service, with its unit and what is free."""
    cards = []
    for i, service in enumerate(services):
        subs = service["subscriptions"]
        free = sum(s["available"] for s in subs)
        note = (f"{len(subs)} subscription{'s' if len(subs) != 1 else ''} · "
                f"{format_quantity(service['unit'], free)} available") if subs else "No unexpired subscription"
        text = [dmc.Text(service["name"], fw=600, size="sm"),
                dmc.Text(service["about"], size="xs", c="dimmed") if service["about"] else None,
                dmc.Text(f"Unit: {service['unit']}", size="xs", c="dimmed"),
                dmc.Text(note, size="xs", c="dimmed" if subs else "orange")]
        cards.append(dmc.CheckboxCard(
            dmc.Group([dmc.CheckboxIndicator(disabled=not subs), dmc.Stack([t for t in text if t], gap=2)],
                      wrap="nowrap", align="flex-start", gap="sm"),
            value=str(i), disabled=not subs, withBorder=True, radius="md", p="sm", className="service-card",
        ))
    return dmc.SimpleGrid(cards, cols=3, spacing="sm")


def service_forms(prefix: str, chosen: list[int], services: list[dict], today: date,
                  kept: dict[int, dict] | None = None):
    """Step 2: a vertical tab per chosen service, its state mark beside the name. kept: what the
    user had entered per service before going Back, {service: {field: value}}."""
    kept = kept or {}
    tabs = [dmc.TabsTab(services[i]["name"], value=str(i),
                        rightSection=html.Span("○", id=field_id(prefix, "state", i), className="form-state incomplete"))
            for i in chosen]
    panels = [dmc.TabsPanel(_service_form(prefix, i, services[i], today, kept.get(i, {})), value=str(i), pl="lg")
              for i in chosen]
    return dmc.Tabs([dmc.TabsList(tabs, w=280), *panels], id=f"{prefix}-tabs", orientation="vertical",
                    value=str(chosen[0]), keepMounted=True, className="addpool-tabs")


def pool_options(service: dict) -> list[dict]:
    """The Pool choices of one service: its subscriptions, what each has free and when it ends."""
    unit = service["unit"]
    return [{"value": str(s["id"]), "label": f"{s['name']} · {format_quantity(unit, s['available'])} "
                                               f"available · expires {s['expires_at'][:10]}"}
            for s in service.get("subscriptions") or []]


def _service_form(prefix: str, i: int, service: dict, today: date, values: dict):
    def ids(name):
        return field_id(prefix, name, i)

    subs = service["subscriptions"]
    only = subs[0] if len(subs) == 1 else None
    chosen = next((s for s in subs if str(s["id"]) == str(values.get("sub"))), only)
    unit = service["unit"]
    options = pool_options(service)
    return dmc.Stack([
        dmc.Title(service["name"], order=4),
        dmc.Select(id=ids("sub"), label="Pool", data=options, value=str(chosen["id"]) if chosen else None,
                   placeholder="Choose a pooled subscription", allowDeselect=False, required=True,
                   comboboxProps={"withinPortal": False}),
        dmc.Group([
            dmc.Select(id=ids("source"), label="Source", data=list(SOURCES),
                       value=values.get("source") or (chosen["source"] if chosen else None),
                       placeholder="Choose a source", required=True, w=240, comboboxProps={"withinPortal": False}),
            dmc.Select(id=ids("payment"), label="Payment type", data=list(PAYMENT_TYPES), value=values.get("payment"),
                       placeholder="Choose a payment type", required=True, w=240,
                       comboboxProps={"withinPortal": False}),
        ], gap="md", align="flex-start"),
        quantity_input(ids("qty"), unit_label(unit), values.get("qty"), required=True),
        details_toggle(f"{prefix}-{i}", unit, ids("details")),
        expiration_fields(ids, choice=values.get("exp") or SAME, day=values.get("date"),
                          first_day=(today + timedelta(days=1)).isoformat(),
                          last_day=chosen["expires_at"][:10] if chosen else None),
    ], gap="sm")
