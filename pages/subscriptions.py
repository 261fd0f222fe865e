"""Subscriptions: the LAR's own pooled subscriptions and their low-availability thresholds
(layout only; callbacks/subscriptions.py acts on it)."""
import dash
import dash_mantine_components as dmc

from callbacks.context import actor, db
from components import subscriptions_grid as parts
from components.grid_section import grid_section
from components.shell import notifications
from services.access.policy import Action, can
from services.identity.preferences import visible_columns
from services.subscriptions.listing import STATUSES

dash.register_page(__name__, path="/subscriptions", title="Subscriptions · Reseller Console")


def layout(**query):
    acting = actor()
    spec = parts.SUBSCRIPTIONS
    is_admin = can(acting, Action.SUBSCRIPTION_THRESHOLD)
    visible = visible_columns(db(), acting, spec.name, spec.fields, spec.default_visible)
    return dmc.Stack([
        dmc.Stack([dmc.Title("Subscriptions", order=2),
                   dmc.Text("Loading…", id="subs-count", size="sm", c="dimmed")], gap=2),
        dmc.Text("What each pooled subscription you bought has given to your resellers and has left. "
                 "An admin sets when it counts as low.", size="sm", c="dimmed"),
        grid_section(spec, visible, not is_admin, parts.threshold_action(is_admin),
                     [("status", "Availability", list(STATUSES))], url_params=query),
        parts.threshold_modal(),
        notifications(),
    ], gap="md")
