"""Edit pool, Expire now and Return to pool in headless Chromium (and an analyst's read-only view):
each followed by the grid, the KPIs and the chart, compared with what the services say."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from data.models import AllocationEvent, DirectoryEntry, ResellerPool, Subscription
from tests.e2e.conftest import shoot, sign_in
from tests.e2e.pool_steps import LAR, _check_figures, _read

pytestmark = pytest.mark.e2e


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
