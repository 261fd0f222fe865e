"""The reseller dashboard in headless Chromium: KPIs, chart, Return to pool, filter chips."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from data.models import CustomerAssignment, DirectoryEntry, ResellerPool, Subscription
from services.access.console_user import load_principal
from services.common.units import format_quantities
from services.directory.customers import customer_filter_options
from services.metrics.dashboard import kpis
from tests.e2e.conftest import shoot, sign_in

pytestmark = pytest.mark.e2e


def _target(server):
    """A reseller of the first LAR with a pending pool, several pools and visible customers."""
    with server["db"].reading() as s:
        pending = select(ResellerPool.reseller_id).where(ResellerPool.status == "Pending acceptance")
        with_customers = (select(ResellerPool.reseller_id)
                          .join(CustomerAssignment, CustomerAssignment.reseller_pool_id == ResellerPool.id))
        row = s.execute(
            select(DirectoryEntry.id, DirectoryEntry.email, DirectoryEntry.organization_name)
            .join(ResellerPool, ResellerPool.reseller_id == DirectoryEntry.id)
            .where(DirectoryEntry.lar_id == 1, DirectoryEntry.customer_visibility.is_(True),
                   DirectoryEntry.id.in_(pending), DirectoryEntry.id.in_(with_customers))
            .group_by(DirectoryEntry.id, DirectoryEntry.email, DirectoryEntry.organization_name)
            .having(func.count(ResellerPool.id) >= 2)
            .order_by(DirectoryEntry.id)
        ).first()
        pool = s.execute(select(ResellerPool.id, ResellerPool.subscription_id, ResellerPool.quantity)
                         .where(ResellerPool.reseller_id == row.id, ResellerPool.status == "Pending acceptance")
                         .order_by(ResellerPool.id)).first()
    return row, pool


def _open_dashboard(page, reseller):
    sign_in(page)
    search = page.locator("#dir-search")
    search.fill(reseller.email)
    search.press("Enter")
    expect(page.locator(".ag-row[row-id]")).to_have_count(1)
    page.locator(".ag-row[row-id] .cell-link").click()
    page.wait_for_url(re.compile(rf"/resellers/{reseller.id}$"))
    expect(page.locator("#reseller-name")).to_have_text(reseller.organization_name)


def test_kpis_chart_and_return_to_pool(page, server):
    reseller, pool = _target(server)
    _open_dashboard(page, reseller)
    figures = kpis(server["db"], load_principal(server["db"], 2), reseller.id, now=server["clock"].now())
    expect(page.locator("#kpi-pools")).to_have_text(str(figures["pools"]))
    expect(page.locator("#kpi-customers")).to_have_text(str(figures["customers"]))
    for card, key in (("total", "total"), ("allocated", "allocated"), ("pending", "pending"), ("expiring", "expiring")):
        expect(page.locator(f"#kpi-{card}")).to_have_text(format_quantities(figures[key]))

    traces = page.locator("#trend-graph .scatterlayer .trace")
    expect(traces.first).to_be_visible()  # Plotly draws after the page renders
    lines = traces.count()
    assert lines >= 2
    # Plotly's drag layer lies over the points: move the real mouse onto one.
    box = page.locator("#trend-graph .scatterlayer .trace .points path").last.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator("#trend-graph .hoverlayer")
    expect(tooltip).to_contain_text("Available:")
    expect(tooltip).to_contain_text("Purchased:")
    expect(tooltip).to_contain_text("Allocated:")
    # One box for the date, a line for each pool drawn there (the document's "for each pooled
    # subscription at that time").
    assert tooltip.text_content().count("Available:") >= 2
    shoot(page, "dashboard-hover")
    page.locator(".trend-legend input[type=checkbox]").first.uncheck()
    expect(traces).to_have_count(lines - 1)
    page.locator(".trend-legend input[type=checkbox]").first.check()
    expect(traces).to_have_count(lines)

    with server["db"].reading() as s:
        allocated_before = s.get(Subscription, pool.subscription_id).allocated_quantity
    returned = page.locator("#pools-return")
    expect(returned).to_be_disabled()
    page.locator(f'#pools-grid .ag-row[row-id="{pool.id}"] .ag-selection-checkbox input').check()
    expect(returned).to_be_enabled()
    returned.click()
    page.click("#pools-return-confirm")  # the confirmation is tested in test_pools.py
    expect(page.get_by_text(re.compile(r"Returned 1 pool to your subscriptions"))).to_be_visible()
    expect(page.locator(f'#pools-grid .ag-row[row-id="{pool.id}"]')).to_have_count(0)
    with server["db"].reading() as s:
        assert s.get(ResellerPool, pool.id) is None
        assert s.get(Subscription, pool.subscription_id).allocated_quantity == allocated_before - pool.quantity
    after = kpis(server["db"], load_principal(server["db"], 2), reseller.id, now=server["clock"].now())
    assert after["pending"] != figures["pending"]
    expect(page.locator("#kpi-pending")).to_have_text(format_quantities(after["pending"]))
    expect(traces).to_have_count(lines - 1)  # its line left the chart
    shoot(page, "dashboard-after-return")


def test_filter_chips_of_both_tables(page, server):
    reseller, _ = _target(server)
    _open_dashboard(page, reseller)
    dropdown = page.locator(".mantine-Popover-dropdown")

    page.click("#pools-filter-open")
    dropdown.get_by_role("checkbox", name="Active", exact=True).check()
    page.click("#pools-filter-apply")
    chip = page.locator("#pools-chips .filter-chip", has_text="Status: Active")
    expect(chip).to_be_visible()
    expect(page.locator('#pools-grid .ag-row [col-id="status"]').first).to_have_text("Active")
    statuses = page.locator('#pools-grid .ag-row [col-id="status"]').all_text_contents()
    assert statuses and set(statuses) == {"Active"}
    page.get_by_label("Remove filter Status: Active").click()
    expect(chip).to_have_count(0)

    with server["db"].reading() as s:
        pool_id, name = s.execute(
            select(ResellerPool.id, Subscription.name)
            .join(Subscription, ResellerPool.subscription_id == Subscription.id)
            .join(CustomerAssignment, CustomerAssignment.reseller_pool_id == ResellerPool.id)
            .where(ResellerPool.reseller_id == reseller.id).order_by(ResellerPool.id)).first()
    options = customer_filter_options(server["db"], load_principal(server["db"], 2), reseller.id)["pools"]
    label = next(o["label"] for o in options if o["value"] == str(pool_id))
    page.keyboard.press("Escape")
    page.click("#customers-filter-open")
    dropdown.get_by_role("checkbox", name=label, exact=True).check()
    page.click("#customers-filter-apply")
    chip = page.locator("#customers-chips .filter-chip", has_text=f"Pool: {label}")
    expect(chip).to_be_visible()
    expect(page.locator('#customers-grid .ag-row [col-id="pool"]').first).to_have_text(label)
    pools = page.locator('#customers-grid .ag-row [col-id="pool"]').all_text_contents()
    assert pools and set(pools) == {label} and label.startswith(name)  # named as in the filter
    shoot(page, "dashboard-customer-filter")
    chip.get_by_role("button").click()
    expect(chip).to_have_count(0)


def test_analyst_cannot_return_pools(page, server):
    reseller, pool = _target(server)
    sign_in(page, "analyst@demo.example")
    page.goto(f"{page.base_url}/resellers/{reseller.id}")
    expect(page.locator("#reseller-name")).to_have_text(reseller.organization_name)
    row = page.locator(f'#pools-grid .ag-row[row-id="{pool.id}"]')
    if row.count():  # the operator test may have returned this pool already
        row.locator(".ag-selection-checkbox input").check()
    expect(page.locator("#pools-return")).to_be_disabled()
    expect(page.locator("#pools-add-open")).to_be_disabled()


def test_the_empty_chart_says_why_and_the_boxes_stay_as_left_after_a_reload(page, server):
    """Issue 20: with every box unticked the chart showed bare axes, and a reload ticked them all again."""
    reseller, _pool = _target(server)
    _open_dashboard(page, reseller)
    boxes = page.locator(".trend-legend input[type=checkbox]")
    traces = page.locator("#trend-graph .scatterlayer .trace")
    expect(traces.first).to_be_visible()
    for i in range(boxes.count()):
        boxes.nth(i).uncheck()
    expect(traces).to_have_count(0)
    expect(page.locator("#trend-graph")).to_contain_text("Tick a pool on the left to draw its line.")
    shoot(page, "dashboard-chart-empty")
    page.reload()
    expect(page.locator("#reseller-name")).to_have_text(reseller.organization_name)
    expect(boxes.first).not_to_be_checked()
    expect(page.locator("#trend-graph")).to_contain_text("Tick a pool on the left to draw its line.")
    boxes.first.check()
    expect(traces).to_have_count(1)
    expect(page.locator("#trend-graph")).not_to_contain_text("Tick a pool")


def test_escape_in_the_customer_filters_list_closes_the_list_not_the_panel(page, server):
    """Issue 20: Escape in the Customers filter's search list closed the whole Filter panel."""
    reseller, _pool = _target(server)
    _open_dashboard(page, reseller)
    page.click("#customers-filter-open")
    customers = page.get_by_role("textbox", name="Customer")
    customers.click()
    expect(page.get_by_role("listbox")).to_be_visible()
    customers.press("Escape")
    expect(page.get_by_role("listbox")).to_have_count(0)
    expect(page.locator("#customers-filter-apply")).to_be_visible()  # the panel stays open
    customers.press("Escape")  # a second Escape closes the panel, back on its Filter button
    expect(page.locator("#customers-filter-apply")).not_to_be_visible()
    expect(page.locator("#customers-filter-open")).to_be_focused()
