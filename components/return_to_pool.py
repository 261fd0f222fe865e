"""Return to pool's confirmation, the same wherever pending pools are selected (a reseller's
Pools grid, Renewals). Ids start with the grid's prefix."""
from __future__ import annotations

import dash_mantine_components as dmc

from components.panels import modal


def return_modal(prefix: str):
    return modal(f"{prefix}-return-modal", "Return to pool", size="lg", children=dmc.Stack([
        dmc.Text(id=f"{prefix}-return-text", size="sm"),
        dmc.List(id=f"{prefix}-return-list", size="sm", spacing=4),
        dmc.Group([dmc.Button("Cancel", id=f"{prefix}-return-cancel", variant="default"),
                   dmc.Button("Return to pool", id=f"{prefix}-return-confirm", color="orange")],
                  justify="flex-end"),
    ]))


def return_question(going: list[dict]) -> tuple[str, list]:
    """(the sentence, the list) of what goes back; rows naming their reseller (Renewals, several
    resellers at once) say whose pool each is."""
    across = any("reseller" in g for g in going)
    whose = "Their resellers have" if across else "The reseller has"
    text = ("This pool goes back to your pooled subscription. The reseller has not accepted it yet."
            if len(going) == 1 else
            f"These pools go back to your pooled subscriptions. {whose} not accepted them yet.")
    items = [dmc.ListItem((f"{g['reseller']}: " if "reseller" in g else "")
                          + f"{g['quantity']} of {g['pool']} {'goes' if g['one'] else 'go'} back to "
                            f"{g['subscription']}")
             for g in going]
    return text, items
