"""What every action panel does the same way: close on its Cancel button, and open or close its
"View details of available …" block (one callback for the wizard's forms and Edit pool)."""
from __future__ import annotations

from dash import MATCH, Input, Output, State

from callbacks.grid_controls import require_click
from components.pool_fields import details_id


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
