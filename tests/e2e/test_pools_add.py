"""Add pool in headless Chromium: the wizard for two services, refused over-allocation, a reseller
not yet mapped, what was typed kept; then the grid, the KPIs and the chart, compared with what the
services say."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from data.models import DirectoryEntry, ResellerPool, Subscription
from tests.e2e.conftest import shoot, sign_in
from tests.e2e.pool_steps import LAR, _check_figures, _read

pytestmark = pytest.mark.e2e


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
