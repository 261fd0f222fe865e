"""The Edit pool panel (one selected pool of the dashboard)."""
from __future__ import annotations

import dash_mantine_components as dmc
from dash import dcc

from components.panels import side_panel
from components.pool_fields import EDIT_FORM, details_toggle, expiration_fields, quantity_input
from data.catalog import PAYMENT_TYPES


def edit_id(name: str) -> str:
    return f"edit-pool-{name}"


def edit_pool_drawer():
    return side_panel("edit-pool-drawer", "Edit pool", keep_on_outside_click=True, children=dmc.Stack([
        dmc.Text(id="edit-pool-subject", size="sm", c="dimmed"),
        dmc.Select(id="edit-pool-payment", label="Payment type", data=list(PAYMENT_TYPES),
                   allowDeselect=False, w=260, comboboxProps={"withinPortal": False}),
        quantity_input("edit-pool-qty", "User seats"),
        details_toggle(EDIT_FORM, "user seats", "edit-pool-details"),
        expiration_fields(edit_id),
        # What Expire now takes away, said before Save (callbacks/edit_pool.py fills it in).
        dmc.Alert(id="edit-pool-expire-warning", color="red", display="none"),
        dmc.Group([dmc.Button("Cancel", id="edit-pool-cancel", variant="default"),
                   dmc.Button("Save", id="edit-pool-save")], justify="flex-end", mt="md", className="panel-footer"),
        dcc.Store(id="edit-pool-form"),
    ], gap="md"))
