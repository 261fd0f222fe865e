"""The Users page's table: one row per console user of the LAR, with an Active switch."""
from __future__ import annotations

import dash_mantine_components as dmc

from services.accounts import ConsoleUser


def _active_switch(user: ConsoleUser, can_manage: bool, me: int):
    why = ("You cannot disable your own account." if user.id == me
           else None if can_manage else "Only admins can disable or enable users.")
    switch = dmc.Switch(id={"type": "user-active", "user": user.id}, checked=user.active,
                        disabled=why is not None, label="Active" if user.active else "Disabled",
                        **{"aria-label": f"{user.email} active"})
    return dmc.Tooltip(switch, label=why, disabled=why is None, withArrow=True)


def users_table(users: list[ConsoleUser], can_manage: bool, me: int):
    head = dmc.TableThead(dmc.TableTr([dmc.TableTh(h) for h in
                                       ("Name", "Email", "Role", "Signed-in browsers", "Status")]))
    body = dmc.TableTbody([
        dmc.TableTr([
            dmc.TableTd(u.name + (" (you)" if u.id == me else "")),
            dmc.TableTd(u.email),
            dmc.TableTd(u.role.capitalize()),
            dmc.TableTd(str(u.sessions)),
            dmc.TableTd(_active_switch(u, can_manage, me)),
        ]) for u in users
    ])
    return dmc.Table([head, body], highlightOnHover=True, verticalSpacing="sm", withTableBorder=True)
