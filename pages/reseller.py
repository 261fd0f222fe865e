"""The reseller detailed dashboard: layout only (callbacks/reseller.py acts on it)."""
import dash
import dash_mantine_components as dmc
from dash import dcc, html

from callbacks.context import actor, db, now
from callbacks.placements import ADD_POOL, EDIT_POOL
from components import reseller_grids as grids
from components.add_pool_panel import add_pool_drawer
from components.dashboard_figures import figures_section
from components.edit_pool_panel import edit_pool_drawer
from components.grid_section import grid_section
from components.invitation_section import invitation_section
from components.not_found import not_found
from components.return_to_pool import return_modal
from components.shell import notifications
from data.catalog import PAYMENT_TYPES, SOURCES
from data.models import PoolStatus
from services.access.policy import Action, can
from services.common.errors import NotFound
from services.directory.customers import customer_filter_options
from services.directory.entries import get_reseller
from services.identity.preferences import visible_columns
from services.invitations.invite import invitation_details
from services.metrics.dashboard import overview


def page_title(reseller_id=None, **_variables) -> str:
    """The browser tab names the reseller (only for one the user may see)."""
    try:
        return f"{get_reseller(db(), actor(), reseller_id).organization_name} · Reseller Console"
    except NotFound:
        return "Not found · Reseller Console"


dash.register_page(__name__, path_template="/resellers/<reseller_id>", title=page_title)


def layout(reseller_id=None, **query):
    acting, at = actor(), now()
    try:
        reseller = get_reseller(db(), acting, reseller_id)
    except NotFound:
        return not_found()  # no notifications container: nothing here can notify
    rid = reseller.id
    options = customer_filter_options(db(), acting, rid)
    hidden = not options["visible"]
    pools_visible = visible_columns(db(), acting, grids.POOLS.name, grids.POOLS.fields, grids.POOLS.default_visible)
    customers_visible = visible_columns(db(), acting, grids.CUSTOMERS.name, grids.CUSTOMERS.fields,
                                        grids.CUSTOMERS.default_visible)
    hidden_notice = dmc.Alert(
        "Customer visibility is off for this reseller: its customers' names are withheld, "
        "so searching and filtering by customer are unavailable.",
        color="gray", variant="light", id="customers-hidden",
    ) if hidden else None
    return dmc.Stack(
        [
            dmc.Anchor("← Reseller directory", href="/", size="sm"),
            dmc.Group(
                [dmc.Title(reseller.organization_name, order=2, id="reseller-name"),
                 dmc.Badge(reseller.status, variant="light", id="reseller-status")],
                gap="sm",
            ),
            dmc.Group([dmc.Text(f"Tenant owner: {reseller.email}", c="dimmed", size="sm", id="reseller-owner"),
                       dmc.Anchor("Activity", href=f"/activity?act_reseller={rid}", size="sm", id="reseller-activity")],
                      gap="lg"),
            html.Div(invitation_section(invitation_details(db(), acting, rid, now=at),
                                                 can(acting, Action.INVITE_SEND)),
                     id="invitation-box") if reseller.status == "Invited" else None,
            html.Div(figures_section(overview(db(), acting, rid, now=at), rid), id="reseller-figures",
                     className="reseller-figures"),
            dmc.Stack([dmc.Title("Pools", order=3), dmc.Text("Loading…", id="pools-count", size="sm", c="dimmed")],
                      gap=2, mt="md"),
            grid_section(
                grids.POOLS, pools_visible, not can(acting, Action.POOL_EDIT),
                grids.pool_actions(can(acting, Action.POOL_EDIT), reseller.status == "Mapped"),
                [("source", "Source", list(SOURCES)), ("payment_type", "Payment type", list(PAYMENT_TYPES)),
                 ("status", "Status", [str(s) for s in PoolStatus])],
                context=rid, url_params=query, export_name=f"{reseller.organization_name} pools",
            ),
            dmc.Stack([dmc.Title("Customers", order=3),
                       dmc.Text("Loading…", id="customers-count", size="sm", c="dimmed")], gap=2, mt="md"),
            grid_section(
                grids.CUSTOMERS, customers_visible, True, [],
                [("customer", "Customer", options["customers"]), ("pool", "Pool", options["pools"])],
                context=rid, search_disabled=hidden, notice=hidden_notice, url_params=query,
                export_name=f"{reseller.organization_name} customers",
            ),
            dcc.Store(id="reseller-can-act", data=can(acting, Action.POOL_EDIT)),
            notifications(),
            add_pool_drawer(ADD_POOL),
            edit_pool_drawer(EDIT_POOL),
            return_modal("pools"),
        ],
        gap="sm",
    )
