"""What every action panel does the same way: where it is opened from (Opener), close on its
Cancel button, and open or close its "View details of available …" block (one callback for the
wizard's forms and Edit pool, wherever they are placed)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dash import MATCH, Input, Output, State

from callbacks.grid_controls import require_click
from components.pool_fields import details_id


@dataclass(frozen=True)
class Opener:
    """Where a panel opens on the page that holds it, given to the panel's register(app, prefix,
    ...) by that page, so the panel has no page's ids of its own: the button that opens it, and
    the grid section it acts on, by its GridSpec prefix (components/grid_section.py), whose
    selected rows, context Store (a dashboard's reseller id) and refresh counter it reads and
    bumps. subject: where the row the panel is about comes from (the one selected row, or the
    grid's context)."""

    button: str
    grid: str
    subject: Literal["selected", "context"] = "selected"

    @property
    def clicked(self) -> Input:
        return Input(self.button, "n_clicks")

    @property
    def selection(self) -> State:
        return State(f"{self.grid}-grid", "selectedRows")

    @property
    def context(self) -> State:
        return State(f"{self.grid}-context", "data")

    @property
    def subject_state(self) -> State:
        return self.selection if self.subject == "selected" else self.context

    @property
    def refresh(self) -> State:
        return State(f"{self.grid}-refresh", "data")

    @property
    def bump(self) -> Output:
        """The grid's refresh counter: the panel moves it after a save, so the grid asks again."""
        return Output(f"{self.grid}-refresh", "data", allow_duplicate=True)


def close_on(app, panel_id: str, button_id: str, prop: str = "opened") -> None:
    @app.callback(Output(panel_id, prop, allow_duplicate=True), Input(button_id, "n_clicks"),
                  prevent_initial_call=True)
    def close(clicked):
        require_click(clicked)
        return False


def register(app) -> None:
    @app.callback(
        Output(details_id("-box", MATCH), "opened"),
        Input(details_id("-open", MATCH), "n_clicks"),
        State(details_id("-box", MATCH), "opened"),
        prevent_initial_call=True,
    )
    def toggle_details(clicked, opened):
        require_click(clicked)
        return not opened
