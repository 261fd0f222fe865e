"""The Users page's table (one row per console user of the LAR, with an Active switch) and
the confirmation before a user is disabled."""
from __future__ import annotations

import dash_mantine_components as dmc

from components.panels import modal
from services.accounts import ConsoleUser

WIDTHS = ("22%", "30%", "12%", "14%", "22%")


def _active_cell(user: ConsoleUser, can_manage: bool, me: int):
    switch = dmc.Switch(id={"type": "user-active", "user": user.id}, checked=user.active,
                        disabled=user.id == me or not can_manage,
                        label="Active" if user.active else "Disabled",
                        **{"aria-label": f"{user.email} active"})
    if user.id == me:  # said in the open: a tooltip on a disabled switch reaches no keyboard
        return dmc.Stack([switch, dmc.Text("You cannot disable your own account.", size="xs", c="dimmed")], gap=2)
    return switch


def users_table(users: list[ConsoleUser], can_manage: bool, me: int):
    head = dmc.TableThead(dmc.TableTr([dmc.TableTh(h, w=w) for h, w in
                                       zip(("Name", "Email", "Role", "Signed-in browsers", "Status"), WIDTHS)]))
    body = dmc.TableTbody([
        dmc.TableTr([
            dmc.TableTd(u.name + (" (you)" if u.id == me else "")),
            dmc.TableTd(u.email),
            dmc.TableTd(u.role.capitalize()),
            dmc.TableTd(str(u.sessions), id={"type": "user-sessions", "user": u.id}),
            dmc.TableTd(_active_cell(u, can_manage, me)),
        ]) for u in users
    ])
    # A fixed layout: widths do not jump when a switch's label changes.
    return dmc.Table([head, body], highlightOnHover=True, verticalSpacing="sm", withTableBorder=True,
                     layout="fixed")


def disable_modal():
    return modal("users-disable-modal", "Disable this user?", children=dmc.Stack([
        dmc.Text(id="users-disable-text", size="sm"),
        dmc.Group([dmc.Button("Cancel", id="users-disable-cancel", variant="default"),
                   dmc.Button("Disable", id="users-disable-confirm", color="red")], justify="flex-end"),
    ]))
