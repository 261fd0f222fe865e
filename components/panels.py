"""The frames of the action panels: a side panel (Drawer) for forms, a centred modal for
confirmations. One place for what every one of them needs: a named close button."""
from __future__ import annotations

import dash_mantine_components as dmc


def side_panel(panel_id: str, title: str, children, size=560, keep_on_outside_click: bool = False):
    """keep_on_outside_click: for forms that take a while to fill in, a stray click outside
    must not throw away what was entered."""
    return dmc.Drawer(
        id=panel_id,
        title=dmc.Title(title, order=3),
        position="right",
        size=size,
        padding="lg",
        closeButtonProps={"aria-label": "Close"},
        closeOnClickOutside=not keep_on_outside_click,
        children=children,
    )


def modal(modal_id: str, title: str, children, size="md"):
    return dmc.Modal(id=modal_id, title=title, centered=True, size=size,
                     closeButtonProps={"aria-label": "Close"}, children=children)
