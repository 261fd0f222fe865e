"""The Edit pool panel (one selected pool of the dashboard) and Return to pool's confirmation."""
from __future__ import annotations

import dash_mantine_components as dmc
from dash import dcc

from components.panels import modal, side_panel
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
        dmc.Group([dmc.Button("Cancel", id="edit-pool-cancel", variant="default"),
                   dmc.Button("Save", id="edit-pool-save")], justify="flex-end", mt="md"),
        dcc.Store(id="edit-pool-form"),
    ], gap="md"))


def return_modal():
    return modal("pools-return-modal", "Return to pool", size="lg", children=dmc.Stack([
        dmc.Text(id="pools-return-text", size="sm"),
        dmc.List(id="pools-return-list", size="sm", spacing=4),
        dmc.Group([dmc.Button("Cancel", id="pools-return-cancel", variant="default"),
                   dmc.Button("Return to pool", id="pools-return-confirm", color="orange")],
                  justify="flex-end"),
    ]))
