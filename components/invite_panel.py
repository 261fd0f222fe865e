"""Invite new reseller: the button in the directory's upper right and the Single invite panel
(callbacks/invite.py)."""
from __future__ import annotations

import dash_mantine_components as dmc
from dash import dcc

from components.panels import side_panel
from services.invitations.invite_results import FoundTenant


def invite_button(read_only: bool):
    return dmc.Menu([
        dmc.MenuTarget(dmc.Button("Invite new reseller", id="invite-open", disabled=read_only)),
        dmc.MenuDropdown([
            dmc.MenuItem("Single invite", id="invite-single"),
            dmc.MenuItem("Batch invite", id="invite-batch"),
        ]),
    ], position="bottom-end", withArrow=True)


def single_invite_panel(prefix: str):
    """Every id starts with prefix (the page's choice)."""
    p = prefix
    return side_panel(f"{p}-drawer", "Single invite", size=560, children=dmc.Stack([
        dmc.Text("Enter the email address and, optionally, the organization name of the reseller you want to "
                 "invite, then click Search. Registered resellers are found by their tenant owner's email "
                 "first, then by the email's domain and the organization name.", size="sm", c="dimmed"),
        # debounce: the address goes to the server with the Enter that searches (as the grids'
        # search boxes do); without it a quick Enter searched what was there before.
        dmc.TextInput(id=f"{p}-email", label="Email address", required=True, inputProps={"type": "email"},
                      placeholder="owner@reseller.example", autoComplete="off", debounce=True,
                      **{"data-autofocus": True}),  # the panel opens on it (Mantine's default: Close)
        dmc.TextInput(id=f"{p}-org", label="Organization name", placeholder="Optional",
                      inputProps={"maxLength": 200}),
        dmc.Group([dmc.Button("Search", id=f"{p}-search")], justify="flex-end"),
        dmc.Divider(),
        dmc.Text(id=f"{p}-summary", size="sm"),
        dmc.RadioGroup(dmc.Stack(id=f"{p}-options", gap="xs"), id=f"{p}-choice", value=None),
        dmc.Group([
            dmc.Button("Cancel", id=f"{p}-cancel", variant="default"),
            dmc.Button("Invite", id=f"{p}-invite", display="none", disabled=True),
            dmc.Button("Send email", id=f"{p}-send", display="none"),
        ], justify="flex-end", mt="md", className="panel-footer"),
        dcc.Store(id=f"{p}-searched"),
    ], gap="sm"))


def found_options(found: list[FoundTenant]):
    """One card per registered reseller found; those already in the directory cannot be chosen."""
    cards = []
    for tenant in found:
        cards.append(dmc.RadioCard(
            dmc.Group([
                dmc.RadioIndicator(disabled=tenant.in_directory),
                dmc.Stack([dmc.Text(tenant.organization_name, fw=600, size="sm"),
                           dmc.Text(f"Tenant owner: {tenant.owner_email}", size="xs", c="dimmed")], gap=0),
                dmc.Badge("In your directory", variant="light", color="gray") if tenant.in_directory else None,
            ], wrap="nowrap", align="center", gap="sm"),
            value=str(tenant.tenant_id), disabled=tenant.in_directory, withBorder=True, radius="md", p="sm",
        ))
    return cards
