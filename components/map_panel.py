"""The Map panel: an Unmapped entry's own domain's tenants to choose from, or another tenant
named by its owner's full address (which is then asked to accept)."""
from __future__ import annotations

import dash_mantine_components as dmc
from dash import dcc

from components.panels import side_panel


def map_drawer(prefix: str):
    """Every id starts with prefix (the page's choice)."""
    p = prefix
    return side_panel(
        f"{p}-drawer", "Map", size="md",
        children=dmc.Stack(
            [
                dmc.Text(id=f"{p}-subject", size="sm", c="dimmed"),
                dmc.Select(id=f"{p}-owner", label="Tenant owner", placeholder="Choose a tenant owner",
                           searchable=True, data=[], comboboxProps={"withinPortal": False},
                           allowDeselect=False,  # a second click on the chosen owner keeps it
                           nothingFoundMessage="No tenant owner at this address's domain",
                           **{"data-autofocus": True}),
                dmc.Select(id=f"{p}-org", label="Organization name", placeholder="Choose an organization",
                           data=[], comboboxProps={"withinPortal": False}, allowDeselect=False),
                dmc.Divider(label="Or another registered reseller", labelPosition="left"),
                dmc.Group([
                    dmc.TextInput(id=f"{p}-lookup", label="Its tenant owner's email address, in full",
                                  placeholder="owner@their-domain.example", autoComplete="off", debounce=True,
                                  n_submit=0, style={"flex": 1}),
                    dmc.Button("Find", id=f"{p}-find", variant="default"),
                ], align="flex-end", gap="xs"),
                # Said for a tenant outside the entry's address and domain (filled by callbacks/map_panel.py).
                dmc.Alert(id=f"{p}-consent", color="blue", variant="light", display="none"),
                dmc.Group(
                    [dmc.Button("Cancel", id=f"{p}-cancel", variant="default"),
                     dmc.Button("Save", id=f"{p}-save")],
                    justify="flex-end", mt="md", className="panel-footer",
                ),
                dcc.Store(id=f"{p}-tenants"),
                dcc.Store(id=f"{p}-entry"),
            ],
            gap="md",
        ),
    )
