"""What both pool e2e test files use: a read of the server's database, and the KPI cards and chart
legend checked against what the services compute."""
from __future__ import annotations

from playwright.sync_api import expect

from services.access.console_user import load_principal
from services.common.units import format_quantities
from services.metrics.dashboard import availability_trend, kpis

LAR = 1
OPERATOR_ID = 2  # the demo's operator@demo.example


def _read(server, stmt):
    with server["db"].reading() as s:
        return s.execute(stmt).first()


def _check_figures(page, server, reseller_id: int):
    """KPI cards and chart legend as the services compute them now."""
    actor = load_principal(server["db"], OPERATOR_ID)
    now = server["clock"].now()
    figures = kpis(server["db"], actor, reseller_id, now=now)
    expect(page.locator("#kpi-pools")).to_have_text(str(figures["pools"]))
    for card in ("total", "allocated", "pending", "expiring"):
        expect(page.locator(f"#kpi-{card}")).to_have_text(format_quantities(figures[card]))
    series = availability_trend(server["db"], actor, reseller_id, now=now)
    expect(page.locator(".trend-legend input[type=checkbox]")).to_have_count(len(series))
    return figures
