"""The toolbar above every grid: search on the left; actions, Filter and Manage columns on
the right; the active filter conditions as removable chips underneath.

Ids are namespaced by a prefix ("dir", "pools", ...) so one page can hold several grids.
"""
from __future__ import annotations

import dash_mantine_components as dmc
from dash import html


def search_box(prefix: str, placeholder: str, disabled: bool = False, value: str = ""):
    return dmc.TextInput(
        id=f"{prefix}-search",
        value=value,
        placeholder=placeholder,
        disabled=disabled,
        leftSection=html.Span("⌕", className="search-glyph"),
        w=320,
        n_submit=0,
        # True: the text goes to the server with the Enter that submits it. With False it follows
        # in a later update, so a quick Enter searched the previous text.
        debounce=True,
        **{"aria-label": placeholder},
    )


def _filter_field(prefix: str, key: str, label: str, options: list, chosen: list):
    """A few options: checkboxes. Many (customers, pools): a searchable multi-select."""
    field_id = {"type": f"{prefix}-filter-field", "key": key}
    if len(options) > 8:
        # The list opens on typing, a click or ArrowDown, not on the focus alone (the panel opens
        # on its first field: one Escape closes it). Its scroll box is out of the Tab order:
        # Chromium stopped Tab on it, the list closed under it and the keyboard fell out of the panel.
        return dmc.MultiSelect(id=field_id, label=label, data=options, value=chosen, searchable=True,
                               clearable=True, maxDropdownHeight=220, comboboxProps={"withinPortal": False},
                               openOnFocus=False, scrollAreaProps={"viewportProps": {"tabIndex": -1}})
    if not options:
        return dmc.Stack([dmc.Text(label, size="sm", fw=500),
                          dmc.Text("No options", size="sm", c="dimmed"),
                          dmc.CheckboxGroup(id=field_id, value=[], children=[], display="none")], gap=2)
    return dmc.CheckboxGroup(
        id=field_id,
        label=label,
        value=chosen,
        children=dmc.Stack(
            [dmc.Checkbox(label=option_label(o), value=option_value(o)) for o in options], gap=6, mt=6
        ),
    )


def option_value(option) -> str:
    return option["value"] if isinstance(option, dict) else option


def option_label(option) -> str:
    return option["label"] if isinstance(option, dict) else option


def filter_popover(prefix: str, fields: list[tuple[str, str, list]], chosen: dict | None = None):
    """fields: (key, label, options), options as strings or {value, label} dicts; chosen: the
    values already applied, by key."""
    chosen = chosen or {}
    return dmc.Popover(
        [
            dmc.PopoverTarget(dmc.Button("Filter", id=f"{prefix}-filter-open", variant="default")),
            dmc.PopoverDropdown(
                dmc.Stack(
                    [_filter_field(prefix, key, label, options, chosen.get(key, [])) for key, label, options in fields]
                    + [dmc.Button("Filter", id=f"{prefix}-filter-apply", fullWidth=True)],
                    gap="sm",
                    w=260,
                ),
                # assets/filter_escape.js: Escape closes an open list first, then the panel.
                className="filter-panel",
                **{"data-opener": f"{prefix}-filter-open"},
            ),
        ],
        id=f"{prefix}-filter-popover",
        closeOnEscape=False,
        keepMounted=True,  # the chosen values stay as they are between openings
        position="bottom-end",
        shadow="md",
        # The keyboard goes to its first field and Tab stays among its fields (the dropdown is at
        # the end of the page: without the trap Tab went through the grid and the pager first).
        trapFocus=True,
        withArrow=True,
    )


def columns_popover(prefix: str, columns: list[tuple[str, str]], visible: list[str], kept: tuple[str, ...] = ()):
    return dmc.Popover(
        [
            dmc.PopoverTarget(dmc.Button("Manage columns", id=f"{prefix}-columns-open", variant="default")),
            dmc.PopoverDropdown(
                dmc.CheckboxGroup(
                    id=f"{prefix}-columns",
                    label="Columns to display",
                    value=visible,
                    children=dmc.Stack([
                        dmc.Checkbox(label=label, value=field, disabled=field in kept,
                                     description="Always shown: it opens the dashboard" if field in kept else None)
                        for field, label in columns], gap=6, mt="xs"),
                ),
                className="columns-panel",
                **{"data-opener": f"{prefix}-columns-open"},
            ),
        ],
        position="bottom-end",
        shadow="md",
        # As Filter: opens on its first box, Tab stays among the boxes, Escape goes back to the button.
        trapFocus=True,
        withArrow=True,
    )


def filter_chips(prefix: str, conditions: list[tuple[str, str, str, str]]):
    """conditions: (key, label, value, shown value) -> one chip each with a remove (x) button."""
    return [
        dmc.Badge(
            [f"{label}: {shown}"],
            variant="light",
            size="lg",
            radius="sm",
            className="filter-chip",
            rightSection=dmc.ActionIcon(
                "×",
                id={"type": f"{prefix}-chip-remove", "key": key, "value": value},
                variant="transparent",
                size="xs",
                **{"aria-label": f"Remove filter {label}: {shown}"},
            ),
        )
        for key, label, value, shown in conditions
    ]


def toolbar(prefix: str, search_placeholder: str, actions: list, filters, columns, search_disabled=False,
            search: str = "", chips: list | None = None):
    return dmc.Stack(
        [
            dmc.Group(
                [
                    search_box(prefix, search_placeholder, search_disabled, search),
                    dmc.Group([*actions, filters, columns], gap="xs"),
                ],
                justify="space-between",
            ),
            dmc.Group(chips or [], id=f"{prefix}-chips", gap="xs", className="chip-row"),
        ],
        gap="xs",
    )
