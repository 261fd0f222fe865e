"""The Users page in Chromium (issue 20: users could only be disabled): an admin invites a
teammate whose emailed link sets the password, changes a role, removes a user; Forgot your
password? from the Sign in page."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from data.models import OutgoingEmail
from tests.e2e.conftest import shoot, sign_in


def _link(server, to: str) -> str:
    with server["db"].reading() as s:
        body = s.scalars(select(OutgoingEmail.body).where(OutgoingEmail.to == to).order_by(OutgoingEmail.id.desc())
                         ).first()
    return re.search(r"https?://\S+/password/\S+", body).group(0)


def test_an_admin_invites_a_teammate_changes_the_role_and_removes_the_user(page, server, browser):
    sign_in(page, "admin@demo.example")
    page.get_by_role("link", name="Users").click()
    page.click("#users-invite-open")
    expect(page.locator("#users-invite-email")).to_be_focused()
    page.keyboard.type("nia@demo.example")
    page.fill("#users-invite-name", "Nia New")
    page.get_by_label("Operator: reads and acts on resellers and pools").check()
    page.click("#users-invite-send")
    expect(page.get_by_text(re.compile(r"Invited nia@demo.example as Operator"))).to_be_visible()
    row = page.get_by_role("row").filter(has_text="nia@demo.example")
    expect(row).to_contain_text("Invitation sent")
    shoot(page, "users-invited")

    visitor = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    visitor.goto(_link(server, "nia@demo.example"))
    expect(visitor.get_by_role("heading", name=re.compile("Welcome to"))).to_be_visible()
    visitor.fill("#new", "a-good-long-password")
    visitor.fill("#repeat", "a-good-long-password")
    visitor.get_by_role("button", name="Set password").click()
    expect(visitor.get_by_role("heading", name="Password set")).to_be_visible()
    visitor.goto(server["url"] + "/")
    visitor.fill("#email", "nia@demo.example")
    visitor.fill("#password", "a-good-long-password")
    visitor.click("button[type=submit]")
    expect(visitor.locator("#dir-grid .ag-row[row-id]").first).to_be_visible()
    expect(visitor.get_by_text("Operator", exact=True)).to_be_visible()
    visitor.context.close()

    page.reload()
    row = page.get_by_role("row").filter(has_text="nia@demo.example")
    expect(row).not_to_contain_text("Invitation sent")
    row.get_by_role("textbox", name="Role of nia@demo.example").click()
    page.get_by_role("option", name="Analyst").click()
    expect(page.get_by_text("nia@demo.example is now Analyst.")).to_be_visible()
    row.get_by_role("button", name="Remove nia@demo.example").click()
    expect(page.locator("#users-remove-text")).to_contain_text("Remove nia@demo.example (Analyst)?")
    page.click("#users-remove-confirm")
    expect(page.get_by_text("Removed nia@demo.example.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="nia@demo.example")).to_have_count(0)
    shoot(page, "users-after-remove")


def test_forgot_your_password_answers_the_same_for_every_address(page, server):
    page.goto(server["url"] + "/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.fill("#email", "nobody-at-all@demo.example")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("status")).to_contain_text("If nobody-at-all@demo.example has an account")
    shoot(page, "forgot-password")


def test_operators_cannot_manage_users(page, server):
    sign_in(page, "operator@demo.example")
    page.get_by_role("link", name="Users").click()
    expect(page.locator("#users-invite-open")).to_be_disabled()
    expect(page.get_by_role("button", name=re.compile("^Remove"))).to_have_count(0)
