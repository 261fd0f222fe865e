"""The dashboard's KPI cards and Available licenses chart, drawn from services.metrics.dashboard.overview."""
import dash_mantine_components as dmc

from components.availability_chart import availability_panel
from components.kpi_card import kpi_card
from services.common.units import format_quantities


def figures_section(overview: dict, reseller_id: int):
    """KPI cards and the chart; callbacks/reseller.py redraws it after Return to pool."""
    return [_kpi_row(overview["kpis"]), availability_panel(overview["trend"], overview["trend_dates"], reseller_id)]


def _kpi_row(figures: dict):
    cards = [
        ("kpi-pools", "Pools", f"{figures['pools']:,}",
         "Pooled subscriptions you gave this reseller that have not expired."),
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
