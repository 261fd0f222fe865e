"""The toolbar above every grid: search on the left; actions, Filter and Manage columns on
the right; the active filter conditions as removable chips underneath.

Ids are namespaced by a prefix ("dir", "pools", ...) so one page can hold several grids.
"""
from __future__ import annotations

import dash_mantine_components as dmc
from dash import html


def search_box(prefix: str, placeholder: str):
    return dmc.TextInput(
        id=f"{prefix}-search",
        placeholder=placeholder,
        leftSection=html.Span("⌕", className="search-glyph"),
        w=320,
        n_submit=0,
        debounce=False,
        **{"aria-label": placeholder},
    )


def filter_popover(prefix: str, fields: list[tuple[str, str, list[str]]]):
    """fields: (key, label, options). Each becomes a group of checkboxes inside the Filter popover."""
    return dmc.Popover(
        [
            dmc.PopoverTarget(dmc.Button("Filter", id=f"{prefix}-filter-open", variant="default")),
            dmc.PopoverDropdown(
                dmc.Stack(
                    [
                        dmc.CheckboxGroup(
                            id={"type": f"{prefix}-filter-field", "key": key},
                            label=label,
                            value=[],
                            children=dmc.Stack(
                                [dmc.Checkbox(label=option, value=option) for option in options], gap=6, mt=6
                            ),
                        )
                        for key, label, options in fields
                    ]
                    + [dmc.Button("Filter", id=f"{prefix}-filter-apply", fullWidth=True)],
                    gap="sm",
                    w=220,
                )
            ),
        ],
        id=f"{prefix}-filter-popover",
        position="bottom-end",
        shadow="md",
        trapFocus=False,
        withArrow=True,
    )


def columns_popover(prefix: str, columns: list[tuple[str, str]], visible: list[str]):
    return dmc.Popover(
        [
            dmc.PopoverTarget(dmc.Button("Manage columns", id=f"{prefix}-columns-open", variant="default")),
            dmc.PopoverDropdown(
                dmc.CheckboxGroup(
                    id=f"{prefix}-columns",
                    label="Columns to display",
                    value=visible,
                    children=dmc.Stack([dmc.Checkbox(label=label, value=field) for field, label in columns], gap=6, mt="xs"),
                )
            ),
        ],
        position="bottom-end",
        shadow="md",
        withArrow=True,
    )


def filter_chips(prefix: str, conditions: list[tuple[str, str, str]]):
    """conditions: (key, label, value) -> one chip each with a remove (x) button."""
    return [
        dmc.Badge(
            [f"{label}: {value}"],
            variant="light",
            size="lg",
            radius="sm",
            className="filter-chip",
            rightSection=dmc.ActionIcon(
                "×",
                id={"type": f"{prefix}-chip-remove", "key": key, "value": value},
                variant="transparent",
                size="xs",
                **{"aria-label": f"Remove filter {label}: {value}"},
            ),
        )
        for key, label, value in conditions
    ]


def toolbar(prefix: str, search_placeholder: str, actions: list, filters, columns):
    return dmc.Stack(
        [
            dmc.Group(
                [
                    search_box(prefix, search_placeholder),
                    dmc.Group(actions + [filters, columns], gap="xs"),
                ],
                justify="space-between",
            ),
            dmc.Group(id=f"{prefix}-chips", gap="xs", className="chip-row"),
        ],
        gap="xs",
    )
