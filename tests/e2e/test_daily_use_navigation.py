"""Fit for daily use (issue 12), in Chromium at 1440x900: the keyboard (rows, Tab stops, focus after
Back, dialogs and panels), and the view in the URL across reload, Back and a shared link."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from data.models import DirectoryEntry, ResellerPool
from tests.e2e.conftest import shoot, sign_in
from tests.e2e.daily_use_rows import LAR, _first_reseller

pytestmark = pytest.mark.e2e


def test_keyboard_reaches_rows_selects_with_space_and_opens_with_enter(page, server):
    sign_in(page)
    first = _first_reseller(server)
    page.locator("#dir-search").focus()
    for _ in range(40):  # Tab through the toolbar into the grid's cells
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.ag-cell')"):
            break
    else:
        raise AssertionError("Tab never reached a grid cell")
    focused = page.locator(".ag-cell-focus")
    expect(focused).to_have_css("outline-style", "solid")  # a visible focus ring
    for _ in range(3):
        if page.evaluate("!!document.activeElement.closest('.ag-row[row-index]')"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Home")  # first column of the focused row
    row = page.locator(".ag-row.ag-row-focus").first
    row_id = row.get_attribute("row-id")
    page.keyboard.press("Space")
    expect(page.locator(f'.ag-row[row-id="{row_id}"].ag-row-selected').first).to_be_visible()
    expect(page.locator("#dir-delete-open")).to_be_enabled()
    shoot(page, "keyboard-row-selected")

    for _ in range(4):  # to the Organization name cell (after the checkbox column)
        if page.evaluate("(document.activeElement.closest('.ag-cell') || {getAttribute: () => ''})"
                         ".getAttribute('col-id')") == "organization_name":
            break
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/resellers/{row_id}$"))
    assert row_id == str(first.id) or row_id.isdigit()


def _focused(page) -> str:
    return page.evaluate("""(() => { const e = document.activeElement;
        if (e.closest('.ag-header')) return 'header';
        if (e.closest('.ag-body')) return 'row ' + e.closest('.ag-row').getAttribute('row-index');
        return e.id || e.getAttribute('aria-label') || e.tagName; })()""")


def test_tab_leaves_a_grid_in_one_step(page, server):
    sign_in(page)
    page.locator(".ag-row[row-index='3'] [col-id='customers']").click()  # a cell with no control
    expect(page.locator(".ag-row[row-index='3'] .ag-cell-focus")).to_have_count(1)
    page.keyboard.press("Tab")
    assert page.evaluate("!document.activeElement.closest('.ag-root')")
    page.locator(".ag-row[row-index='3'] [col-id='customers']").click()
    page.keyboard.press("Shift+Tab")  # back to the header row, then out of the grid
    # The grid moves the focus to the header a tick after the key (leaveGridOnTab).
    expect(page.locator(".ag-header :focus")).to_have_count(1)
    assert _focused(page) == "header"
    page.keyboard.press("Shift+Tab")
    assert _focused(page) == "dir-columns-open"


def test_the_header_row_is_one_tab_stop_between_the_toolbar_and_the_rows(page, server):
    """Issue 20: every column header was its own Tab stop (14 Tabs from the search box to a row)."""
    sign_in(page)
    page.focus("#dir-search")
    stops = []
    for _ in range(8):
        page.keyboard.press("Tab")
        stops.append(_focused(page))
        if stops[-1].startswith("row"):
            break
    # Add pool, Map and Delete are disabled until a row is selected: no stop.
    assert stops == ["dir-export-open", "dir-filter-open", "dir-columns-open", "header", "row 0"], stops
    page.keyboard.press("ArrowUp")  # arrow keys still reach every header cell, to sort by keyboard
    page.keyboard.press("ArrowRight")
    assert _focused(page) == "header"


def test_search_filter_sort_and_page_survive_reload_back_and_a_shared_link(page, server):
    sign_in(page)
    page.fill("#dir-search", "networks")
    page.press("#dir-search", "Enter")
    expect(page.locator("#dir-count")).not_to_have_text("60 resellers")
    searched = page.inner_text("#dir-count")
    page.locator(".ag-header-cell", has_text="Organization name").click()
    page.locator(".ag-header-cell", has_text="Organization name").click()  # descending
    page.click("#dir-filter-open")
    page.get_by_role("checkbox", name="Mapped", exact=True).check()
    page.click("#dir-filter-apply")
    expect(page.locator("#dir-count")).not_to_have_text(searched)
    expect(page).to_have_url(re.compile(r"dir_q=networks"))
    expect(page).to_have_url(re.compile(r"dir_status=Mapped"))
    expect(page).to_have_url(re.compile(r"dir_sort=organization_name\.desc"))
    count = page.inner_text("#dir-count")
    top = page.locator(".ag-row[row-index='0'] .cell-link").inner_text()
    page.reload()
    expect(page.locator("#dir-search")).to_have_value("networks")
    expect(page.locator("#dir-count")).to_have_text(count)
    expect(page.locator(".ag-row[row-index='0'] .cell-link")).to_have_text(top)
    expect(page.locator("#dir-chips")).to_contain_text("Status: Mapped")
    opened = page.locator(".ag-row[row-index='1']").first.get_attribute("row-id")
    page.locator(".ag-row[row-index='1'] .cell-link").click()
    page.wait_for_url(re.compile(r"/resellers/\d+"))
    page.go_back()
    expect(page.locator("#dir-search")).to_have_value("networks")
    expect(page.locator("#dir-count")).to_have_text(count)
    expect(page.locator(".ag-row[row-index='0'] .cell-link")).to_have_text(top)
    # The keyboard is back on the row that was opened, not at the top of the document.
    expect(page.locator(f'.ag-row[row-id="{opened}"] .ag-cell[col-id="organization_name"]')).to_be_focused()
    shoot(page, "url-state-after-back")
    page.goto(page.base_url + "/?dir_page=2")  # a shared link to the second page
    expect(page.locator(".ag-paging-description")).to_contain_text("Page 2 of 2")
    expect(page).to_have_url(re.compile(r"dir_page=2"))
    page.goto(page.base_url + "/?dir_page=9")  # past the end: the last page, and the URL says so
    expect(page.locator(".ag-paging-description")).to_contain_text("Page 2 of 2")
    expect(page).to_have_url(re.compile(r"dir_page=2$"))
    page.goto(page.base_url + "/?dir_q=blue&dir_page=9")  # one page of matches: no page in the URL
    expect(page.locator(".ag-paging-description")).to_contain_text("Page 1 of 1")
    expect(page).to_have_url(re.compile(r"/\?dir_q=blue$"))
    page.goto(page.base_url + "/?dir_sort=nope.sideways&dir_status=Bogus&dir_page=x")  # ignored, not an error
    expect(page.locator("#dir-count")).to_have_text("60 resellers")


def test_leaving_the_search_box_searches_and_the_back_link_keeps_the_view(page, server):
    sign_in(page)
    page.fill("#dir-search", "networks")
    page.locator("#dir-search").blur()
    expect(page.locator("#dir-count")).not_to_have_text("60 resellers")
    expect(page).to_have_url(re.compile(r"dir_q=networks"))
    count = page.inner_text("#dir-count")
    page.locator(".ag-row[row-index='0'][row-id] .cell-link").click()
    page.wait_for_url(re.compile(r"/resellers/\d+"))
    page.get_by_role("link", name="← Reseller directory").click()
    expect(page).to_have_url(re.compile(r"dir_q=networks"))
    expect(page.locator("#dir-search")).to_have_value("networks")
    expect(page.locator("#dir-count")).to_have_text(count)


def test_map_waits_for_one_unmapped_entry_and_delete_takes_enter(page, server):
    with server["db"].reading() as s:
        invited = s.execute(select(DirectoryEntry.id, DirectoryEntry.email).where(
            DirectoryEntry.lar_id == LAR, DirectoryEntry.status == "Invited",
            DirectoryEntry.id.not_in(select(ResellerPool.reseller_id))).order_by(DirectoryEntry.id.desc())).first()
    sign_in(page)
    page.fill("#dir-search", invited.email)
    page.press("#dir-search", "Enter")
    expect(page.locator(".ag-row[row-id]")).to_have_count(1)
    page.locator(f'.ag-row[row-id="{invited.id}"] .ag-selection-checkbox input').check()
    expect(page.locator("#dir-map-open")).to_be_disabled()  # Invited: nothing to map yet
    page.click("#dir-delete-open")
    box = page.locator("#dir-delete-confirm-text")
    expect(box).to_be_focused()  # the dialog opens on what it asks for, not on its close button
    box.press_sequentially("yes")
    box.press("Enter")  # at once: the Enter carries what was typed (outside review)
    expect(page.get_by_text(re.compile(r"^Deleted 1 reseller"))).to_be_visible()
    expect(page.locator("#dir-search")).to_be_focused()  # no row left: focus is not dropped to the page
    with server["db"].reading() as s:
        assert s.get(DirectoryEntry, invited.id) is None


def test_moving_between_pages_puts_the_keyboard_on_the_new_heading(page, server):
    sign_in(page, "admin@demo.example")
    page.get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", name="Users")).to_be_focused()
    page.go_back()
    expect(page.get_by_role("heading", name="Reseller directory")).to_be_focused()
    page.keyboard.press("Tab")  # Tab goes on from the heading, into the page
    assert page.evaluate("!!document.activeElement.closest('#_pages_content')")


def test_back_puts_the_keyboard_on_a_row_far_down_and_a_page_opened_by_a_link_on_its_heading(page, server):
    sign_in(page)
    page.evaluate("dash_ag_grid.getApiAsync('dir-grid').then(api => api.ensureIndexVisible(40, 'middle'))")
    row = page.locator(".ag-row[row-index='40']").first
    expect(row).to_be_visible()
    opened = row.get_attribute("row-id")
    page.locator(".ag-row[row-index='40'] .cell-link").click()
    page.wait_for_url(re.compile(rf"/resellers/{opened}$"))
    expect(page.locator("#reseller-name")).to_be_focused()  # opened by a link: its heading
    page.go_back()
    expect(page.locator(f'.ag-row[row-id="{opened}"] .ag-cell[col-id="organization_name"]')).to_be_focused()
    page.keyboard.press("ArrowDown")  # the keyboard really is in the grid
    expect(page.locator(".ag-row[row-index='41'] .ag-cell[col-id='organization_name']")).to_be_focused()


def test_removing_a_filter_chip_by_keyboard_keeps_focus_among_the_filters(page, server):
    sign_in(page)
    page.goto(page.base_url + "/?dir_status=mapped,invited")  # letter case does not matter
    chips = page.locator("#dir-chips [aria-label^='Remove filter']")
    expect(chips).to_have_count(2)
    chips.first.focus()
    page.keyboard.press("Enter")
    expect(chips).to_have_count(1)
    expect(chips.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(chips).to_have_count(0)
    expect(page.locator("#dir-filter-open")).to_be_focused()


def test_escape_closes_the_filter_panel_and_returns_to_its_button(page, server):
    sign_in(page)
    page.click("#dir-filter-open")
    box = page.get_by_role("checkbox", name="Mapped", exact=True)
    box.focus()
    page.keyboard.press("Escape")
    expect(page.locator("#dir-filter-apply")).to_be_hidden()
    expect(page.locator("#dir-filter-open")).to_be_focused()


def test_panels_open_on_their_first_field(page, server):
    """Issue 20: Single invite opened with the focus on Close, so typing did nothing and Enter closed it."""
    with server["db"].reading() as s:
        unmapped = s.execute(select(DirectoryEntry.id, DirectoryEntry.email).where(
            DirectoryEntry.lar_id == LAR, DirectoryEntry.status == "Unmapped").order_by(DirectoryEntry.id)).first()
    sign_in(page)
    page.click("#invite-open")
    page.click("#invite-single")
    expect(page.locator("#invite-email")).to_be_focused()
    page.keyboard.type("owner@typed.example")
    expect(page.locator("#invite-email")).to_have_value("owner@typed.example")
    page.keyboard.press("Escape")
    page.click("#invite-open")
    page.click("#invite-batch")
    expect(page.locator("#batch-template-xlsx")).to_be_focused()
    page.keyboard.press("Escape")
    page.fill("#dir-search", unmapped.email)
    page.press("#dir-search", "Enter")
    expect(page.locator(".ag-row[row-id]")).to_have_count(1)
    page.locator(f'.ag-row[row-id="{unmapped.id}"] .ag-selection-checkbox input').check()
    page.click("#dir-map-open")
    expect(page.locator("#dir-map-owner")).to_be_focused()
