"""The Activity page's grid."""
from __future__ import annotations

from components.grid_section import GridSpec

ACTIVITY = GridSpec(
    prefix="act",
    name="activity",
    columns=[
        {"field": "at", "headerName": "When (UTC)", "sortable": True, "width": 136},
        {"field": "user", "headerName": "Who", "sortable": True, "minWidth": 170, "flex": 1,
         "cellClass": "wrap-2 break-anywhere", "tooltipField": "user"},
        {"field": "action", "headerName": "Action", "sortable": True, "width": 124, "cellClass": "wrap-2"},
        {"field": "reseller", "headerName": "Reseller", "sortable": True, "cellRenderer": "ResellerLink",
         "cellRendererParams": {"idField": "reseller_id"}, "minWidth": 150, "flex": 1, "cellClass": "wrap-2"},
        {"field": "target", "headerName": "Target", "minWidth": 180, "flex": 1, "cellClass": "wrap-2",
         "tooltipField": "target"},
        {"field": "change", "headerName": "What changed", "minWidth": 240, "flex": 2, "cellClass": "wrap-2",
         "tooltipField": "change"},
    ],
    default_visible=["at", "user", "action", "reseller", "target", "change"],
    search_placeholder="Search by reseller",
    export_kinds={},
    row_px=62,
    noun=("action", "actions"),
    empty_none="No one in your organization has acted in the console yet. Actions appear here as they happen.",
    empty_match="No actions match. Change the search, the dates or remove a filter.",
    height="640px",
    selectable=False,
)
FILTER_NAMES = {"user": "User", "action": "Action", "reseller": "Reseller", "from": "From", "to": "To"}
