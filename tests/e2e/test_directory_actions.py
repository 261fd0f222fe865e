"""The Reseller directory's actions in headless Chromium, as an operator: Map, customer visibility,
and Delete (of one, and of a mixed selection)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from data.models import DirectoryEntry, OutgoingEmail, ResellerPool, Tenant
from tests.e2e.conftest import shoot, sign_in
from tests.e2e.directory_steps import LAR, _one, _reseller, find_and_select, search, select_row

pytestmark = pytest.mark.e2e


def test_map_an_unmapped_reseller_and_refuse_a_mapped_one(page, server):
    unmapped = _one(
        server,
        select(DirectoryEntry.id, DirectoryEntry.email)
        .where(DirectoryEntry.lar_id == LAR, DirectoryEntry.status == "Unmapped")
        .order_by(DirectoryEntry.id),
    )
    owner = "second-owner@" + unmapped.email.rsplit("@", 1)[1]  # at the entry's own domain
    with server["db"].unit_of_work() as s:
        tenant = Tenant(kind="reseller", organization_name="Near Resale", owner_email=owner,
                        created_at=server["clock"].now())
        s.add(tenant)
        s.flush()
        tenant_id = tenant.id
    mapped = _one(server, select(DirectoryEntry.id, DirectoryEntry.email, DirectoryEntry.organization_name)
                  .where(DirectoryEntry.lar_id == LAR, DirectoryEntry.status == "Mapped").order_by(DirectoryEntry.id))
    sign_in(page)

    find_and_select(page, mapped.email, mapped.id)
    expect(page.locator("#dir-map-open")).to_be_disabled()  # only Unmapped entries are mapped

    find_and_select(page, unmapped.email, unmapped.id)
    page.click("#dir-map-open")
    expect(page.locator("#dir-map-drawer, .mantine-Drawer-content").first).to_be_visible()
    page.locator("#dir-map-owner").click()
    page.get_by_role("option", name=owner).click()
    expect(page.locator("#dir-map-org")).to_have_value("Near Resale")
    expect(page.locator("#dir-map-consent")).to_be_hidden()  # at its own domain: mapped at once
    shoot(page, "directory-map-panel")
    page.click("#dir-map-save")
    expect(page.get_by_text("Near Resale is now Mapped.")).to_be_visible()
    after = _reseller(server, unmapped.id)
    assert (after.status, after.tenant_id) == ("Mapped", tenant_id)
    search(page, owner)
    expect(page.locator(f'.ag-row[row-id="{unmapped.id}"] [col-id="status"]')).to_have_text("Mapped")


def test_map_to_a_tenant_elsewhere_asks_it_to_accept(page, server, browser):
    """Issue 20: Map bound any entry to any registered reseller of the platform without its
    knowing, from a list of every reseller's owner address."""
    entry = _one(
        server,
        select(DirectoryEntry.id, DirectoryEntry.email, DirectoryEntry.organization_name)
        .where(DirectoryEntry.lar_id == LAR, DirectoryEntry.status == "Unmapped")
        .order_by(DirectoryEntry.id.desc()),
    )
    with server["db"].unit_of_work() as s:
        s.add(Tenant(kind="reseller", organization_name="Faraway Partners", owner_email="boss@faraway-partners.example",
                     created_at=server["clock"].now()))
    sign_in(page)
    find_and_select(page, entry.email, entry.id)
    page.click("#dir-map-open")
    page.locator("#dir-map-owner").click()
    expect(page.get_by_role("option", name="boss@faraway-partners.example")).to_have_count(0)  # never browsable
    page.keyboard.press("Escape")
    page.fill("#dir-map-lookup", "boss@faraway-partners.example")
    page.click("#dir-map-find")
    expect(page.locator("#dir-map-owner")).to_have_value("boss@faraway-partners.example")
    expect(page.locator("#dir-map-org")).to_have_value("Faraway Partners")
    expect(page.locator("#dir-map-consent")).to_contain_text("saving sends it an invitation to accept")
    expect(page.locator("#dir-map-save")).to_have_text("Send invitation")
    shoot(page, "directory-map-consent")
    # A Find that fails forgets what the earlier one found: nothing is left to invite by mistake.
    page.fill("#dir-map-lookup", "nobody@nowhere.example")
    page.click("#dir-map-find")
    expect(page.get_by_text("No registered reseller tenant is owned by that address")).to_be_visible()
    expect(page.locator("#dir-map-owner")).to_have_value("")
    expect(page.locator("#dir-map-org")).to_have_value("")
    expect(page.locator("#dir-map-save")).to_have_text("Save")
    page.fill("#dir-map-lookup", "boss@faraway-partners.example")
    page.press("#dir-map-lookup", "Enter")
    expect(page.locator("#dir-map-save")).to_have_text("Send invitation")
    page.click("#dir-map-save")
    expect(page.get_by_text("An invitation to accept went to boss@faraway-partners.example")).to_be_visible()
    assert _reseller(server, entry.id).status == "Unmapped"  # until it accepts
    with server["db"].reading() as s:
        body = s.scalars(select(OutgoingEmail.body).where(OutgoingEmail.to == "boss@faraway-partners.example")).one()
    link = re.search(r"https?://\S+/sign-up/\S+", body).group(0)
    visitor = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    visitor.goto(link)
    visitor.get_by_role("button", name="Accept the invitation").click()
    expect(visitor.get_by_role("heading", name="Invitation accepted")).to_be_visible()
    visitor.context.close()
    after = _reseller(server, entry.id)
    assert (after.status, after.organization_name, after.email) == ("Mapped", "Faraway Partners",
                                                                   "boss@faraway-partners.example")


def test_the_map_panel_offers_the_entrys_own_domain_first_and_says_what_saving_does(page, server):
    """Outside review: the owner list was every tenant alphabetically, the entry's own last."""
    unmapped = _one(
        server,
        select(DirectoryEntry.id, DirectoryEntry.email, DirectoryEntry.organization_name)
        .where(DirectoryEntry.lar_id == LAR, DirectoryEntry.status == "Unmapped")
        .order_by(DirectoryEntry.id.desc()),
    )
    domain = unmapped.email.rsplit("@", 1)[1]
    owner = f"zz-owner@{domain}"  # last alphabetically: found first only because it matches
    with server["db"].unit_of_work() as s:
        s.add(Tenant(kind="reseller", organization_name="Matching Resale", owner_email=owner,
                     created_at=server["clock"].now()))
    sign_in(page)
    find_and_select(page, unmapped.email, unmapped.id)
    page.click("#dir-map-open")
    expect(page.locator("#dir-map-subject")).to_contain_text(
        f"Map {unmapped.organization_name} ({unmapped.email}) to its registered reseller tenant. Saving replaces")
    expect(page.locator("#dir-map-owner")).to_have_value(owner)  # the one match, chosen already
    expect(page.locator("#dir-map-org")).to_have_value("Matching Resale")
    page.locator("#dir-map-owner").click()
    expect(page.get_by_role("option").first).to_have_text(owner)
    shoot(page, "directory-map-suggested")
    page.get_by_role("option", name=owner).click()  # issue 20: a second click on the choice cleared both
    expect(page.locator("#dir-map-owner")).to_have_value(owner)
    expect(page.locator("#dir-map-org")).to_have_value("Matching Resale")
    page.click("#dir-map-cancel")


def test_customer_visibility_turns_off_once(page, server):
    target = _one(
        server,
        select(DirectoryEntry.id, DirectoryEntry.email, DirectoryEntry.organization_name)
        .where(DirectoryEntry.lar_id == LAR, DirectoryEntry.customer_visibility.is_(True))
        .order_by(DirectoryEntry.id.desc()),
    )
    sign_in(page)
    search(page, target.email)
    toggle = page.locator(f'.ag-row[row-id="{target.id}"] .visibility-toggle')
    expect(toggle).to_have_class(re.compile(r"\bon\b"))
    toggle.click()
    expect(page.get_by_text("Once turned off, you cannot turn it back on", exact=False)).to_be_visible()
    shoot(page, "directory-visibility-confirm")
    page.click("#dir-visibility-confirm")
    expect(page.get_by_text(f"Customer visibility of {target.organization_name} is off.")).to_be_visible()
    expect(toggle).to_have_class(re.compile(r"\boff\b"))
    expect(toggle.locator("input")).to_be_disabled()
    assert _reseller(server, target.id).customer_visibility is False


def test_delete_needs_yes_refuses_active_pools_and_deletes_the_rest(page, server):
    busy = _one(server, select(DirectoryEntry.id, DirectoryEntry.email, DirectoryEntry.organization_name)
                .join(ResellerPool, ResellerPool.reseller_id == DirectoryEntry.id)
                .where(DirectoryEntry.lar_id == LAR, ResellerPool.status == "Active").order_by(DirectoryEntry.id))
    idle = _one(server, select(DirectoryEntry.id, DirectoryEntry.email, DirectoryEntry.organization_name)
                .where(DirectoryEntry.lar_id == LAR, DirectoryEntry.status == "Invited").order_by(DirectoryEntry.id))
    sign_in(page)

    find_and_select(page, busy.email, busy.id)
    page.click("#dir-delete-open")
    # Said before anything is typed: this one cannot go, so there is nothing to confirm.
    expect(page.locator("#dir-delete-refusal")).to_contain_text(f"Cannot delete {busy.organization_name}")
    expect(page.locator("#dir-delete-submit")).to_be_hidden()
    expect(page.locator("#dir-delete-confirm-text")).to_be_hidden()
    shoot(page, "directory-delete-refused")
    page.click("#dir-delete-cancel")
    # Closed, and focus handed back to Delete: typing before that could press Delete again.
    expect(page.locator("#dir-delete-open")).to_be_focused()
    assert _reseller(server, busy.id) is not None

    find_and_select(page, idle.email, idle.id)
    page.click("#dir-delete-open")
    submit = page.locator("#dir-delete-submit")
    expect(page.locator("#dir-delete-refusal")).to_be_hidden()
    expect(submit).to_be_disabled()
    page.fill("#dir-delete-confirm-text", "Ye")
    expect(submit).to_be_disabled()
    page.fill("#dir-delete-confirm-text", "yES")  # any letter case
    expect(submit).to_be_enabled()
    submit.click()
    expect(page.get_by_text(f"Deleted 1 reseller: {idle.organization_name}.")).to_be_visible()
    expect(page.locator(".ag-row[row-id]")).to_have_count(0)
    expect(page.locator("#dir-empty")).to_contain_text("No resellers match")
    shoot(page, "directory-empty-after-delete")
    assert _reseller(server, idle.id) is None


def test_mixed_selection_deletes_the_rest_only_when_confirmed(page, server):
    with server["db"].reading() as s:
        active = select(ResellerPool.reseller_id).where(ResellerPool.status == "Active")
        first_rows = (select(DirectoryEntry.id, DirectoryEntry.organization_name).where(DirectoryEntry.lar_id == LAR)
                      .order_by(DirectoryEntry.id).limit(8).subquery())
        busy = s.execute(select(first_rows).where(first_rows.c.id.in_(active))).first()
        idle = s.execute(select(first_rows).where(first_rows.c.id.not_in(select(ResellerPool.reseller_id)))).first()
    assert busy and idle, "the demo data has both kinds among the first rows"
    sign_in(page)
    select_row(page, busy.id)
    select_row(page, idle.id)
    page.click("#dir-delete-open")
    # Before typing: which cannot go, and that the others can.
    refusal = page.locator("#dir-delete-refusal")
    expect(refusal).to_contain_text(f"Cannot delete {busy.organization_name}")
    expect(refusal).to_contain_text("Type Yes and choose Delete the others to delete the other 1")
    expect(page.locator("#dir-delete-submit")).to_be_hidden()
    expect(page.locator("#dir-delete-rest")).to_be_disabled()
    shoot(page, "directory-delete-mixed")
    page.fill("#dir-delete-confirm-text", "yes")
    assert _reseller(server, idle.id) is not None
    page.click("#dir-delete-rest")
    expect(page.get_by_text(f"Deleted 1 reseller: {idle.organization_name}.")).to_be_visible()
    assert _reseller(server, idle.id) is None and _reseller(server, busy.id) is not None
