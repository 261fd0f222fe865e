"""The Edit pool panel (one selected pool). Every id starts with the prefix the page gives."""
from __future__ import annotations

import dash_mantine_components as dmc
from dash import dcc

from components.panels import side_panel
from components.pool_fields import details_toggle, expiration_fields, quantity_input
from data.catalog import PAYMENT_TYPES


def edit_pool_drawer(prefix: str):
    p = prefix

    def ids(name: str) -> str:
        return f"{p}-{name}"

    return side_panel(f"{p}-drawer", "Edit pool", keep_on_outside_click=True, children=dmc.Stack([
        dmc.Text(id=f"{p}-subject", size="sm", c="dimmed"),
        dmc.Select(id=f"{p}-payment", label="Payment type", data=list(PAYMENT_TYPES),
                   allowDeselect=False, w=260, comboboxProps={"withinPortal": False}),
        quantity_input(f"{p}-qty", "User seats"),
        details_toggle(p, "user seats", f"{p}-details"),
        expiration_fields(ids),
        # What Expire now takes away, said before Save (callbacks/edit_pool.py fills it in).
        dmc.Alert(id=f"{p}-expire-warning", color="red", display="none"),
        dmc.Group([dmc.Button("Cancel", id=f"{p}-cancel", variant="default"),
                   dmc.Button("Save", id=f"{p}-save")], justify="flex-end", mt="md", className="panel-footer"),
        dcc.Store(id=f"{p}-form"),
    ], gap="md"))
