"""Add pool, Edit pool, Expire now and Return to pool in headless Chromium: each followed by
the grid, the KPIs and the chart, compared with what the services say."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from data.models import AllocationEvent, DirectoryEntry, ResellerPool, Subscription
from services.access.console_user import load_principal
from services.common.units import format_quantities
from services.metrics.dashboard import availability_trend, kpis
from tests.e2e.conftest import shoot, sign_in

pytestmark = pytest.mark.e2e
LAR = 1
OPERATOR_ID = 2  # the demo's operator@demo.example


def _read(server, stmt):
    with server["db"].reading() as s:
        return s.execute(stmt).first()


def _subscription(server, service: str):
    return _read(server, select(Subscription).where(Subscription.lar_id == LAR, Subscription.service == service))[0]


def _pool_count(server, reseller_id: int) -> int:
    return _read(server, select(func.count()).select_from(ResellerPool)
                 .where(ResellerPool.reseller_id == reseller_id))[0]


def _find(page, email: str, rid: int):
    box = page.locator("#dir-search")
    box.fill(email)
    box.press("Enter")
    expect(page.locator(".ag-row[row-id]")).to_have_count(1)
    expect(page.locator(f'.ag-row[row-id="{rid}"]')).to_be_visible()


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


def _pick_date(panel, page, day):
    """Open the panel's date picker and click the day, paging months forward as needed."""
    panel.get_by_role("button", name="Expiration date").click()
    label = f"{day.day} {day.strftime('%B')} {day.year}"
    for _ in range(4):
        page.locator(".mantine-DatePickerInput-day").first.wait_for()
        target = page.get_by_role("button", name=label, exact=True)
        if target.count():
            target.click()
            return
        month = page.locator(".mantine-DatePickerInput-calendarHeaderLevel").inner_text()
        page.locator(".mantine-DatePickerInput-calendarHeaderControl").last.click()
        expect(page.locator(".mantine-DatePickerInput-calendarHeaderLevel")).not_to_have_text(month)
    raise AssertionError(f"{label} is not in the picker")


def _choose(page, panel, label: str, option: str):
    panel.get_by_role("textbox", name=label).click()
    page.get_by_role("option", name=option, exact=True).locator("visible=true").first.click()


def test_add_pool_for_two_services_refuses_over_allocation_then_saves(page, server):
    m365 = _subscription(server, "Cloud Backup for Microsoft 365")  # the demo's nearly exhausted one
    archive = _subscription(server, "Cloud Archiving")
    free = m365.purchased_quantity - m365.allocated_quantity
    reseller = _read(
        server,
        select(DirectoryEntry)
        .where(DirectoryEntry.lar_id == LAR, DirectoryEntry.status == "Mapped")
        .order_by(DirectoryEntry.id),
    )[0]
    before = _pool_count(server, reseller.id)
    sign_in(page)
    _find(page, reseller.email, reseller.id)
    expect(page.locator("#dir-addpool-open")).to_be_disabled()
    page.locator(f'.ag-row[row-id="{reseller.id}"] .ag-selection-checkbox input').check()
    page.click("#dir-addpool-open")
    expect(page.locator("#addpool-next")).to_be_disabled()
    page.locator(".service-card", has_text="Cloud Backup for Microsoft 365").first.click()
    page.locator(".service-card", has_text="Cloud Archiving").click()
    expect(page.locator(".service-card", has_text="Cloud Archiving")).to_contain_text("GB available")
    shoot(page, "addpool-services")
    page.click("#addpool-next")

    first = page.locator(".addpool-tabs .mantine-Tabs-panel").nth(0)
    _choose(page, first, "Payment type", "Prepaid")
    first.get_by_role("textbox", name="User seats").fill(str(free + 1))
    expect(first.get_by_text(re.compile(rf"More than available: only {free} user seat"))).to_be_visible()
    expect(page.get_by_role("tab", name=re.compile("Cloud Backup for Microsoft 365")).locator(".form-state"))\
        .to_have_class(re.compile("invalid"))
    page.click("#addpool-save")  # refused: nothing is written, the other service is incomplete too
    expect(page.get_by_text(re.compile("Nothing was saved"))).to_be_visible()
    archive_tab = page.get_by_role("tab", name=re.compile("Cloud Archiving"))
    expect(archive_tab.locator(".form-state")).to_have_class(re.compile("invalid"))
    assert _pool_count(server, reseller.id) == before
    shoot(page, "addpool-refused")

    first.get_by_role("textbox", name="User seats").fill(str(free))
    first.get_by_role("button", name="View details of available user seats").click()
    expect(first.locator(".details-available")).to_have_text(f"{free} user seat{'s' if free != 1 else ''}")
    archive_tab.click()
    second = page.locator(".addpool-tabs .mantine-Tabs-panel").nth(1)
    _choose(page, second, "Payment type", "Free")
    second.get_by_role("textbox", name="Capacity (GB)").fill("100")
    second.get_by_label("Specify a time").check()
    day = (server["clock"].now() + timedelta(days=20)).date()
    _pick_date(second, page, day)
    expect(archive_tab.locator(".form-state")).to_have_class(re.compile("complete"))
    shoot(page, "addpool-ready")
    page.click("#addpool-save")
    expect(page.get_by_text(re.compile(r"Added 2 pools: .*\(pending acceptance\)"))).to_be_visible()
    expect(page.locator("#addpool-drawer")).to_have_count(0)

    with server["db"].reading() as s:
        added = s.scalars(select(ResellerPool).where(ResellerPool.reseller_id == reseller.id)
                          .order_by(ResellerPool.id.desc()).limit(2)).all()
        assert {p.subscription_id for p in added} == {m365.id, archive.id}
        assert all(p.status == "Pending acceptance" for p in added)
        by_sub = {p.subscription_id: p for p in added}
        assert by_sub[m365.id].quantity == free and by_sub[archive.id].quantity == 100
        assert by_sub[archive.id].expires_at.date() == day and by_sub[m365.id].expires_at is None
        assert s.get(Subscription, m365.id).allocated_quantity == m365.purchased_quantity
    assert _pool_count(server, reseller.id) == before + 2

    page.locator(f'.ag-row[row-id="{reseller.id}"] .cell-link').click()
    page.wait_for_url(re.compile(rf"/resellers/{reseller.id}$"))
    for pool in added:
        expect(page.locator(f'#pools-grid .ag-row[row-id="{pool.id}"] [col-id="status"]')).to_have_text(
            "Pending acceptance")
    _check_figures(page, server, reseller.id)
    shoot(page, "addpool-dashboard-after")


def _reseller_with_assigned_pool(server):
    """A reseller with an active pool its customers use, and a pending pool."""
    now = server["clock"].now()
    pending = select(ResellerPool.reseller_id).where(ResellerPool.status == "Pending acceptance",
                                                     ResellerPool.expires_at.is_(None))
    row = _read(
        server,
        select(DirectoryEntry.id, ResellerPool.id.label("pool_id"))
        .join(ResellerPool, ResellerPool.reseller_id == DirectoryEntry.id)
        .join(Subscription, Subscription.id == ResellerPool.subscription_id)
        .where(
            DirectoryEntry.lar_id == LAR,
            ResellerPool.status == "Active",
            ResellerPool.assigned_quantity > 0,
            ResellerPool.expires_at.is_(None),
            Subscription.expires_at > now + timedelta(days=60),
            DirectoryEntry.id.in_(pending),
        )
        .order_by(DirectoryEntry.id.desc()),
    )
    pending_pool = _read(server, select(ResellerPool.id).where(ResellerPool.reseller_id == row.id,
                                                               ResellerPool.status == "Pending acceptance",
                                                               ResellerPool.expires_at.is_(None)))
    return row.id, row.pool_id, pending_pool.id


def _select_pool(page, pool_id: int):
    page.locator(f'#pools-grid .ag-row[row-id="{pool_id}"] .ag-selection-checkbox input').check()


def test_edit_with_payment_type_locked_expire_now_and_quantity(page, server):
    reseller_id, active_id, pending_id = _reseller_with_assigned_pool(server)
    sign_in(page)
    page.goto(f"{page.base_url}/resellers/{reseller_id}")
    before = _check_figures(page, server, reseller_id)
    edit = page.locator("#pools-edit-open")
    expect(edit).to_be_disabled()
    _select_pool(page, active_id)
    edit.click()
    drawer = page.locator(".mantine-Drawer-content")
    expect(page.locator("#edit-pool-payment")).to_be_disabled()
    expect(page.locator("#edit-pool-qty")).to_be_focused()  # its first field that can change
    expect(drawer.get_by_text(re.compile("Locked: the reseller has assigned this pool"))).to_be_visible()
    warning = page.locator("#edit-pool-expire-warning")
    expect(warning).to_be_hidden()
    drawer.get_by_label("Expire now").check()
    # Said before Save: the customers holding seats from it lose them (outside review).
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(
        re.compile(r"Saving ends this pool today\. \d+ customers? of this reseller holds? "))
    drawer.get_by_label("Same as pooled subscription").check()
    expect(warning).to_be_hidden()
    drawer.get_by_label("Expire now").check()
    shoot(page, "edit-pool-locked")
    page.click("#edit-pool-save")
    expect(page.get_by_text(re.compile(r"It is now expired"))).to_be_visible()
    expect(page.locator(f'#pools-grid .ag-row[row-id="{active_id}"] [col-id="status"]')).to_have_text("Expired")
    expect(page.locator("#pools-count")).to_contain_text("expired")
    after = _check_figures(page, server, reseller_id)
    assert after["pools"] == before["pools"] - 1
    with server["db"].reading() as s:
        expired = s.get(ResellerPool, active_id)
        assert expired.expires_at <= server["clock"].now() and expired.seats_held is False and expired.version == 2
    shoot(page, "edit-pool-expired")

    _select_pool(page, active_id)  # the grid cleared its selection on reload
    _select_pool(page, pending_id)
    expect(edit).to_be_disabled()  # two rows: Edit takes one
    page.locator(f'#pools-grid .ag-row[row-id="{active_id}"] .ag-selection-checkbox input').uncheck()
    edit.click()
    expect(page.locator("#edit-pool-payment")).to_be_enabled()
    with server["db"].reading() as s:
        old = s.get(ResellerPool, pending_id).quantity
    qty = page.locator("#edit-pool-qty")
    qty.fill(str(old + 1))
    page.click("#edit-pool-save")
    expect(page.get_by_text(re.compile(r"^Saved (?!.*expired)"))).to_be_visible()
    with server["db"].reading() as s:
        assert s.get(ResellerPool, pending_id).quantity == old + 1
        deltas = s.scalars(select(AllocationEvent.purchased_delta)
                           .where(AllocationEvent.reseller_pool_id == pending_id)).all()
        assert 1 in deltas
    _check_figures(page, server, reseller_id)


def test_return_to_pool_asks_first_naming_pools_and_subscriptions(page, server):
    reseller_id, _active, pending_id = _reseller_with_assigned_pool(server)
    with server["db"].reading() as s:
        pool = s.get(ResellerPool, pending_id)
        sub = s.get(Subscription, pool.subscription_id)
        allocated, quantity = sub.allocated_quantity, pool.quantity
    sign_in(page)
    page.goto(f"{page.base_url}/resellers/{reseller_id}")
    _select_pool(page, pending_id)
    page.click("#pools-return")
    modal = page.locator("#pools-return-list")
    expect(modal).to_contain_text(f"{quantity:,} user seats")
    expect(modal).to_contain_text(f"go back to {sub.name}")
    shoot(page, "return-confirm")
    page.click("#pools-return-cancel")
    with server["db"].reading() as s:
        assert s.get(ResellerPool, pending_id) is not None
    page.click("#pools-return")
    page.click("#pools-return-confirm")
    expect(page.get_by_text(re.compile(r"Returned 1 pool"))).to_be_visible()
    expect(page.locator(f'#pools-grid .ag-row[row-id="{pending_id}"]')).to_have_count(0)
    with server["db"].reading() as s:
        assert s.get(ResellerPool, pending_id) is None
        assert s.get(Subscription, sub.id).allocated_quantity == allocated - quantity
    _check_figures(page, server, reseller_id)


def test_add_pool_waits_for_a_mapped_reseller(page, server):
    unmapped = _read(
        server, select(DirectoryEntry).where(DirectoryEntry.lar_id == LAR, DirectoryEntry.status == "Unmapped")
    )[0]
    sign_in(page)
    _find(page, unmapped.email, unmapped.id)
    page.locator(f'.ag-row[row-id="{unmapped.id}"] .ag-selection-checkbox input').check()
    button = page.locator("#dir-addpool-open")
    expect(button).to_be_disabled()
    page.locator(".tooltip-target", has=button).hover()
    expect(page.get_by_role("tooltip")).to_have_text("Only mapped resellers can receive pools.")
    shoot(page, "addpool-unmapped-tooltip")


def test_analyst_cannot_add_or_edit_pools(page, server):
    reseller_id, active_id, _pending = _reseller_with_assigned_pool(server)
    sign_in(page, "analyst@demo.example")
    page.goto(f"{page.base_url}/resellers/{reseller_id}")
    expect(page.locator("#pools-add-open")).to_be_disabled()
    page.locator(".tooltip-target", has=page.locator("#pools-add-open")).hover()
    expect(page.get_by_role("tooltip")).to_have_text("Your role can view but not change pools.")
    expect(page.locator(f'#pools-grid .ag-row[row-id="{active_id}"]')).to_be_visible()
    expect(page.locator("#pools-grid .ag-selection-checkbox")).to_have_count(0)
    expect(page.locator("#pools-edit-open")).to_be_disabled()


def test_the_wizard_keeps_what_was_typed_and_names_a_bad_quantity(page, server):
    reseller = _read(
        server,
        select(DirectoryEntry)
        .where(DirectoryEntry.lar_id == LAR, DirectoryEntry.status == "Mapped")
        .order_by(DirectoryEntry.id.desc()),
    )[0]
    before = _pool_count(server, reseller.id)
    sign_in(page)
    _find(page, reseller.email, reseller.id)
    page.locator(f'.ag-row[row-id="{reseller.id}"] .ag-selection-checkbox input').check()
    page.click("#dir-addpool-open")
    page.locator(".service-card", has_text="Insights").click()
    page.click("#addpool-next")
    expect(page.get_by_role("tab", name=re.compile("Insights"))).to_be_focused()  # keyboard lands on the form
    form = page.locator(".addpool-tabs .mantine-Tabs-panel").nth(0)
    seats = form.get_by_role("textbox", name="User seats")
    for typed in ("0", "1.5", "-1", "1e3"):
        seats.fill(typed)
        seats.blur()
        expect(seats).to_have_value(typed)  # never rounded or clamped behind the user's back
        expect(form.get_by_text("Enter a whole number of user seats, 1 or more.")).to_be_visible()
    page.click("#addpool-save")
    expect(page.get_by_text(re.compile("Nothing was saved"))).to_be_visible()
    assert _pool_count(server, reseller.id) == before
    seats.fill("7")
    _choose(page, form, "Payment type", "Pay as you go")
    page.click("#addpool-back")
    page.locator(".service-card", has_text="Opus").click()
    page.click("#addpool-next")
    expect(page.get_by_role("tab")).to_have_count(2)
    form = page.locator(".addpool-tabs .mantine-Tabs-panel").nth(0)
    expect(form.get_by_role("textbox", name="User seats")).to_have_value("7")
    expect(form.get_by_role("textbox", name="Payment type")).to_have_value("Pay as you go")
    page.get_by_role("button", name="Close").click()
    assert _pool_count(server, reseller.id) == before
