"""The reseller detailed dashboard: layout only (callbacks/reseller.py acts on it)."""
import dash
import dash_mantine_components as dmc
from dash import dcc

from callbacks.context import actor, db
from components import reseller_grids as grids
from components.availability_chart import availability_panel
from components.grid_section import grid_section
from components.shell import notifications
from components.kpi_card import kpi_card
from components.not_found import not_found
from services.dashboard import availability_trend, kpis
from services.errors import NotFound
from services.reseller_customers import customer_filter_options
from services.reseller_pools import PAYMENT_TYPES, SOURCES
from services.preferences import visible_columns
from services.resellers import get_reseller
from services.units import format_quantities

dash.register_page(__name__, path_template="/resellers/<reseller_id>", title="Reseller dashboard")

POOL_STATUSES = ["Pending acceptance", "Active", "Expired"]


def _kpi_row(figures: dict):
    cards = [
        ("kpi-pools", "Pools", f"{figures['pools']:,}", "Pooled subscriptions you gave this reseller that have not expired."),
        ("kpi-customers", "Customers", f"{figures['customers']:,}",
         "Customers holding an active pooled subscription from this reseller."),
        ("kpi-total", "Total user seats/objects", format_quantities(figures["total"]),
         "Quantity of this reseller's unexpired pools, per unit."),
        ("kpi-allocated", "Allocated user seats/objects", format_quantities(figures["allocated"]),
         "What the reseller has assigned to its customers from those pools."),
        ("kpi-pending", "Pending acceptance", format_quantities(figures["pending"]),
         "Quantity in pools the reseller has not accepted yet."),
        ("kpi-expiring", "Expiring in 30 days", format_quantities(figures["expiring"]),
         "Quantity in pools whose expiration falls within the next 30 days."),
    ]
    return dmc.SimpleGrid([kpi_card(*c) for c in cards], cols={"base": 2, "md": 3, "xl": 6}, spacing="sm")


def layout(reseller_id=None, **_query):
    acting = actor()
    try:
        reseller = get_reseller(db(), acting, reseller_id)
    except NotFound:
        return not_found()  # no notifications container: nothing here can notify
    rid = reseller["id"]
    options = customer_filter_options(db(), acting, rid)
    hidden = not options["visible"]
    pools_visible = visible_columns(db(), acting, grids.POOLS.name, grids.POOLS.fields, grids.POOLS.default_visible)
    customers_visible = visible_columns(db(), acting, grids.CUSTOMERS.name, grids.CUSTOMERS.fields,
                                        grids.CUSTOMERS.default_visible)
    hidden_notice = dmc.Alert(
        "This reseller has turned off your view of its customers' names. They are withheld, "
        "so searching and filtering by customer are unavailable.",
        color="gray", variant="light", id="customers-hidden",
    ) if hidden else None
    return dmc.Stack(
        [
            dmc.Anchor("← Reseller directory", href="/", size="sm"),
            dmc.Group(
                [dmc.Title(reseller["organization_name"], order=2, id="reseller-name"),
                 dmc.Badge(reseller["status"], variant="light", id="reseller-status")],
                gap="sm",
            ),
            dmc.Text(f"Tenant owner: {reseller['email']}", c="dimmed", size="sm", id="reseller-owner"),
            _kpi_row(kpis(db(), acting, rid)),
            availability_panel(availability_trend(db(), acting, rid)),
            dmc.Stack([dmc.Title("Pools", order=3), dmc.Text("Loading…", id="pools-count", size="sm", c="dimmed")], gap=2, mt="md"),
            grid_section(
                grids.POOLS, pools_visible, not acting.can_act, grids.pool_actions(acting.can_act),
                [("source", "Source", list(SOURCES)), ("payment_type", "Payment type", list(PAYMENT_TYPES)),
                 ("status", "Status", POOL_STATUSES)],
                context=rid,
            ),
            dmc.Stack([dmc.Title("Customers", order=3), dmc.Text("Loading…", id="customers-count", size="sm", c="dimmed")],
                      gap=2, mt="md"),
            grid_section(
                grids.CUSTOMERS, customers_visible, True, [],
                [("customer", "Customer", options["customers"]), ("pool", "Pool", options["pools"])],
                context=rid, search_disabled=hidden, notice=hidden_notice,
            ),
            dcc.Store(id="reseller-can-act", data=acting.can_act),
            notifications(),
        ],
        gap="sm",
    )
