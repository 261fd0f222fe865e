"""The Reseller directory's columns and the panels its toolbar opens."""
from __future__ import annotations

import dash_mantine_components as dmc

from components.grid_section import GridSpec
from components.panels import modal

COLUMNS = [
    {"field": "organization_name", "headerName": "Organization name", "cellRenderer": "ResellerLink",
     "sortable": True, "minWidth": 124, "flex": 1.2, "cellClass": "wrap-2"},
    {"field": "email", "headerName": "Tenant owner", "sortable": True, "tooltipField": "email", "minWidth": 150,
     "flex": 1.6, "cellClass": "wrap-2 break-anywhere"},
    {"field": "status", "headerName": "Status", "cellRenderer": "StatusBadge", "sortable": True, "width": 106},
    {"field": "pools", "headerName": "Pools", "sortable": True, "width": 76},  # room for the sort arrow
    {"field": "customers", "headerName": "Customers", "sortable": True, "width": 106},
    # A break allowed after the slash: the title wraps there, not inside a word.
    {"field": "total_quantity", "headerName": "Total user seats/\u200bobjects", "tooltipField": "total_quantity",
     "sortable": True, "minWidth": 116, "flex": 1, "cellClass": "wrap-2 units", "cellRenderer": "Quantities",
     "headerTooltip": "Sorts by the sum over units"},
    {"field": "allocated_quantity", "headerName": "Allocated", "tooltipField": "allocated_quantity", "sortable": True,
     "minWidth": 106, "flex": 1, "cellClass": "wrap-2 units", "cellRenderer": "Quantities",
     "headerTooltip": "Sorts by the sum over units"},
    {"field": "utilisation", "headerName": "Utilisation %", "sortable": True, "minWidth": 116, "flex": 1,
     "cellClass": "wrap-2 units", "cellRenderer": "Quantities", "tooltipField": "utilisation",
     "headerTooltip": "Assigned to customers as a share of what you gave, each unit apart; sorts by the highest"},
    {"field": "customer_visibility", "headerName": "View reseller's customers",
     "cellRenderer": "VisibilityToggle", "width": 104,
     "headerTooltip": "Whether the reseller lets you see its customers' names"},
    {"field": "invited_at", "headerName": "Invited on", "sortable": True, "width": 120},
    {"field": "mapped_at", "headerName": "Mapped on", "sortable": True, "width": 120},
]
SPEC = GridSpec(
    prefix="dir",
    name="directory",
    columns=COLUMNS,
    default_visible=[c["field"] for c in COLUMNS if c["field"] not in ("invited_at", "mapped_at")],
    search_placeholder="Search by tenant owner or organization",
    kept=("organization_name",),
    header_px=60,
    export_kinds={"total_quantity": "quantities", "allocated_quantity": "quantities", "invited_at": "date",
                  "mapped_at": "date"},
    row_px=50,
    noun=("reseller", "resellers"),
    empty_none="No resellers in your directory yet. Invite new reseller adds the first.",
    empty_match="No resellers match. Change the search or remove a filter.",
)
STATUSES = ["Invited", "Unmapped", "Mapped"]
FILTERS = [("status", "Status", STATUSES)]
FILTER_NAMES = {"status": "Status"}
ADD_POOL_HINT = "Select one mapped reseller to add a pool to."
MAPPED_ONLY_HINT = "Only mapped resellers can receive pools."
READ_ONLY_HINT = "Your role can view but not change pools."


def map_hint(read_only: bool, rows: list[dict]) -> str:
    """Why Map is disabled for this selection ("" when it is not)."""
    if read_only:
        return "Your role can view but not map resellers."
    if len(rows) != 1:
        return "Select one Unmapped reseller to map it to its registered tenant."
    name, status = rows[0].get("organization_name") or "This reseller", rows[0].get("status")
    if status == "Mapped":
        return f"{name} is already Mapped to its tenant."
    if status == "Invited":
        return f"{name} is Invited: it can be mapped once it has signed up (Unmapped)."
    return "" if status == "Unmapped" else "Only Unmapped resellers can be mapped."


def visibility_modal():
    return modal(
        "dir-visibility-modal", "Turn off customer visibility?",
        children=dmc.Stack(
            [
                dmc.Text(id="dir-visibility-text", size="sm"),
                dmc.Group(
                    [dmc.Button("Cancel", id="dir-visibility-cancel", variant="default"),
                     dmc.Button("Turn off", id="dir-visibility-confirm", color="red")],
                    justify="flex-end",
                ),
            ]
        ),
    )
