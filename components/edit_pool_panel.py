"""The Edit pool panel (one selected pool of the dashboard) and Return to pool's confirmation."""
from __future__ import annotations

import dash_mantine_components as dmc
from dash import dcc

from components.pool_fields import details_toggle, expiration_fields, quantity_input
from data.catalog import PAYMENT_TYPES


def edit_id(name: str) -> str:
    return f"edit-pool-{name}"


def edit_pool_drawer():
    return dmc.Drawer(
        id="edit-pool-drawer",
        closeOnClickOutside=False,  # a stray click must not throw away what was entered
        closeButtonProps={"aria-label": "Close"},
        title=dmc.Title("Edit pool", order=3),
        position="right",
        size=560,
        padding="lg",
        children=dmc.Stack([
            dmc.Text(id="edit-pool-subject", size="sm", c="dimmed"),
            dmc.Select(id="edit-pool-payment", label="Payment type", data=list(PAYMENT_TYPES),
                       allowDeselect=False, w=260, comboboxProps={"withinPortal": False}),
            quantity_input("edit-pool-qty", "User seats"),
            details_toggle(edit_id, "user seats"),
            expiration_fields(edit_id),
            dmc.Group([dmc.Button("Cancel", id="edit-pool-cancel", variant="default"),
                       dmc.Button("Save", id="edit-pool-save")], justify="flex-end", mt="md"),
            dcc.Store(id="edit-pool-form"),
        ], gap="md"),
    )


def return_modal():
    return dmc.Modal(
        id="pools-return-modal",
        closeButtonProps={"aria-label": "Close"},
        title="Return to pool",
        centered=True,
        size="lg",
        children=dmc.Stack([
            dmc.Text("These pools go back to your pooled subscriptions. The reseller has not accepted them yet.",
                     size="sm"),
            dmc.List(id="pools-return-list", size="sm", spacing=4),
            dmc.Group([dmc.Button("Cancel", id="pools-return-cancel", variant="default"),
                       dmc.Button("Return to pool", id="pools-return-confirm", color="orange")],
                      justify="flex-end"),
        ]),
    )
