"""Delete resellers: ask (saying which selected entries cannot go), then delete on Yes, by
button or Enter (services/directory/entries.py decides)."""
from __future__ import annotations

import json

from dash import Input, Output, State, ctx, no_update

from callbacks.context import NOTIFY, actor, db, notice, now
from callbacks.grid_controls import next_refresh, require_click, selected_ids
from callbacks.panels import Opener, close_on
from services.common.errors import DomainError, ResellersInUse
from services.directory import entries


def register(app, prefix: str, opener: Opener) -> None:
    """The confirmation whose ids start with prefix (components/delete_panel.py), for the entries
    selected in opener's grid; that grid refreshes after a deletion."""
    p = prefix

    @app.callback(
        Output(f"{p}-modal", "opened", allow_duplicate=True),
        Output(f"{p}-text", "children"),
        Output(f"{p}-confirm-text", "value"),
        Output(f"{p}-refusal", "children", allow_duplicate=True),
        Output(f"{p}-refusal", "display", allow_duplicate=True),
        Output(f"{p}-rest", "display", allow_duplicate=True),
        Output(f"{p}-submit", "display"),
        Output(f"{p}-confirm-text", "display"),
        NOTIFY,
        opener.clicked,
        opener.selection,
        prevent_initial_call=True,
    )
    def open_delete(_clicked, selected):
        """Says before anything is typed which selected resellers cannot go (active pools)."""
        require_click(_clicked)
        try:
            preview = entries.deletion_preview(db(), actor(), selected_ids(selected), now=now())
        except DomainError as refused:
            return (no_update,) * 8 + (notice(refused.message, ok=False),)
        names, blocked, others, pending = preview.names, preview.blocked, preview.deletable, preview.pending
        if not names:  # nothing of this LAR's is selected (rows gone meanwhile, or a forged selection)
            return (no_update,) * 8 + (notice("Select the resellers to delete.", ok=False),)
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        text = f"Delete {len(names)} reseller{'s' if len(names) != 1 else ''}: {shown}? This cannot be undone."
        if pending:
            text += (f" {pending} pending pool{'s' if pending != 1 else ''} (not yet accepted) "
                     f"{'go' if pending != 1 else 'goes'} back to {'their' if pending != 1 else 'its'} subscription.")
        if not blocked:
            return True, text, "", "", "none", "none", "inline-block", "block", no_update
        refusal = ResellersInUse(blocked, others).message
        if others:
            refusal = refusal.replace(" Nothing was deleted. Confirm", " Type Yes and choose Delete the others")
        return True, text, "", refusal, "block", "inline-block" if others else "none", "none", \
            "block" if others else "none", no_update

    # In the browser, so Delete is enabled as "yes" is typed (a round trip later, a quick Tab
    # skipped the still-disabled button). The same rule as entries.confirms_deletion, which
    # the server applies again.
    app.clientside_callback(
        """function (value) {
            var unconfirmed = typeof value !== 'string' || value.trim().toLowerCase() !== 'yes';
            return [unconfirmed, unconfirmed];
        }""",
        Output(f"{p}-submit", "disabled"),
        Output(f"{p}-rest", "disabled"),
        Input(f"{p}-confirm-text", "value"),
    )

    # Enter in the box: its text read from the page itself. The box's value prop follows the
    # typing a moment later (it is not debounced, so Delete enables as "yes" is typed), and a
    # quick Enter sent the text before the last letters.
    app.clientside_callback(
        "function (n) {"
        f"  var box = document.getElementById({json.dumps(f'{p}-confirm-text')});"
        "  return {n: n, value: box ? box.value : null};"
        "}",
        Output(f"{p}-entered", "data"),
        Input(f"{p}-confirm-text", "n_submit"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(f"{p}-modal", "opened", allow_duplicate=True),
        Output(f"{p}-refusal", "children", allow_duplicate=True),
        Output(f"{p}-refusal", "display", allow_duplicate=True),
        Output(f"{p}-rest", "display", allow_duplicate=True),
        opener.bump,
        NOTIFY,
        Input(f"{p}-submit", "n_clicks"),
        Input(f"{p}-rest", "n_clicks"),
        Input(f"{p}-entered", "data"),
        opener.selection,
        State(f"{p}-confirm-text", "value"),
        opener.refresh,
        State(f"{p}-submit", "display"),
        prevent_initial_call=True,
    )
    def delete(_submit, _rest, entered, selected, confirmation, refresh, submit_shown):
        """Delete, Delete the others, or Enter in the Yes box (the dialog's visible action)."""
        require_click(_submit or _rest or entered)
        by_enter = ctx.triggered_id == f"{p}-entered"
        if by_enter:
            confirmation = entered.get("value") if isinstance(entered, dict) else None
        rest = ctx.triggered_id == f"{p}-rest" or (by_enter and submit_shown == "none")
        try:
            deleted = entries.delete_resellers(
                db(), actor(), selected_ids(selected), confirmation, delete_the_rest=rest, now=now(),
            )
        except ResellersInUse as refused:
            rest = "inline-block" if refused.deletable_count else "none"
            return no_update, refused.message, "block", rest, no_update, notice(refused.message, ok=False)
        except DomainError as refused:
            return no_update, refused.message, "block", "none", no_update, notice(refused.message, ok=False)
        message = f"Deleted {len(deleted)} reseller{'s' if len(deleted) != 1 else ''}: {', '.join(deleted)}."
        return False, "", "none", "none", next_refresh(refresh), notice(message)

    close_on(app, f"{p}-modal", f"{p}-cancel")
