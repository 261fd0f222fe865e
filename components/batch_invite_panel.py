"""The Batch invite panel: template, upload, the option for unregistered accounts, a preview of
every row, Invite with progress and Cancel, the outcome of every row (callbacks/batch_invite.py)."""
from __future__ import annotations

import dash_ag_grid as dag
import dash_mantine_components as dmc
from dash import dcc

from components.panels import side_panel
from services.invitations.batch_file import LIMITS

# Long names, addresses and details wrap instead of being cut off.
WRAPPED = {"wrapText": True, "autoHeight": True,
           "cellStyle": {"lineHeight": "1.4", "paddingTop": "8px", "paddingBottom": "8px", "overflowWrap": "anywhere"}}
COLUMNS = [
    {"field": "row", "headerName": "Row", "width": 80},
    {"field": "organization_name", "headerName": "Organization name", "flex": 1, "minWidth": 180,
     "tooltipField": "organization_name", **WRAPPED},
    {"field": "email", "headerName": "Email address", "flex": 1, "minWidth": 200, "tooltipField": "email", **WRAPPED},
    {"field": "verdict", "headerName": "Check", "width": 200},
    {"field": "detail", "headerName": "Detail", "flex": 1, "minWidth": 260, "tooltipField": "detail", **WRAPPED},
]


def batch_invite_panel():
    return side_panel("batch-drawer", "Batch invite", size=1000, keep_on_outside_click=True, children=dmc.Stack([
        dmc.List([
            dmc.ListItem("Download the template and fill in one reseller a row: organization name and email "
                         "address."),
            dmc.ListItem(f"Upload the file ({LIMITS}). Every row is checked before anything is sent."),
            dmc.ListItem("Choose whether accounts not registered in Elements get an email to sign up, then "
                         "click Invite."),
        ], size="sm", type="ordered", spacing=4),
        dmc.Group([
            dmc.Button("Download template (XLSX)", id="batch-template-xlsx", variant="default",
                       **{"data-autofocus": True}),
            dmc.Button("Download template (CSV)", id="batch-template-csv", variant="default"),
            dcc.Upload(dmc.Button("Upload", id="batch-upload-button"), id="batch-upload", multiple=False,
                       accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            dmc.Text(id="batch-file-name", size="sm", c="dimmed"),
        ], gap="sm"),
        dmc.Checkbox(id="batch-email-unregistered", checked=False,
                     label="Send an invitation email to accounts not registered in Elements"),
        dmc.Alert(id="batch-error", color="red", variant="light", display="none"),
        dmc.Text(id="batch-summary", size="sm", fw=500),
        dag.AgGrid(id="batch-grid", columnDefs=COLUMNS, rowData=[],
                   defaultColDef={"resizable": True, "sortable": True},
                   dashGridOptions={"pagination": True, "paginationPageSize": 50,
                                    "paginationPageSizeSelector": False, "tooltipShowDelay": 300,
                                    "localeText": {"noRowsToShow": "Upload a file to see its rows here"}},
                   style={"height": "360px", "width": "100%"}),
        dmc.Progress(id="batch-progress", value=0, size="lg", display="none"),
        dmc.Group([
            dmc.Button("Close", id="batch-close", variant="default"),
            dmc.Button("Download outcome (CSV)", id="batch-outcome", variant="default", display="none"),
            dmc.Button("Cancel", id="batch-stop", color="red", variant="outline", display="none"),
            dmc.Button("Invite", id="batch-invite", disabled=True),
        ], justify="flex-end", className="panel-footer"),
        dcc.Store(id="batch-rows"),
        dcc.Store(id="batch-ticket"),
        dcc.Store(id="batch-settled"),
        dcc.Store(id="batch-outcome-rows"),
        dcc.Download(id="batch-download"),
    ], gap="sm"))
