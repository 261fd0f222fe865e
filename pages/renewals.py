"""Renewals: what expires and what waits for acceptance across all resellers (layout only;
callbacks/renewals.py acts on it)."""
import dash
import dash_mantine_components as dmc
from dash import dcc

from callbacks.context import actor, db, now
from components import renewals as parts
from components.grid_section import grid_section
from components.grid_url import view_from_url
from components.renewals import week_options
from components.return_to_pool import return_modal
from components.shell import notifications
from services.access.policy import Action, can
from services.identity.preferences import receives_alerts, visible_columns
from services.pools.renewals import (
    DEFAULT_WINDOW,
    VIEWS,
    expiring_by_week,
    own_subscriptions_ending,
    renewal_figures,
    renewal_filter_options,
)

dash.register_page(__name__, path="/renewals", title="Renewals · Reseller Console")


def layout(**query):
    acting, at = actor(), now()
    spec = parts.RENEWALS
    visible = visible_columns(db(), acting, spec.name, spec.fields, spec.default_visible, spec.kept)
    chart = expiring_by_week(db(), acting, now=at)
    # The window and the chart's week live in the grid's query (and so in the URL) beside its
    # filters, set by the page's own controls.
    kept = [("window", None, list(VIEWS))]
    weeks = week_options(chart["weeks"])
    view = view_from_url(spec.prefix, query, {"window": list(VIEWS), "week": [o["value"] for o in weeks]},
                         spec.sortable)
    window = (view.filters.get("window") or [str(DEFAULT_WINDOW)])[0]
    week = (view.filters.get("week") or [None])[0]
    may_return = can(acting, Action.POOL_RETURN)
    section = grid_section(spec, visible, not may_return, parts.renewal_actions(may_return),
                           [*renewal_filter_options(), ("week", "Week", weeks)], url_params=query,
                           kept_filters=kept)
    return dmc.Stack([
        dmc.Group([
            dmc.Stack([dmc.Title("Renewals", order=2),
                       dmc.Text("Seats that expire soon and pools waiting for acceptance, across all your resellers.",
                                size="sm", c="dimmed")], gap=2),
            parts.alerts_switch(receives_alerts(db(), acting), can(acting, Action.ALERTS_ALWAYS)),
        ], justify="space-between", align="flex-start"),
        dmc.Box(parts.renewal_cards(renewal_figures(db(), acting, now=at), None if week else window), id="ren-cards"),
        parts.expiry_chart(chart, week),
        dmc.Group([
            dmc.Stack([dmc.Title("Pools to review", order=3),
                       dmc.Text("Loading…", id="ren-count", size="sm", c="dimmed")], gap=2),
            parts.window_control(window, week),
        ], justify="space-between", align="flex-end", mt="md"),
        section,
        parts.own_subscriptions(own_subscriptions_ending(db(), acting, now=at)),
        dcc.Store(id="ren-chart-data", data=chart),
        return_modal("ren"),
        notifications(),
    ], gap="md")
