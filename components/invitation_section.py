"""The dashboard's Invitation section for an entry still Invited: each invitation sent, whether
its link still works, how its email fared (Sent, waiting to retry, Failed with the error), Resend."""
from __future__ import annotations

import dash_mantine_components as dmc
from dash import html


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def _delivery(item: dict) -> str:
    if item["delivery"] == "Sent":
        return f"Delivered {_when(item['delivered_at'])}"
    if item["delivery"] == "Failed":
        return f"Failed after {item['attempts']} attempt{'s' if item['attempts'] != 1 else ''}: {item['error']}"
    if item["error"]:
        return f"Waiting to retry (attempt {item['attempts']} failed: {item['error']})"
    return "Waiting to be sent"


def invitation_section(details: list[dict], can_act: bool):
    link_state = {"Sent": "Not used yet", "Accepted": "Used", "Expired": "Expired"}
    rows = [html.Tr([html.Td(_when(i["sent_at"])), html.Td(i["email"]), html.Td(link_state.get(i["status"], "")),
                     html.Td(_when(i["expires_at"])), html.Td(_delivery(i), className="invitation-delivery")])
            for i in details]
    table = dmc.Table([html.Thead(html.Tr([html.Th(h) for h in ("Invited", "To", "Link", "Link expires", "Email")])),
                       html.Tbody(rows)], striped=True, withTableBorder=True, fz="sm") if rows else \
        dmc.Text("No invitation email was sent from the console for this entry yet.", size="sm", c="dimmed")
    return dmc.Paper(dmc.Stack([
        dmc.Group([dmc.Title("Invitation", order=4),
                   dmc.Button("Resend", id="invitation-resend", variant="default", disabled=not can_act)],
                  justify="space-between"),
        dmc.Text("Resend sends a new link; earlier links stop working.", size="xs", c="dimmed"),
        table,
    ], gap="xs"), withBorder=True, radius="md", p="md", id="invitation-section")
