"""Fit for daily use (issue 12), in Chromium at 1440x900 (and 1280x720): nothing cut off, one empty
state, grids that shrink and fit, the chart's axes, tab titles, notifications, and a cold start."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from data.models import CustomerAssignment, DirectoryEntry, ResellerPool, Tenant
from tests.e2e.conftest import shoot, sign_in
from tests.e2e.daily_use_rows import LAR, _first_reseller

pytestmark = pytest.mark.e2e


def _cut_off(page, grid: str) -> list[str]:
    return page.evaluate(f"""Array.from(document.querySelectorAll('#{grid} .ag-row[row-id] .ag-cell'))
        .filter(c => c.scrollWidth > c.clientWidth + 1 || c.scrollHeight > c.clientHeight + 1)
        .map(c => c.getAttribute('col-id') + ': ' + c.innerText)""")


def test_no_key_value_is_cut_off_at_1440(page, server):
    sign_in(page)
    for page_number in (1, 2):
        expect(page.locator(".ag-paging-description")).to_contain_text(f"Page {page_number} of 2")
        expect(page.locator(".ag-row[row-id]").first).to_be_visible()
        assert _cut_off(page, "dir-grid") == [], _cut_off(page, "dir-grid")
        if page_number == 1:
            page.get_by_role("button", name="Next Page").click()
    with server["db"].reading() as s:  # the reseller with the most pools
        rid = s.execute(select(ResellerPool.reseller_id).group_by(ResellerPool.reseller_id)
                        .order_by(func.count().desc(), ResellerPool.reseller_id)).scalars().first()
    page.goto(f"{page.base_url}/resellers/{rid}")
    page.locator("#pools-grid").scroll_into_view_if_needed()
    expect(page.locator("#pools-grid .ag-row[row-id]").first).to_be_visible()
    assert _cut_off(page, "pools-grid") == []
    names = page.locator("#pools-grid .ag-row[row-id] [col-id='name']").all_inner_texts()
    labels = page.locator(".trend-legend label").all_inner_texts()
    assert {n for n in names} <= {re.sub(r" \(expired\)$", "", label) for label in labels}
    shoot(page, "pools-nothing-cut-off")


def _highest(shown: str) -> float:
    """The figure Utilisation % sorts by, read from the cell: "2.7% seats · 16.0% GB" -> 16.0."""
    return max((float(n) for n in re.findall(r"\d+\.\d", shown)), default=-1.0)


def test_analysts_sort_the_directory_by_utilisation_on_the_server(page, server):
    sign_in(page, "analyst@demo.example")
    header = page.locator(".ag-header-cell[col-id='utilisation']")
    header.click()
    header.click()  # descending
    expect(page).to_have_url(re.compile(r"dir_sort=utilisation\.desc"))
    top = page.locator(".ag-row[row-index='0'][row-id] [col-id='utilisation']")  # loaded, not a stub
    expect(top).to_have_text(re.compile(r"^\d+\.\d"))
    values = [_highest(v) for v in page.locator(".ag-row[row-id] [col-id='utilisation']").all_inner_texts()]
    assert values == sorted(values, reverse=True) and values[0] > 0
    page.get_by_role("button", name="Next Page").click()
    expect(page.locator(".ag-paging-description")).to_contain_text("Page 2 of 2")
    expect(page.locator(".ag-row[row-index='50'][row-id]")).to_be_visible()  # loaded, not a stub
    later = [_highest(v) for v in page.locator(".ag-row[row-id] [col-id='utilisation']").all_inner_texts()]
    assert max(later) <= min(values)  # the order runs across pages: sorted on the server
    # Every column fits at 1440 px: no sideways scrolling.
    assert page.evaluate("(() => { const v = document.querySelector('#dir-grid .ag-center-cols-viewport');"
                         " return v.scrollWidth <= v.clientWidth + 1; })()")
    shoot(page, "directory-sorted-by-utilisation")


def test_one_empty_state_worded_for_the_case_and_grids_shrink_to_their_rows(page, server):
    sign_in(page)
    page.fill("#dir-search", "no-such-owner-anywhere")
    page.press("#dir-search", "Enter")
    expect(page.locator("#dir-empty")).to_contain_text("No resellers match")
    expect(page.get_by_text("No Rows To Show")).to_have_count(0)
    expect(page.locator("#dir-paper .ag-paging-panel")).to_be_hidden()
    with server["db"].reading() as s:
        few = s.execute(select(ResellerPool.reseller_id).group_by(ResellerPool.reseller_id)
                        .having(func.count() == 3).order_by(ResellerPool.reseller_id)).scalars().first()
        bare = (
            s.execute(
                select(DirectoryEntry.id).where(
                    DirectoryEntry.lar_id == LAR,
                    DirectoryEntry.status == "Mapped",
                    DirectoryEntry.id.not_in(select(ResellerPool.reseller_id)),
                )
            )
            .scalars()
            .first()
        )
    page.goto(f"{page.base_url}/resellers/{few}")
    expect(page.locator("#pools-count")).to_have_text(re.compile(r"^3 pools"))
    height = page.locator("#pools-grid").bounding_box()["height"]
    assert height < 300, height  # three rows, not the 380 px band
    page.goto(f"{page.base_url}/resellers/{bare}")
    expect(page.locator("#pools-empty")).to_contain_text("no pooled subscriptions yet")
    expect(page.locator("#customers-empty")).to_contain_text("has not assigned seats to any customer yet")
    expect(page.get_by_text("match")).to_have_count(0)
    shoot(page, "dashboard-empty-states")


def test_the_chart_spans_six_months_and_fits_its_y_axis(page, server):
    first = _first_reseller(server)
    sign_in(page)
    page.goto(f"{page.base_url}/resellers/{first.id}")
    from services.metrics.dashboard import trend_dates
    ticks = len(trend_dates(server["clock"].now().date()))  # six month starts and today (6 on a first of the month)
    expect(page.locator("#trend-graph .xtick")).to_have_count(ticks)
    low = float(page.locator("#trend-graph .ytick").first.text_content().rstrip("%"))
    points = page.evaluate("document.getElementById('trend-graph').querySelector('.js-plotly-plot')"
                           ".data.flatMap(t => t.y)")
    assert low <= min(points) and (low > 0 or min(points) < 10)
    shoot(page, "chart-axes")


def test_tab_titles_name_the_page_and_the_reseller(page, server):
    first = _first_reseller(server)
    sign_in(page)
    expect(page).to_have_title("Reseller directory · Reseller Console")
    page.goto(f"{page.base_url}/resellers/{first.id}")
    expect(page).to_have_title(f"{first.organization_name} · Reseller Console")


def test_the_first_row_has_pools_and_customers_with_unique_names(page, server):
    first = _first_reseller(server)
    with server["db"].reading() as s:
        names = s.execute(select(Tenant.organization_name).join(
            CustomerAssignment, CustomerAssignment.customer_tenant_id == Tenant.id).join(
            ResellerPool, ResellerPool.id == CustomerAssignment.reseller_pool_id).where(
            ResellerPool.reseller_id == first.id)).scalars().all()
    assert names and len(names) == len(set(names))
    sign_in(page)
    row = page.locator(".ag-row[row-index='0']")
    expect(row.locator("[col-id='organization_name']")).to_have_text(first.organization_name)
    assert int(row.locator("[col-id='pools']").inner_text()) > 0
    assert int(row.locator("[col-id='customers']").inner_text()) > 0


def test_a_newer_result_replaces_the_older_one_of_the_same_action(page, server):
    sign_in(page, "admin@demo.example")
    page.get_by_role("link", name="Users").click()
    notes = page.locator(".mantine-Notification-root")
    for email in ("analyst@demo.example", "operator@demo.example"):  # Disable twice: one notification
        page.get_by_role("row", name=email).get_by_role("switch").click()
        page.get_by_role("button", name="Disable", exact=True).click()
        expect(page.get_by_role("row", name=email)).to_contain_text("Disabled")
    expect(notes).to_have_count(1)
    expect(notes).to_contain_text("User disabled")
    box = notes.bounding_box()
    sign_out = page.get_by_role("button", name="Sign out").bounding_box()
    assert box["y"] > sign_out["y"] + sign_out["height"] or box["x"] + box["width"] < sign_out["x"]
    for email in ("analyst@demo.example", "operator@demo.example"):
        page.get_by_role("row", name=email).get_by_role("switch").click()
        expect(page.get_by_role("row", name=email)).to_contain_text("Active")


def test_a_sorted_link_keeps_the_chosen_columns_and_fits(page, server):
    sign_in(page, "analyst@demo.example")
    page.goto(page.base_url + "/?dir_sort=utilisation.desc")
    expect(page.locator(".ag-row[row-index='0'][row-id]")).to_be_visible()
    expect(page.locator(".ag-header-cell[col-id='invited_at']")).to_have_count(0)  # still hidden
    expect(page.locator(".ag-header-cell[col-id='utilisation'] .ag-sort-descending-icon")).to_be_visible()
    assert page.evaluate("(() => { const v = document.querySelector('#dir-grid .ag-center-cols-viewport');"
                         " return v.scrollWidth <= v.clientWidth + 1; })()")
    assert _cut_off(page, "dir-grid") == []


def test_a_disabled_switch_says_why(page, server):
    with server["db"].reading() as s:
        hidden = (
            s.execute(
                select(DirectoryEntry.id)
                .where(
                    DirectoryEntry.lar_id == LAR,
                    DirectoryEntry.status == "Mapped",
                    DirectoryEntry.customer_visibility.is_(False),
                )
                .order_by(DirectoryEntry.id)
            )
            .scalars()
            .first()
        )
    sign_in(page, "analyst@demo.example")
    page.goto(f"{page.base_url}/?dir_status=Mapped")
    off = page.locator(f'.ag-row[row-id="{hidden}"] .visibility-toggle').first
    expect(off).to_have_attribute("title", "Only the reseller can turn this back on")
    on = page.locator(".visibility-toggle.on").first
    expect(on).to_have_attribute("title", "Analysts can read this setting but not change it")


FINISHED_RESOURCES = "() => performance.getEntriesByType('resource').filter(e => e.responseEnd > 0).map(e => e.name)"


def test_the_sign_in_page_fetches_the_console_code_while_the_user_types(page, server):
    """A cold start on a slow link waits for the code (issue 12): once the Sign in page has
    fetched it (while the user types), signing in downloads no script or style again."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    page.goto(page.base_url + "/login")
    prefetched = page.eval_on_selector_all("link[rel=prefetch]", "links => links.map(l => l.href)")
    assert len(prefetched) > 10
    for _ in range(150):  # the user typing
        if set(prefetched) <= set(page.evaluate(FINISHED_RESOURCES)):
            break
        page.wait_for_timeout(100)
    answers = {}
    cdp.on("Network.responseReceived", lambda e: answers.__setitem__(e["requestId"], (e["type"], e["response"])))
    page.fill("#email", "operator@demo.example")
    page.fill("#password", "demo1234")
    page.click("button[type=submit]")
    page.wait_for_selector(".ag-row[row-id] .cell-link")
    code = [(r["url"], r.get("fromDiskCache") or r.get("fromPrefetchCache") or r.get("fromMemoryCache"))
            for kind, r in answers.values() if kind in ("Script", "Stylesheet")]
    assert {url for url, _ in code} >= set(prefetched)
    assert [url for url, cached in code if not cached] == []


def test_the_first_page_comes_with_the_layout_and_links_still_route(page, server):
    """No second round trip to Dash's router before the first rows (issue 12, cold start)."""
    routed = []
    page.on("request", lambda r: routed.append(r.url) if "_pages_content" in (r.post_data or "") else None)
    page.goto(page.base_url + "/renewals?ren_window=7")
    page.fill("#email", "operator@demo.example")
    page.fill("#password", "demo1234")
    page.click("button[type=submit]")
    page.wait_for_selector(".ag-row[row-id]", state="attached")
    # Below the chart the grid is out of view, and the browser skips drawing it until it is in view.
    page.locator("#ren-grid").scroll_into_view_if_needed()
    page.wait_for_selector(".ag-row[row-id]")
    expect(page.get_by_role("heading", name="Renewals")).to_be_visible()
    assert page.title().startswith("Renewals")
    assert routed == []
    page.get_by_role("link", name="Subscriptions", exact=True).click()  # the menu's (a card links there too)
    expect(page.get_by_role("heading", name="Subscriptions")).to_be_visible()
    assert len(routed) == 1
    page.go_back()
    expect(page.get_by_role("heading", name="Renewals")).to_be_visible()
    assert "ren_window=7" in page.url


def test_every_grid_fits_at_1280_by_720_and_panels_keep_their_buttons_in_view(page, server):
    """Issue 20: at 1280 x 720 key columns were off-screen inside the grids and Add pool's Next
    was below the fold."""
    with server["db"].reading() as s:
        rid = (
            s.execute(
                select(ResellerPool.reseller_id)
                .join(DirectoryEntry, DirectoryEntry.id == ResellerPool.reseller_id)
                .where(DirectoryEntry.lar_id == LAR, DirectoryEntry.status == "Mapped")
                .group_by(ResellerPool.reseller_id)
                .order_by(func.count().desc(), ResellerPool.reseller_id)
            )
            .scalars()
            .first()
        )
    page.set_viewport_size({"width": 1280, "height": 720})
    sign_in(page)
    for path, grids in (("/", ["dir-grid"]), ("/subscriptions", ["subs-grid"]), ("/activity", ["act-grid"]),
                        ("/renewals?ren_window=90", ["ren-grid"]),
                        (f"/resellers/{rid}", ["pools-grid", "customers-grid"])):
        page.goto(page.base_url + path)
        for grid in grids:
            page.locator(f"#{grid}").scroll_into_view_if_needed()
            expect(page.locator(f"#{grid} .ag-row[row-id]").first).to_be_visible()
            fits = page.evaluate(f"(() => {{ const v = document.querySelector('#{grid} .ag-center-cols-viewport');"
                                 " return v.scrollWidth <= v.clientWidth + 1; })()")
            assert fits, f"{grid} scrolls sideways at 1280 px"
            assert _cut_off(page, grid) == [], (grid, _cut_off(page, grid))
    shoot(page, "dashboard-1280")
    page.locator("#pools-add-open").click()
    expect(page.locator("#addpool-next")).to_be_in_viewport()
    shoot(page, "add-pool-1280")
