"""Invite new reseller in headless Chromium: found and Invite, not found and Send email, and the
emailed link ending with the reseller in the directory as Unmapped."""
from __future__ import annotations

import re
import time
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from data.models import DirectoryEntry, Tenant
from tests.e2e.conftest import shoot, sign_in

pytestmark = pytest.mark.e2e


def _open_single_invite(page):
    page.click("#invite-open")
    page.get_by_role("menuitem", name="Single invite").click()
    expect(page.locator("#invite-email")).to_be_visible()


def _emailed_link(server, to: str) -> str:
    """The link in the newest .eml written for `to` (no SMTP_URL: the outbox folder)."""
    deadline = time.time() + 15
    while time.time() < deadline:
        for path in sorted((server["instance"] / "outbox").glob("*.eml"), reverse=True):
            message = message_from_bytes(path.read_bytes(), policy=default)
            if message["To"] == to:
                return re.search(r"http\S+/sign-up/\S+", message.get_body(("plain",)).get_content()).group(0)
        time.sleep(0.2)
    raise AssertionError(f"no email to {to}")


def test_a_registered_reseller_is_found_and_invited(page, server):
    with server["db"].reading() as s:
        taken = select(DirectoryEntry.tenant_id).where(
            DirectoryEntry.lar_id == 1, DirectoryEntry.tenant_id.is_not(None)
        )
        tenant = s.scalars(select(Tenant).where(Tenant.kind == "reseller", Tenant.id.not_in(taken))
                           .order_by(Tenant.id)).first()
    sign_in(page)
    _open_single_invite(page)
    page.fill("#invite-email", tenant.owner_email.upper())
    page.click("#invite-search")
    expect(page.locator("#invite-summary")).to_contain_text("1 registered reseller found by email. Click Invite.")
    invite = page.locator("#invite-invite")
    # The one match is chosen already: Invite is one click.
    expect(invite).to_be_enabled()
    expect(page.get_by_role("radio", name=re.compile(re.escape(tenant.organization_name)))).to_be_checked()
    shoot(page, "invite-found")
    invite.click()
    expect(page.get_by_text(re.compile(rf"Invited {re.escape(tenant.organization_name)}"))).to_be_visible()
    with server["db"].reading() as s:
        entry = s.scalars(
            select(DirectoryEntry).where(DirectoryEntry.lar_id == 1, DirectoryEntry.tenant_id == tenant.id)
        ).one()
        assert entry.status == "Invited"
    assert _emailed_link(server, tenant.owner_email.lower())
    page.fill("#dir-search", tenant.owner_email)
    page.press("#dir-search", "Enter")
    expect(page.locator(f'.ag-row[row-id="{entry.id}"] [col-id="status"]')).to_have_text("Invited")

    _open_single_invite(page)  # the same reseller again: shown as already in the directory
    page.fill("#invite-email", tenant.owner_email)
    page.click("#invite-search")
    expect(page.locator("#invite-summary")).to_have_text(
        f"Already in your directory: {tenant.organization_name}. There is no one to invite.")
    expect(page.get_by_text("In your directory", exact=True)).to_be_visible()
    expect(page.locator("#invite-invite")).to_be_hidden()


def test_a_search_without_a_name_warns_of_the_domains_resellers_and_entries(page, server):
    """Outside review: billing@ a mapped reseller's domain, no name, used to read as a stranger and
    Send email added a second entry for the same company."""
    with server["db"].reading() as s:
        entry = s.scalars(select(DirectoryEntry).where(DirectoryEntry.lar_id == 1, DirectoryEntry.status == "Mapped")
                          .order_by(DirectoryEntry.id)).first()
    domain = entry.email.rsplit("@", 1)[1]
    sign_in(page)
    _open_single_invite(page)
    page.fill("#invite-email", f"billing@{domain}")
    page.click("#invite-search")
    summary = page.locator("#invite-summary")
    expect(summary).to_contain_text(f"Registered resellers use @{domain}: enter the organization name")
    expect(summary).to_contain_text(f"Your directory already has {entry.organization_name} at @{domain}.")
    shoot(page, "invite-domain-hint")
    page.fill("#invite-org", entry.organization_name)
    page.click("#invite-search")
    expect(summary).to_contain_text("Already in your directory")


def test_an_unknown_address_gets_a_sign_up_email_and_lands_unmapped(page, server, browser):
    sign_in(page)
    _open_single_invite(page)
    page.fill("#invite-email", "not-an-email")
    page.click("#invite-search")
    expect(page.get_by_text(re.compile("Not a valid email address"))).to_be_visible()
    page.fill("#invite-email", "founder@brand-new-reseller.example")
    page.fill("#invite-org", "Brand New Reseller")
    page.click("#invite-search")
    expect(page.locator("#invite-summary")).to_contain_text("No registered reseller matches")
    shoot(page, "invite-not-found")
    page.click("#invite-send")
    expect(page.get_by_text(re.compile("Invited Brand New Reseller"))).to_be_visible()
    # Issue 20: the new entry is shown at once (it landed on a later page, out of sight).
    expect(page.locator("#dir-search")).to_have_value("founder@brand-new-reseller.example")
    invited = page.locator(".ag-row[row-id]")
    expect(invited).to_have_count(1)
    expect(invited.locator('[col-id="status"]')).to_have_text("Invited")
    link = _emailed_link(server, "founder@brand-new-reseller.example")

    visitor = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    visitor.goto(link)
    expect(visitor.get_by_role("heading", name="Sign up for Elements")).to_be_visible()
    visitor.fill("#organization_name", "Brand New Reseller GmbH")
    visitor.fill("#password", "a-good-long-password")
    visitor.fill("#repeated", "a-good-long-password")
    visitor.get_by_role("button", name="Sign up").click()
    expect(visitor.get_by_role("heading", name="Welcome, Brand New Reseller GmbH")).to_be_visible()
    shoot(visitor, "sign-up-done")
    visitor.context.close()

    page.fill("#dir-search", "founder@brand-new-reseller.example")
    page.press("#dir-search", "Enter")
    row = page.locator(".ag-row[row-id]")
    expect(row).to_have_count(1)
    expect(row.locator('[col-id="status"]')).to_have_text("Unmapped")
    expect(row.locator('[col-id="organization_name"]')).to_have_text("Brand New Reseller GmbH")
    shoot(page, "invite-unmapped-in-directory")


def test_a_refused_search_is_said_in_the_panel_and_gone_with_the_next_search(page, server):
    """Issue 20: "cannot invite another LAR" stayed up over later searches as a notification."""
    sign_in(page)
    _open_single_invite(page)
    page.fill("#invite-email", "admin@other.example")  # a user of the other demo LAR
    page.click("#invite-search")
    summary = page.locator("#invite-summary")
    expect(summary).to_have_text("You cannot invite another large account reseller.")
    expect(page.locator(".mantine-Notification-root")).to_have_count(0)
    page.fill("#invite-email", "someone@fresh-start.example")
    page.click("#invite-search")
    expect(summary).to_contain_text("No registered reseller matches someone@fresh-start.example")
    expect(page.get_by_text("You cannot invite another large account reseller.")).to_have_count(0)


def test_map_says_why_it_is_disabled(page, server):
    """Issue 20: Map on a mapped row was disabled with no reason."""
    with server["db"].reading() as s:
        mapped = s.execute(
            select(DirectoryEntry.id, DirectoryEntry.email, DirectoryEntry.organization_name)
            .where(DirectoryEntry.lar_id == 1, DirectoryEntry.status == "Mapped")
            .order_by(DirectoryEntry.id)
        ).first()
    sign_in(page)
    page.fill("#dir-search", mapped.email)
    page.press("#dir-search", "Enter")
    page.locator(f'.ag-row[row-id="{mapped.id}"] .ag-selection-checkbox input').check()
    expect(page.locator("#dir-map-open")).to_be_disabled()
    page.locator("#dir-map-open").locator("xpath=..").hover()
    expect(page.get_by_role("tooltip")).to_have_text(f"{mapped.organization_name} is already Mapped to its tenant.")


def test_the_analyst_cannot_invite(page):
    sign_in(page, "analyst@demo.example")
    expect(page.locator("#invite-open")).to_be_disabled()


def test_the_invitation_details_show_delivery_and_resend_sends_a_new_link(page, server):
    sign_in(page)
    _open_single_invite(page)
    page.fill("#invite-email", "second@resend-me.example")
    page.click("#invite-search")
    page.click("#invite-send")
    expect(page.get_by_text(re.compile("Invited resend-me.example"))).to_be_visible()
    first_link = _emailed_link(server, "second@resend-me.example")
    with server["db"].reading() as s:
        entry = s.scalars(select(DirectoryEntry).where(DirectoryEntry.email == "second@resend-me.example")).one()
    page.goto(f"{page.base_url}/resellers/{entry.id}")
    section = page.locator("#invitation-section")
    expect(section).to_contain_text("Delivered")  # no SMTP_URL here: the .eml file was written
    page.click("#invitation-resend")
    expect(page.get_by_text(re.compile("A new invitation link is on its way"))).to_be_visible()
    expect(section.locator("tbody tr")).to_have_count(2)
    expect(section.locator("tbody tr").nth(1)).to_contain_text("Expired")
    shoot(page, "invitation-details")
    deadline = time.time() + 15
    while _emailed_link(server, "second@resend-me.example") == first_link and time.time() < deadline:
        time.sleep(0.2)
    assert _emailed_link(server, "second@resend-me.example") != first_link


def test_a_batch_with_good_and_bad_rows_previews_then_invites(page, server, tmp_path):
    with server["db"].reading() as s:
        taken = select(DirectoryEntry.tenant_id).where(
            DirectoryEntry.lar_id == 1, DirectoryEntry.tenant_id.is_not(None)
        )
        emails = select(DirectoryEntry.email).where(DirectoryEntry.lar_id == 1)
        tenant = s.scalars(select(Tenant).where(Tenant.kind == "reseller", Tenant.id.not_in(taken),
                                                Tenant.owner_email.not_in(emails))
                           .order_by(Tenant.id.desc())).first()
        present = s.scalars(
            select(DirectoryEntry).where(DirectoryEntry.lar_id == 1).order_by(DirectoryEntry.id)
        ).first()
    upload = tmp_path / "resellers.csv"
    upload.write_bytes(("Organization name;Email address\r\n"
                        f"{tenant.organization_name};{tenant.owner_email}\r\n"
                        "Zürich Neu AG;kontakt@zuerich-neu.example\r\n"
                        "Twice;kontakt@zuerich-neu.example\r\n"
                        "Broken;not-an-email\r\n"
                        f"Present;{present.email}\r\n").encode("cp1252"))
    sign_in(page)
    page.click("#invite-open")
    page.get_by_role("menuitem", name="Batch invite").click()
    with page.expect_download() as template:
        page.click("#batch-template-xlsx")
    assert template.value.suggested_filename == "batch-invite-template.xlsx"
    page.set_input_files("#batch-upload input[type=file]", str(upload))
    expect(page.locator("#batch-summary")).to_have_text("5 rows: 1 can be invited, 4 will not be (see Check).")
    grid = page.locator("#batch-grid")
    expect(grid.locator('.ag-row[row-index="1"] [col-id="verdict"]')).to_have_text("Skipped")
    expect(grid.locator('.ag-row[row-index="2"] [col-id="detail"]')).to_have_text("Duplicate of row 3")
    expect(grid.locator('.ag-row[row-index="1"] [col-id="organization_name"]')).to_have_text("Zürich Neu AG")
    page.get_by_label("Send an invitation email to accounts not registered in Elements").check()
    expect(page.locator("#batch-summary")).to_have_text("5 rows: 2 can be invited, 3 will not be (see Check).")
    shoot(page, "batch-preview")
    page.click("#batch-invite")
    expect(page.locator("#batch-summary")).to_have_text("Invited 2 of 5 rows. Download the outcome for every row.")
    with page.expect_download() as outcome:
        page.click("#batch-outcome")
    text = Path(outcome.value.path()).read_text(encoding="utf-8")
    assert "Invited" in text and "Duplicate of row 3" in text and text.startswith("Row,Organization name")
    assert _emailed_link(server, "kontakt@zuerich-neu.example")
    with server["db"].reading() as s:
        statuses = {
            e: st
            for e, st in s.execute(
                select(DirectoryEntry.email, DirectoryEntry.status).where(DirectoryEntry.lar_id == 1)
            )
        }
    assert statuses["kontakt@zuerich-neu.example"] == "Invited" and statuses[tenant.owner_email.lower()] == "Invited"
    shoot(page, "batch-outcome")
