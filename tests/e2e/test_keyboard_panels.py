"""Outside review, keyboard only (Chromium): Set threshold and every grid's Export opened with the
focus on their Close button, and the grids' Filter and Manage columns popovers left it on their
button, their fields reached only after the grid and its pager (Manage columns) or never (Filter),
and Escape on Filter left it on the pager."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select, update

from data.models import DirectoryEntry, ResellerPool, Subscription
from tests.e2e.conftest import SCREENSHOTS, sign_in

pytestmark = pytest.mark.e2e
LAR = 1
# What Tab stops on in a popover: its boxes and lists' search fields (a box that is always
# ticked is disabled), and its button.
CONTROLS = "input:not([type=hidden]):not([disabled]), button:not([disabled])"


def _grids(server) -> list[tuple[str, str]]:
    """(page, grid prefix) for every grid: a reseller's dashboard has two."""
    with server["db"].reading() as s:
        rid = (
            s.execute(
                select(ResellerPool.reseller_id)
                .join(DirectoryEntry, DirectoryEntry.id == ResellerPool.reseller_id)
                .where(
                    DirectoryEntry.lar_id == LAR,
                    DirectoryEntry.status == "Mapped",
                    DirectoryEntry.customer_visibility.is_(True),
                )
                .group_by(ResellerPool.reseller_id)
                .order_by(func.count().desc(), ResellerPool.reseller_id)
            )
            .scalars()
            .first()
        )
    return [("/", "dir"), ("/subscriptions", "subs"), ("/activity", "act"), ("/renewals?ren_window=90", "ren"),
            (f"/resellers/{rid}", "pools"), (f"/resellers/{rid}", "customers")]


def _open(page, path: str, prefix: str):
    if not page.url.endswith(path):
        page.goto(page.base_url + path)
    grid = page.locator(f"#{prefix}-grid")
    grid.scroll_into_view_if_needed()
    expect(grid.locator(".ag-row[row-id]").first).to_be_attached()
    expect(page.locator(f"#{prefix}-count")).not_to_have_text("Loading…")


def _shoot(page, name: str):
    """At 1440x900, the panel's opening transition run to its end."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), animations="disabled")


def _press(page, button_id: str):
    """A button used by keyboard: focused, then Enter."""
    page.locator(f"#{button_id}").focus()
    expect(page.locator(f"#{button_id}")).to_be_focused()
    page.keyboard.press("Enter")


def test_set_threshold_opens_on_its_first_field_the_kind_chosen(page, server):
    sign_in(page, "admin@demo.example")
    page.goto(page.base_url + "/subscriptions")
    rows = page.locator("#subs-grid .ag-row[row-id]")
    expect(rows.first).to_be_visible()
    plain, with_threshold = rows.nth(0).get_attribute("row-id"), rows.nth(1).get_attribute("row-id")
    with server["db"].unit_of_work() as s:
        s.execute(update(Subscription).where(Subscription.id == int(plain))
                  .values(low_threshold=None, low_threshold_kind=None))
        s.execute(update(Subscription).where(Subscription.id == int(with_threshold))
                  .values(low_threshold=40, low_threshold_kind="percent"))
    page.reload()
    kind = page.locator("#subs-threshold-kind")
    for row_id, chosen in ((plain, "none"), (with_threshold, "percent")):
        box = page.locator(f'#subs-grid .ag-row[row-id="{row_id}"] .ag-selection-checkbox input')
        box.check()
        expect(page.locator("#subs-threshold-open")).to_be_enabled()
        _press(page, "subs-threshold-open")
        dialog = page.get_by_role("dialog", name="Set threshold")
        expect(dialog).to_be_visible()
        # The first field, on the kind chosen (where Tab lands in a group of radio buttons), not Close.
        expect(kind.locator(f"input[type=radio][value={chosen}]")).to_be_checked()
        expect(kind.locator(f"input[type=radio][value={chosen}]")).to_be_focused()
        _shoot(page, f"keyboard-threshold-{chosen}")
        if chosen == "percent":
            page.keyboard.press("Tab")  # the value comes next, enabled for a percentage
            expect(page.locator("#subs-threshold-value")).to_be_focused()
            expect(page.locator("#subs-threshold-value")).to_have_value("40")
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        expect(page.locator("#subs-threshold-open")).to_be_focused()
        box.uncheck()


def test_every_export_opens_on_its_file_name(page, server):
    sign_in(page)
    for path, prefix in _grids(server):
        _open(page, path, prefix)
        _press(page, f"{prefix}-export-open")
        name = page.locator(f"#{prefix}-export-name")
        expect(name).to_be_focused()  # not the window's Close button
        if prefix == "dir":
            _shoot(page, "keyboard-export-open")
        page.keyboard.press("End")
        page.keyboard.type("-typed")  # typing goes into the field
        expect(name).to_have_value(re.compile(r"\w-typed$"))
        page.keyboard.press("Escape")
        expect(name).to_be_hidden()
        expect(page.locator(f"#{prefix}-export-open")).to_be_focused()


def _tab_around(page, popover, prefix: str, kind: str):
    """Opened by keyboard: on its first control; Tab goes round its controls, Shift+Tab back."""
    controls = popover.locator(CONTROLS)
    expect(controls.first).to_be_focused()
    if prefix == "dir":
        _shoot(page, f"keyboard-{kind}-open")
    count = controls.count()
    assert count >= 2, (prefix, kind, count)
    for step in range(1, count + 1):
        page.keyboard.press("Tab")
        expect(controls.nth(step % count), f"{prefix} {kind}: Tab {step}").to_be_focused()
    page.keyboard.press("Shift+Tab")  # from the first control round to the last
    expect(controls.nth(count - 1)).to_be_focused()


def test_filter_and_manage_columns_keep_the_keyboard_inside_until_escape(page, server):
    sign_in(page)
    for path, prefix in _grids(server):
        _open(page, path, prefix)
        for kind in ("filter", "columns"):
            trigger = page.locator(f"#{prefix}-{kind}-open")
            popover = page.locator(f'.{kind}-panel[data-opener="{prefix}-{kind}-open"]')
            _press(page, f"{prefix}-{kind}-open")
            expect(popover).to_be_visible()
            _tab_around(page, popover, prefix, kind)
            search = popover.get_by_role("textbox")
            if kind == "filter" and search.count():
                # A searchable list: Escape closes the list only, the panel and the keyboard stay.
                search.first.focus()
                page.keyboard.press("ArrowDown")
                expect(popover.get_by_role("listbox")).to_be_visible()
                page.keyboard.press("Escape")
                expect(popover.get_by_role("listbox")).to_have_count(0)
                expect(popover).to_be_visible()
                expect(search.first).to_be_focused()
                page.keyboard.press("ArrowDown")  # Tab from an open list: on to the next control
                expect(popover.get_by_role("listbox")).to_be_visible()
                page.keyboard.press("Tab")
                expect(popover.get_by_role("listbox")).to_have_count(0)
                expect(popover.locator(":focus")).to_have_count(1)
            page.keyboard.press("Escape")
            expect(popover).to_be_hidden()
            expect(trigger).to_be_focused()


def test_filter_applied_by_keyboard_returns_to_its_button(page, server):
    sign_in(page)
    _press(page, "dir-filter-open")
    popover = page.locator('.filter-panel[data-opener="dir-filter-open"]')
    mapped = popover.get_by_role("checkbox", name="Mapped", exact=True)
    expect(popover.locator(CONTROLS).first).to_be_focused()
    for _ in range(popover.locator(CONTROLS).count()):
        if mapped.evaluate("box => box === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(mapped).to_be_focused()
    page.keyboard.press("Space")
    expect(mapped).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("#dir-filter-apply")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#dir-chips .filter-chip", has_text="Status: Mapped")).to_be_visible()
    expect(popover).to_be_hidden()
    expect(page.locator("#dir-filter-open")).to_be_focused()  # not dropped to the page
