"""The Reseller directory driven in headless Chromium, as an operator and an analyst."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from data.models import DirectoryEntry, OutgoingEmail, ResellerPool, Tenant
from tests.e2e.conftest import shoot, sign_in

pytestmark = pytest.mark.e2e
LAR = 1  # the demo's first LAR: Northwind Cloud Partners


def _one(server, stmt):
    with server["db"].reading() as s:
        return s.execute(stmt).first()


def _reseller(server, rid):
    with server["db"].reading() as s:
        return s.get(DirectoryEntry, rid)


def search(pg, text: str):
    box = pg.locator("#dir-search")
    box.fill(text)
    box.press("Enter")


def select_row(pg, rid: int):
    pg.locator(f'.ag-row[row-id="{rid}"] .ag-selection-checkbox input').check()


def find_and_select(pg, email: str, rid: int):
    """Search the tenant owner so the row is the only one shown, then tick it."""
    search(pg, email)
    expect(pg.locator(".ag-row[row-id]")).to_have_count(1)
    select_row(pg, rid)


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


def test_responses_name_no_server_software_and_are_not_cached(server):
    import urllib.request
    with urllib.request.urlopen(server["url"] + "/login") as response:
        banner = response.headers.get("Server", "")
        assert "Werkzeug" not in banner and "Python" not in banner
        assert response.headers["Cache-Control"] == "no-store"
