"""The Reseller directory in headless Chromium: search, filter chips, columns, export, the reseller
page link and what an analyst may do, and the answers' headers."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from data.models import DirectoryEntry
from tests.e2e.conftest import shoot, sign_in
from tests.e2e.directory_steps import LAR, _one, search

pytestmark = pytest.mark.e2e


def test_search_and_status_filter_chips(page, server):
    sign_in(page)
    total = _one(server, select(func.count()).select_from(DirectoryEntry).where(DirectoryEntry.lar_id == LAR))[0]
    expect(page.locator("#dir-count")).to_have_text(f"{total} resellers")
    target = _one(
        server,
        select(DirectoryEntry.id, DirectoryEntry.email).where(DirectoryEntry.lar_id == LAR).order_by(DirectoryEntry.id),
    )
    keyword = target.email.split("@")[1].split(".")[0]
    matching = _one(server, select(func.count()).select_from(DirectoryEntry)
                    .where(DirectoryEntry.lar_id == LAR, DirectoryEntry.email.contains(keyword)))[0]
    assert matching < total
    search(page, keyword)
    expect(page.locator("#dir-count")).to_have_text(f"{matching} of {total} resellers")
    expect(page.locator(f'.ag-row[row-id="{target.id}"]')).to_be_visible()
    for email in page.locator('.ag-row [col-id="email"]').all_inner_texts():
        assert keyword in email
    shoot(page, "directory-search")
    search(page, "")
    expect(page.locator("#dir-count")).to_have_text(f"{total} resellers")

    unmapped = _one(server, select(func.count()).select_from(DirectoryEntry)
                    .where(DirectoryEntry.lar_id == LAR, DirectoryEntry.status == "Unmapped"))[0]
    page.click("#dir-filter-open")
    page.get_by_role("checkbox", name="Unmapped").check()
    page.click("#dir-filter-apply")
    chip = page.locator(".filter-chip", has_text="Status: Unmapped")
    expect(chip).to_be_visible()
    expect(page.locator("#dir-count")).to_have_text(f"{unmapped} of {total} resellers")
    statuses = page.locator('.ag-row [col-id="status"]').all_inner_texts()
    assert statuses and set(statuses) == {"Unmapped"}
    shoot(page, "directory-filter-chip")
    unmapped_box = page.get_by_role("checkbox", name="Unmapped")
    expect(unmapped_box).to_be_hidden()  # the popover closed on Filter
    page.click("#dir-filter-open")
    expect(unmapped_box).to_be_checked()  # and reopens with the condition ticked
    page.keyboard.press("Escape")
    page.get_by_label("Remove filter Status: Unmapped").click()
    expect(chip).to_have_count(0)
    expect(page.locator("#dir-count")).to_have_text(f"{total} resellers")


def test_unticking_every_column_keeps_the_last_one_ticked_and_shown(page):
    """Outside review: the boxes all read unticked while the grid still showed a column."""
    sign_in(page, "analyst@demo.example")  # a user of its own: the choice is saved per user
    page.goto(page.base_url + "/subscriptions")
    expect(page.locator("#subs-grid .ag-row[row-id]").first).to_be_visible()
    page.click("#subs-columns-open")
    boxes = page.locator(".mantine-Popover-dropdown:visible").get_by_role("checkbox")
    expect(boxes.first).to_be_visible()
    ticked = [i for i in range(boxes.count()) if boxes.nth(i).is_checked()]
    for i in ticked:
        boxes.nth(i).click()
    expect(page.get_by_text("Keep at least one column visible.")).to_be_visible()
    expect(boxes.nth(ticked[-1])).to_be_checked()  # the box goes back: the column is still shown
    assert [i for i in range(boxes.count()) if boxes.nth(i).is_checked()] == [ticked[-1]]
    expect(page.locator("#subs-grid .ag-header-cell[col-id]:not([col-id=ag-Grid-SelectionColumn])")).to_have_count(1)
    # The choice is saved per user: put it back for the tests after this one.
    for i in ticked[:-1]:
        boxes.nth(i).click()
        expect(boxes.nth(i)).to_be_checked()
    expect(page.locator('#subs-grid .ag-header-cell[col-id="name"]')).to_be_visible()


def test_the_directory_always_keeps_its_link_to_the_dashboards(page):
    """Issue 20: every column could be hidden, Organization name (the only link to a dashboard) too."""
    sign_in(page, "admin@demo.example")
    page.click("#dir-columns-open")
    kept = page.get_by_role("checkbox", name="Organization name")
    expect(kept).to_be_disabled()
    expect(kept).to_be_checked()
    boxes = page.locator(".mantine-Popover-dropdown:visible").get_by_role("checkbox")
    ticked = [i for i in range(boxes.count()) if boxes.nth(i).is_checked() and boxes.nth(i).is_enabled()]
    for i in ticked:
        boxes.nth(i).click()
    expect(page.locator("#dir-grid .ag-header-cell[col-id]:not([col-id=ag-Grid-SelectionColumn])")).to_have_count(1)
    expect(page.locator('.ag-header-cell[col-id="organization_name"]')).to_be_visible()
    expect(page.locator(".ag-row[row-id] .cell-link").first).to_be_visible()
    shoot(page, "directory-kept-column")
    for i in ticked:  # saved per user: put it back
        boxes.nth(i).click()
        expect(boxes.nth(i)).to_be_checked()


def test_manage_columns_is_remembered_across_sign_in(page):
    sign_in(page)
    header = page.locator('.ag-header-cell[col-id="email"]')
    expect(header).to_be_visible()
    page.click("#dir-columns-open")
    page.get_by_role("checkbox", name="Tenant owner").uncheck()
    expect(header).to_have_count(0)
    page.keyboard.press("Escape")
    page.click("#sign-out")
    page.wait_for_url(re.compile(r"/login"))
    sign_in(page)
    expect(page.locator('.ag-header-cell[col-id="status"]')).to_be_visible()
    expect(page.locator('.ag-header-cell[col-id="email"]')).to_have_count(0)
    page.click("#dir-columns-open")
    page.get_by_role("checkbox", name="Tenant owner").check()
    expect(header).to_be_visible()


def test_analyst_sees_everything_and_can_act_on_nothing(page, server):
    sign_in(page, "analyst@demo.example")
    expect(page.locator("#dir-read-only")).to_be_visible()
    first = page.locator(".ag-row[row-id]").first
    expect(first.locator(".visibility-toggle input")).to_be_disabled()
    expect(first.locator(".visibility-toggle")).to_have_class(re.compile(r"\bread-only\b"))
    expect(page.locator(".ag-selection-checkbox")).to_have_count(0)  # nothing to select for
    expect(page.locator("#dir-map-open")).to_be_disabled()
    expect(page.locator("#dir-delete-open")).to_be_disabled()


def test_organization_name_opens_the_reseller_page(page, server):
    sign_in(page)
    link = page.locator(".ag-row[row-id] .cell-link").first
    name = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/resellers/\d+$"))
    expect(page.locator("#reseller-name")).to_have_text(name)
    page.goto(page.base_url + "/resellers/999999")
    expect(page.locator("#not-found")).to_be_visible()


def test_export_downloads_the_searched_rows_with_visible_columns(page, server):
    sign_in(page)
    keyword = "networks"
    matching = _one(server, select(func.count()).select_from(DirectoryEntry)
                    .where(DirectoryEntry.lar_id == LAR, DirectoryEntry.email.contains(keyword)))[0]
    search(page, keyword)
    expect(page.locator("#dir-count")).to_have_text(re.compile(rf"^{matching} of \d+ resellers$"))
    page.click("#dir-export-open")
    page.fill("#dir-export-name", "my resellers")
    shoot(page, "directory-export")
    with page.expect_download() as download:
        page.click("#dir-export-download")
    assert download.value.suggested_filename == "my resellers.csv"
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("Organization name,Tenant owner,Status")
    assert "Invited" not in lines[0]  # hidden by default
    assert len(lines) == matching + 1
    assert all(keyword in line for line in lines[1:])


def test_responses_name_no_server_software_and_are_not_cached(server):
    import urllib.request
    with urllib.request.urlopen(server["url"] + "/login") as response:
        banner = response.headers.get("Server", "")
        assert "Werkzeug" not in banner and "Python" not in banner
        assert response.headers["Cache-Control"] == "no-store"
