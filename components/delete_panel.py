"""Delete resellers: the confirmation (type Yes) for the entries selected in a grid, saying
which cannot go. Every id starts with the prefix the page gives (callbacks/delete_panel.py)."""
from __future__ import annotations

import dash_mantine_components as dmc
from dash import dcc

from components.panels import modal


def delete_modal(prefix: str):
    p = prefix
    return modal(
        f"{p}-modal", "Delete resellers",
        children=dmc.Stack(
            [
                dmc.Text(id=f"{p}-text", size="sm"),
                dmc.Alert(id=f"{p}-refusal", color="red", variant="light", display="none"),
                # Mantine's dialog focuses the element marked data-autofocus (else its close button).
                dmc.TextInput(id=f"{p}-confirm-text", label="Enter Yes to confirm", placeholder="Yes", n_submit=0,
                              autoComplete="off", **{"data-autofocus": True}),
                dcc.Store(id=f"{p}-entered"),  # what the box held when Enter was pressed
                dmc.Group(
                    [
                        dmc.Button("Cancel", id=f"{p}-cancel", variant="default"),
                        dmc.Button("Delete the others", id=f"{p}-rest", color="red", variant="outline",
                                   display="none"),
                        dmc.Button("Delete", id=f"{p}-submit", color="red", disabled=True),
                    ],
                    justify="flex-end",
                ),
            ]
        ),
    )

