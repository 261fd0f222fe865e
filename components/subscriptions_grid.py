"""The Subscriptions page's grid and its Set threshold window."""
from __future__ import annotations

import dash_mantine_components as dmc
from dash import dcc, html

from components.grid_section import GridSpec
from components.panels import modal

SUBSCRIPTIONS = GridSpec(
    prefix="subs",
    name="subscriptions",
    columns=[
        {"field": "service", "headerName": "Service", "sortable": True, "minWidth": 160, "flex": 1.2,
         "cellClass": "wrap-2"},
        {"field": "name", "headerName": "Subscription", "sortable": True, "minWidth": 160, "flex": 1.5,
         "cellClass": "wrap-2"},
        {"field": "purchased", "headerName": "Purchased", "sortable": True, "width": 110, "cellClass": "wrap-2 units"},
        {"field": "given", "headerName": "Given to resellers", "sortable": True, "width": 104,
         "cellClass": "wrap-2 units", "headerTooltip": "In pools your resellers have accepted."},
        {"field": "pending", "headerName": "Pending", "sortable": True, "width": 106, "cellClass": "wrap-2 units",
         "headerTooltip": "In pools waiting for your resellers' acceptance."},
        {"field": "free", "headerName": "Free", "sortable": True, "width": 106, "cellClass": "wrap-2 units"},
        # Not "Utilisation %": that name means assigned to customers ÷ given to resellers everywhere.
        {"field": "given_pct", "headerName": "Given out %", "sortable": True, "width": 96,
         "type": "numericColumn", "headerTooltip": "Given to resellers and pending, as a share of what was purchased."},
        {"field": "expires_at", "headerName": "Expiration", "sortable": True, "width": 104},
        {"field": "threshold", "headerName": "Low below", "width": 104, "cellClass": "wrap-2 units",
         "headerTooltip": "Alert when the free quantity falls below this (set by an admin)."},
        {"field": "status", "headerName": "Availability", "sortable": True, "width": 108,
         "cellRenderer": "StatusBadge"},
    ],
    default_visible=["name", "purchased", "given", "pending", "free", "given_pct", "expires_at",
                     "threshold", "status"],
    search_placeholder="Search by subscription or service",
    export_kinds={"purchased": "quantities", "given": "quantities", "pending": "quantities", "free": "quantities",
                  "given_pct": "number", "expires_at": "date"},
    row_px=62,
    noun=("subscription", "subscriptions"),
    empty_none="Your organization has no pooled subscriptions yet.",
    empty_match="No subscriptions match. Change the search or remove a filter.",
    height="620px",
)
FILTER_NAMES = {"status": "Availability"}


def threshold_action(is_admin: bool):
    why = "" if is_admin else "Only admins set thresholds."
    return [dmc.Tooltip(html.Span(dmc.Button("Set threshold", id="subs-threshold-open", variant="default",
                                             disabled=True), className="tooltip-target"),
                        id="subs-threshold-why", label=why or "Select one subscription.", multiline=True, w=240)]


def threshold_modal():
    return modal("subs-threshold-modal", "Set threshold", children=dmc.Stack([
        dmc.Text(id="subs-threshold-subject", size="sm", fw=500),
        dmc.Text("You get an email when the free quantity falls below the threshold (admins, and users who "
                 "chose alert emails on the Renewals page).", size="sm", c="dimmed"),
        dmc.SegmentedControl(id="subs-threshold-kind", value="none", data=[
            {"value": "none", "label": "None"}, {"value": "count", "label": "A quantity"},
            {"value": "percent", "label": "A percentage"}]),
        # A text box: a number box rewrote what was typed (1.5 became 15, 150 % became 15 %) and saved
        # it; the server reads the text as typed and refuses what is not a threshold, next to the field.
        dmc.TextInput(id="subs-threshold-value", label="Alert below", disabled=True,
                      inputProps={"inputMode": "numeric"}, autoComplete="off"),
        dmc.Group([dmc.Button("Cancel", id="subs-threshold-cancel", variant="default"),
                   dmc.Button("Save", id="subs-threshold-save")], justify="flex-end"),
        dcc.Store(id="subs-threshold-target"),
    ]))
