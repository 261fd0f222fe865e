"""Sessions in Chromium (issue 11 item 1): an admin disabling a user on the Users page ends
that user's open console, which goes to sign-in on its next action; sign-out in one tab ends
the other; Change password keeps this browser and ends the other."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def second_page(browser, server):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.base_url = server["url"]
    yield pg
    context.close()


def _search(pg, text):
    pg.fill("#dir-search", text)
    pg.press("#dir-search", "Enter")


def test_disabling_a_user_on_the_users_page_sends_their_open_console_to_sign_in(page, second_page):
    sign_in(second_page, "analyst@demo.example")
    sign_in(page, "admin@demo.example")
    page.get_by_role("link", name="Users").click()
    row = page.get_by_role("row", name="analyst@demo.example")
    expect(row).to_contain_text("1")  # one signed-in browser
    me = page.get_by_role("row", name="admin@demo.example")
    expect(me.get_by_role("switch")).to_be_disabled()
    row.get_by_role("switch").click()
    expect(page.get_by_role("dialog")).to_contain_text("Disable analyst@demo.example?")
    page.get_by_role("button", name="Disable", exact=True).click()
    expect(page.locator(".mantine-Notification-root")).to_contain_text("signed out everywhere")
    expect(page.get_by_role("row", name="analyst@demo.example")).to_contain_text("Disabled")
    _search(second_page, "systems")
    expect(second_page).to_have_url(f"{second_page.base_url}/login?ended=1&next=%2F")
    second_page.fill("#email", "analyst@demo.example")
    second_page.fill("#password", "demo1234")
    second_page.click("button[type=submit]")
    expect(second_page.get_by_role("alert")).to_contain_text("incorrect")
    page.get_by_role("row", name="analyst@demo.example").get_by_role("switch").click()
    expect(page.get_by_role("row", name="analyst@demo.example")).to_contain_text("Active")
    sign_in(second_page, "analyst@demo.example")


def test_sign_out_in_one_browser_ends_a_copy_elsewhere(page, second_page):
    sign_in(page, "operator@demo.example")
    second_page.context.add_cookies(page.context.cookies())
    second_page.goto(second_page.base_url + "/")
    expect(second_page.locator(".ag-row[row-id]").first).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(page.base_url + "/login")
    _search(second_page, "systems")
    expect(second_page).to_have_url(f"{second_page.base_url}/login?ended=1&next=%2F")


def test_change_password_keeps_this_browser_and_ends_the_other(page, second_page):
    other, here = second_page, page
    here.expected_errors = ["status of 400"]  # the refused form's answer
    sign_in(other, "analyst@demo.example")
    sign_in(here, "analyst@demo.example")
    here.get_by_role("link", name="Change password").click()
    here.fill("#current", "demo1234")
    here.fill("#new", "another-pass-1")
    here.fill("#repeat", "another-pass-2")
    here.click("button[type=submit]")
    expect(here.locator("#repeat-error")).to_have_text("The two passwords differ.")
    here.fill("#current", "demo1234")
    here.fill("#new", "another-pass-1")
    here.fill("#repeat", "another-pass-1")
    here.click("button[type=submit]")
    expect(here.get_by_role("heading", name="Password changed")).to_be_visible()
    here.get_by_role("link", name="Back to the console").click()
    expect(here.locator(".ag-row[row-id]").first).to_be_visible()
    _search(other, "systems")
    expect(other).to_have_url(f"{other.base_url}/login?ended=1&next=%2F")
    sign_in(other, "analyst@demo.example", "another-pass-1")


def test_a_callback_the_server_could_not_answer_is_said_on_the_page(page):
    """Outside test of issue 19 (N5): a save that failed on the server (here: the database
    answering 503, as on a full disk) left the page silent."""
    sign_in(page)
    page.expected_errors = ("503", "Callback error")  # the browser logs the failed request itself
    message = "The database is unavailable right now, so nothing was saved or changed. Try again in a few minutes."
    page.route("**/_dash-update-component*", lambda route: route.fulfill(
        status=503, content_type="application/json", body=json.dumps({"error": message})))
    page.fill("#dir-search", "networks")
    page.press("#dir-search", "Enter")
    alert = page.locator("#server-error")
    expect(alert).to_have_text(message)
    expect(alert).to_have_attribute("role", "alert")
    page.unroute("**/_dash-update-component*")
