"""An AG Grid whose rows are paged, sorted and filtered on the server (infinite row model)."""
from __future__ import annotations

import dash_ag_grid as dag

PAGE_SIZE = 50


def server_grid(grid_id: str, column_defs: list[dict], read_only: bool = False, height: str = "560px",
                selectable: bool = True, row_height: int = 42, header_height: int = 50):
    return dag.AgGrid(
        id=grid_id,
        columnDefs=column_defs,
        rowModelType="infinite",
        getRowId="'' + params.data.id",  # AG Grid wants string ids (a number draws a warning)
        defaultColDef={"sortable": False, "resizable": True, "filter": False, "minWidth": 80,
                       # Titles wrap inside a fixed header height: measuring each header
                       # (autoHeaderHeight) cost a forced layout per column on every render.
                       "wrapHeaderText": True,
                       # Enter (or Space on a switch) in a cell acts on its link or switch.
                       "suppressKeyboardEvent": {"function": "activateCellControl(params)"}},
        dashGridOptions={
            "rowHeight": row_height,
            "headerHeight": header_height,
            "pagination": True,
            "paginationPageSize": PAGE_SIZE,
            "paginationPageSizeSelector": False,
            "cacheBlockSize": PAGE_SIZE,
            "maxBlocksInCache": 20,
            **({"rowSelection": {"mode": "multiRow", "headerCheckbox": False, "enableClickSelection": False}}
               if selectable else {}),
            # Cells take focus: arrow keys move, Space selects the row, Enter opens a link; Tab
            # leaves the grid for the next control instead of walking through every cell (Tab from the
            # header row: assets/grid_header_tab.js).
            "tabToNextCell": {"function": "leaveGridOnTab(params)"},
            "tabToNextHeader": {"function": "false"},  # Shift+Tab from the header row leaves the grid
            "suppressNoRowsOverlay": True,  # the section shows its own empty state
            "tooltipShowDelay": 300,
            "context": {"readOnly": read_only},
        },
        style={"height": height, "width": "100%"},
    )


def with_visibility(column_defs: list[dict], visible: list[str]) -> list[dict]:
    """Column definitions with `hide` set from the user's chosen columns."""
    return [{**col, "hide": col["field"] not in visible} for col in column_defs]
