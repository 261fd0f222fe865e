"""The frame around every page: header with the user and Sign out, navigation, notifications."""
from __future__ import annotations

import dash_mantine_components as dmc
from dash import dcc, html
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from components.page_container import page_container

THEME = {
    "primaryColor": "blue",
    "fontFamily": "-apple-system, 'Segoe UI', Roboto, sans-serif",
    "defaultRadius": "md",
}


def _user_menu():
    if not current_user.is_authenticated:  # Dash validates the layout once, on any first request
        return dmc.Group()
    actor = current_user.actor
    return dmc.Group(
        [
            dmc.Stack(
                [dmc.Text(actor.email, size="sm", fw=500), dmc.Text(actor.role.label, size="xs", c="dimmed")],
                gap=0,
                align="flex-end",
            ),
            dmc.Anchor("Change password", href="/account/password", size="sm", refresh=True),
            html.Form(
                [
                    dcc.Input(type="hidden", name="csrf_token", value=generate_csrf(), id="sign-out-token"),
                    html.Button("Sign out", id="sign-out", type="submit", className="sign-out"),
                ],
                method="POST",
                action="/logout",
            ),
        ],
        gap="md",
    )


def notifications():
    """Each page carries its own container: an output outside the page would make Dash
    run every callback that notifies as soon as the page is inserted."""
    return dmc.NotificationContainer(id="notify", position="bottom-left", autoClose=6000)


def app_layout():
    """A function, so each page load gets the signed-in user and a fresh CSRF token."""
    return dmc.MantineProvider(
        theme=THEME,
        children=[
            dmc.AppShell(
                [
                    dmc.AppShellHeader(
                        dmc.Group(
                            [
                                dmc.Group(
                                    [
                                        html.Div("RC", className="brand-mark"),
                                        dmc.Title("Reseller Console", order=4),
                                    ],
                                    gap="sm",
                                ),
                                _user_menu(),
                            ],
                            justify="space-between",
                            h="100%",
                            px="lg",
                        )
                    ),
                    dmc.AppShellNavbar(
                        [
                            dmc.NavLink(
                                label="Reseller directory",
                                href="/",
                                id="nav-directory",
                                active="exact",
                            ),
                            dmc.NavLink(label="Renewals", href="/renewals", id="nav-renewals", active="exact"),
                            dmc.NavLink(label="Subscriptions", href="/subscriptions", id="nav-subscriptions",
                                        active="exact"),
                            dmc.NavLink(label="Activity", href="/activity", id="nav-activity", active="exact"),
                            dmc.NavLink(label="Users", href="/users", id="nav-users", active="exact"),
                        ],
                        p="sm",
                    ),
                    dmc.AppShellMain(page_container()),
                ],
                header={"height": 60},
                # Narrow enough that every grid's columns fit at 1280 x 720 (issue 20).
                navbar={"width": 176, "breakpoint": "sm"},
                padding="md",
            ),
            dcc.Location(id="shell-url", refresh=False),
        ],
    )
