"""The Users page's table (one row per console user of the LAR: role, signed-in browsers, an
Active switch or the invitation's state, Remove) and its panels: Invite teammate, and the
confirmations before a user is disabled or removed."""
from __future__ import annotations

import dash_mantine_components as dmc

from components.panels import modal, side_panel
from services.identity.team import ROLE_LABELS, ConsoleUser

WIDTHS = ("18%", "26%", "15%", "11%", "19%", "11%")
ROLE_CHOICES = [{"value": role, "label": label} for role, label in ROLE_LABELS.items()]


def _active_cell(user: ConsoleUser, can_manage: bool, me: int):
    if user.invited:  # no password yet: nothing to switch off but the invitation itself
        return dmc.Group([
            dmc.Badge("Invitation sent", variant="light", color="blue"),
            dmc.Button("Resend", id={"type": "user-resend", "user": user.id}, variant="subtle", size="compact-sm",
                       disabled=not can_manage),
        ], gap="xs")
    switch = dmc.Switch(id={"type": "user-active", "user": user.id}, checked=user.active,
                        disabled=user.id == me or not can_manage,
                        label="Active" if user.active else "Disabled",
                        **{"aria-label": f"{user.email} active"})
    if user.id == me:  # said in the open: a tooltip on a disabled switch reaches no keyboard
        return dmc.Stack([switch, dmc.Text("You cannot disable your own account.", size="xs", c="dimmed")], gap=2)
    return switch


def _role_cell(user: ConsoleUser, can_manage: bool, me: int):
    if not can_manage or user.id == me:
        return ROLE_LABELS.get(user.role, user.role)
    return dmc.Select(id={"type": "user-role", "user": user.id}, data=ROLE_CHOICES, value=user.role,
                      allowDeselect=False, size="sm", w=130, comboboxProps={"withinPortal": True},
                      **{"aria-label": f"Role of {user.email}"})


def _remove_cell(user: ConsoleUser, can_manage: bool, me: int):
    if not can_manage or user.id == me:
        return None
    return dmc.Button("Remove", id={"type": "user-remove", "user": user.id}, variant="subtle", color="red",
                      size="compact-sm", **{"aria-label": f"Remove {user.email}"})


def users_table(users: list[ConsoleUser], can_manage: bool, me: int):
    head = dmc.TableThead(dmc.TableTr([dmc.TableTh(h, w=w) for h, w in zip(
        ("Name", "Email", "Role", "Signed-in browsers", "Status", ""), WIDTHS, strict=True)]))
    body = dmc.TableTbody([
        dmc.TableTr([
            dmc.TableTd(u.name + (" (you)" if u.id == me else "")),
            dmc.TableTd(u.email, style={"overflowWrap": "anywhere"}),
            dmc.TableTd(_role_cell(u, can_manage, me)),
            dmc.TableTd(str(u.sessions), id={"type": "user-sessions", "user": u.id}),
            dmc.TableTd(_active_cell(u, can_manage, me)),
            dmc.TableTd(_remove_cell(u, can_manage, me)),
        ]) for u in users
    ])
    # A fixed layout: widths do not jump when a switch's label changes.
    return dmc.Table([head, body], highlightOnHover=True, verticalSpacing="sm", withTableBorder=True,
                     layout="fixed")


def invite_panel():
    return side_panel("users-invite-drawer", "Invite teammate", size=480, children=dmc.Stack([
        dmc.Text("They get an email with a link to choose their password; the link works once, for 7 days.",
                 size="sm", c="dimmed"),
        dmc.TextInput(id="users-invite-email", label="Email address", required=True, autoComplete="off",
                      placeholder="colleague@your-company.example", **{"data-autofocus": True}),
        dmc.TextInput(id="users-invite-name", label="Name", placeholder="Optional", autoComplete="off"),
        dmc.RadioGroup(dmc.Stack([
            dmc.Radio(value="analyst", label="Analyst: reads everything, changes nothing"),
            dmc.Radio(value="operator", label="Operator: reads and acts on resellers and pools"),
            dmc.Radio(value="admin", label="Admin: everything, and the users"),
        ], gap=6), id="users-invite-role", label="Role", value="analyst"),
        dmc.Group([dmc.Button("Cancel", id="users-invite-cancel", variant="default"),
                   dmc.Button("Send invitation", id="users-invite-send")], justify="flex-end", mt="md",
                  className="panel-footer"),
    ], gap="md"))


def disable_modal():
    return modal("users-disable-modal", "Disable this user?", children=dmc.Stack([
        dmc.Text(id="users-disable-text", size="sm"),
        dmc.Group([dmc.Button("Cancel", id="users-disable-cancel", variant="default"),
                   dmc.Button("Disable", id="users-disable-confirm", color="red")], justify="flex-end"),
    ]))


def remove_modal():
    return modal("users-remove-modal", "Remove this user?", children=dmc.Stack([
        dmc.Text(id="users-remove-text", size="sm"),
        dmc.Group([dmc.Button("Cancel", id="users-remove-cancel", variant="default"),
                   dmc.Button("Remove", id="users-remove-confirm", color="red")], justify="flex-end"),
    ]))
