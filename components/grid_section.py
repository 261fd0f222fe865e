"""A server-paged grid with everything around it: toolbar, chips, empty state, Export window
and the stores its callbacks (callbacks/grid_controls.py) work on. Ids start with spec.prefix."""
from __future__ import annotations

from dataclasses import dataclass, field

import dash_mantine_components as dmc
from dash import dcc, html

from components.grid_toolbar import columns_popover, filter_chips, filter_popover, option_label, option_value, toolbar
from components.grid_url import GridView, view_from_url
from components.panels import modal
from components.server_grid import server_grid, with_visibility


@dataclass(frozen=True)
class GridSpec:
    prefix: str
    name: str  # preference key and default export file name
    columns: list[dict]
    default_visible: list[str]
    search_placeholder: str
    noun: tuple[str, str]  # singular, plural, for the row count
    empty_none: str  # the grid has no rows at all
    empty_match: str  # rows exist, but none match the search and filters
    height: str = "560px"  # the most the grid grows to; it shrinks to fewer rows
    header_px: int = 50  # the header's height (two lines of wrapped titles: about 60)
    row_px: int = 42  # every row is this tall (the infinite row model needs one height); cells
    # with cellClass "wrap-2" wrap to two lines in it, so no key value is cut off
    selectable: bool = True  # rows can be checked for the toolbar's actions
    # Always shown, never offered in Manage columns: the grid's only link to a dashboard.
    kept: tuple[str, ...] = ()
    # How XLSX exports type a column: "quantities" (numbers, a column per unit) or "date".
    export_kinds: dict = field(default_factory=dict)
    fields: list[str] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "fields", [c["field"] for c in self.columns])

    @property
    def sortable(self) -> set[str]:
        return {c["field"] for c in self.columns if c.get("sortable")}

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(field, title) for Manage columns and exports: titles without the grid's break hints."""
        return [(c["field"], c["headerName"].replace("\u200b", "")) for c in self.columns]

    def count_label(self, total: int, detail: str = "", of: int | None = None) -> str:
        """"60 resellers"; narrowed by a search or filter, "15 of 60 resellers"."""
        if of is not None and of != total:
            label = f"{total:,} of {of:,} {self.noun[0] if of == 1 else self.noun[1]}"
        else:
            label = f"{total:,} {self.noun[0] if total == 1 else self.noun[1]}"
        return f"{label} · {detail}" if detail else label


def empty_state(spec: GridSpec, filtered: bool) -> list:
    return [dmc.Text("Nothing matches" if filtered else "Nothing here yet", fw=600),
            dmc.Text(spec.empty_match if filtered else spec.empty_none, size="sm", c="dimmed")]


PAGER_PX, EMPTY_PX = 44, 170


def grid_height(spec: GridSpec, rows_per_page: int) -> str:
    """Tall enough for a page of rows and no taller than spec.height (the grid scrolls)."""
    wanted = spec.header_px + (rows_per_page * spec.row_px if rows_per_page else EMPTY_PX) + PAGER_PX
    return f"{min(wanted, int(spec.height.removesuffix('px')))}px"


def export_modal(spec: GridSpec, name: str | None = None):
    p = spec.prefix
    return modal(
        f"{p}-export-modal", "Export",
        children=dmc.Stack([
            dmc.Text("Exports the rows that the current search and filters select, with the visible columns.",
                     size="sm", c="dimmed"),
            # Mantine's dialog focuses the element marked data-autofocus (else its close button).
            dmc.TextInput(id=f"{p}-export-name", label="File name", value=name or spec.name,
                          **{"data-autofocus": True}),
            dmc.SegmentedControl(id=f"{p}-export-format", value="csv",
                                 data=[{"value": "csv", "label": "CSV"}, {"value": "xlsx", "label": "XLSX"}]),
            dmc.Group([dmc.Button("Cancel", id=f"{p}-export-cancel", variant="default"),
                       dmc.Button("Download", id=f"{p}-export-download")], justify="flex-end"),
        ]),
    )


def grid_section(spec: GridSpec, visible: list[str], read_only: bool, actions: list,
                 filter_fields: list, context=None, search_disabled: bool = False, notice=None,
                 url_params: dict | None = None, kept_filters: list = (), export_name: str | None = None):
    """filter_fields: (key, label, options) with options as strings or {value, label} dicts.
    url_params: the page's query string, which may hold this grid's view (components/grid_url.py).
    kept_filters: (key, label or None, options) set by the page's own controls (the Renewals
    window and week), not by Filter: kept in the query and the URL; a label shows a chip."""
    p = spec.prefix
    every = list(filter_fields) + list(kept_filters)
    labels = {key: {option_value(o): option_label(o) for o in options} for key, _, options in every}
    view = view_from_url(p, url_params, {key: list(values) for key, values in labels.items()}, spec.sortable)
    if search_disabled:
        view = GridView(filters=view.filters, sort=view.sort, page=view.page)
    names = {key: label for key, label, _ in every if label}
    chips = filter_chips(p, [(key, names[key], value, labels[key].get(value, value))
                             for key, values in view.filters.items() if key in names for value in values])
    return dmc.Stack(
        [
            notice,
            toolbar(
                p,
                spec.search_placeholder,
                [*actions, dmc.Button("Export", id=f"{p}-export-open", variant="default")],
                filter_popover(p, filter_fields, view.filters),
                columns_popover(p, spec.choices, visible, spec.kept),
                search_disabled=search_disabled,
                search=view.search,
                chips=chips,
            ),
            dmc.Paper(
                [
                    server_grid(f"{p}-grid", view.sorted_columns(with_visibility(spec.columns, visible)),
                                read_only=read_only,
                                height=spec.height, selectable=spec.selectable and not read_only,
                                row_height=spec.row_px, header_height=spec.header_px),
                    html.Div(id=f"{p}-empty", className="grid-empty"),
                ],
                withBorder=True, radius="md", className="grid-paper", id=f"{p}-paper",
            ),
            dcc.Store(id=f"{p}-query", data=view.query),
            dcc.Store(id=f"{p}-refresh", data=0),
            dcc.Store(id=f"{p}-context", data=context),
            dcc.Store(id=f"{p}-filter-labels", data=labels),
            export_modal(spec, export_name),
            dcc.Download(id=f"{p}-download"),
        ],
        gap="xs",
    )

