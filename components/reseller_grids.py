"""The dashboard's Pools and Customers grids."""
import dash_mantine_components as dmc
from dash import html

from components.grid_section import GridSpec

POOLS = GridSpec(
    prefix="pools",
    name="pools",
    columns=[
        {"field": "name", "headerName": "Pool name", "sortable": True, "tooltipField": "name", "minWidth": 170,
         "flex": 1.6, "cellClass": "wrap-2"},
        {"field": "service", "headerName": "Service", "sortable": True, "tooltipField": "service", "minWidth": 150,
         "flex": 1, "cellClass": "wrap-2"},
        {"field": "source", "headerName": "Source", "sortable": True, "width": 96, "cellClass": "wrap-2"},
        {"field": "payment_type", "headerName": "Payment type", "sortable": True, "width": 120, "cellClass": "wrap-2"},
        {"field": "quantity", "headerName": "Quantity", "sortable": True, "width": 116, "cellClass": "wrap-2 units",
         "cellRenderer": "Quantities"},
        {"field": "allocated", "headerName": "Allocated", "sortable": True, "width": 106, "cellClass": "wrap-2 units",
         "cellRenderer": "Quantities"},
        {"field": "status", "headerName": "Status", "cellRenderer": "StatusBadge", "sortable": True, "width": 150},
        {"field": "expires_at", "headerName": "Expiration", "sortable": True, "width": 104},
    ],
    default_visible=["name", "service", "source", "payment_type", "quantity", "allocated", "status", "expires_at"],
    search_placeholder="Search by pool name",
    export_kinds={"quantity": "quantities", "allocated": "quantities", "expires_at": "date"},
    row_px=56,
    noun=("pool", "pools"),
    empty_none="This reseller has no pooled subscriptions yet. Add pool gives it seats once it is Mapped.",
    empty_match="No pooled subscriptions match. Change the search or remove a filter.",
    height="380px",
)
POOL_FILTER_NAMES = {"source": "Source", "payment_type": "Payment type", "status": "Status"}

CUSTOMERS = GridSpec(
    prefix="customers",
    name="customers",
    columns=[
        {"field": "organization_name", "headerName": "Organization name", "sortable": True, "minWidth": 220, "flex": 2,
         "cellClass": "wrap-2"},
        {"field": "pool", "headerName": "Pool", "sortable": True, "tooltipField": "pool", "minWidth": 200, "flex": 2,
         "cellClass": "wrap-2"},
        {"field": "quantity", "headerName": "Quantity", "sortable": True, "width": 140, "cellClass": "wrap-2 units",
         "cellRenderer": "Quantities"},
        {"field": "assigned_at", "headerName": "Assigned", "sortable": True},
        {"field": "expires_at", "headerName": "Expiration", "sortable": True},
    ],
    default_visible=["organization_name", "pool", "quantity", "assigned_at", "expires_at"],
    search_placeholder="Search by organization name",
    export_kinds={"quantity": "quantities", "assigned_at": "date", "expires_at": "date"},
    row_px=52,
    noun=("customer", "customers"),
    empty_none="This reseller has not assigned seats to any customer yet.",
    empty_match="No customers match. Change the search or remove a filter.",
    height="420px",
    selectable=False,
)
CUSTOMER_FILTER_NAMES = {"customer": "Customer", "pool": "Pool"}


def pool_actions(can_act: bool, mapped: bool):
    """Add pool (for a mapped reseller), Edit (one selected pool) and Return to pool (pending rows)."""
    if not can_act:
        why_not_add = "Your role can view but not change pools."
    elif not mapped:
        why_not_add = "Only mapped resellers can receive pools."
    else:
        why_not_add = ""
    add = dmc.Button("Add pool", id="pools-add-open", variant="default", disabled=bool(why_not_add))
    return [
        dmc.Tooltip(html.Span(add, className="tooltip-target"), label=why_not_add or "Add pool",
                    disabled=not why_not_add),
        dmc.Button("Edit", id="pools-edit-open", variant="default", disabled=True),
        dmc.Tooltip(html.Span(dmc.Button("Return to pool", id="pools-return", variant="default", disabled=True),
                              className="tooltip-target"),
                    id="pools-return-why", label=return_hint(can_act, [], False) or RETURN_HINT, multiline=True, w=260),
    ]


RETURN_HINT = "Select pools in Pending acceptance to return them to your subscriptions."


def return_hint(can_act: bool, rows: list[dict], returnable: bool) -> str:
    """Why Return to pool is disabled, or "" when it is not."""
    if not can_act:
        return "Your role can view but not change pools."
    if not rows:
        return RETURN_HINT
    if not returnable:
        return "Only pools in Pending acceptance can be returned: the reseller has accepted, or it expired."
    return ""
