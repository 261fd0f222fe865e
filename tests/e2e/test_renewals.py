"""Renewals, Subscriptions and Activity (issue 13) in Chromium at 1440x900: the cards agree
with the dashboards, a bar of the chart filters the grid to its week, the window filter, the
export, Return to pool across resellers, a threshold an admin sets, and actions in Activity."""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from data.models import DirectoryEntry, Role, TenantKind
from services.access.principal import Principal
from services.common.units import format_quantities
from services.metrics.dashboard import kpis
from services.pools.renewals import renewal_figures
from tests.e2e.conftest import shoot, sign_in

pytestmark = pytest.mark.e2e
LAR = 1


def _analyst(server) -> Principal:
    return Principal(
        user_id=3, tenant_id=LAR, tenant_kind=TenantKind.LAR, role=Role.ANALYST, email="analyst@demo.example"
    )


def _count(page) -> int:
    return int(re.match(r"([\d,]+)", page.inner_text("#ren-count")).group(1).replace(",", ""))


def test_the_cards_agree_with_every_dashboard(page, server):
    db, analyst, now = server["db"], _analyst(server), server["clock"].now()
    summed: dict[str, int] = {}
    with db.reading() as s:
        resellers = s.scalars(select(DirectoryEntry.id).where(DirectoryEntry.lar_id == LAR)).all()
    for rid in resellers:
        for unit, quantity in kpis(db, analyst, rid, now=now)["expiring"].items():
            summed[unit] = summed.get(unit, 0) + quantity
    figures = renewal_figures(db, analyst, now=now)
    assert figures["expiring_30"] == summed and summed  # the demo has seats expiring within 30 days
    sign_in(page, "analyst@demo.example")
    page.get_by_role("link", name="Renewals").click()
    expect(page.get_by_role("heading", name="Renewals")).to_be_visible()
    expect(page.locator("#ren-kpi-30")).to_have_text(format_quantities(summed))
    expect(page.locator("#ren-kpi-pending")).to_have_text(format_quantities(figures["pending"]))
    expect(page).to_have_title("Renewals · Reseller Console")
    expect(page.locator("#ren-grid .ag-row[row-id]").first).to_be_visible()
    assert page.locator("#ren-grid .ag-selection-checkbox").count() == 0  # analysts read only
    shoot(page, "renewals")


# Every shown row of the grid has its cell in this column filled (rows, not loading stubs).
_LOADED = ("Array.from(document.querySelectorAll(\"#ren-grid .ag-row[row-id] [col-id='%s']\"))"
           ".every(c => c.textContent.trim() !== '')")


def _until(page, script: str, seconds: float = 10) -> None:
    """Poll a condition in the page (page.wait_for_function evaluates strings, which the CSP forbids)."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {script}")


def test_a_bar_filters_the_grid_to_its_week_and_the_window_widens_it(page, server):
    sign_in(page)
    page.goto(page.base_url + "/renewals")
    expect(page.locator("#ren-grid .ag-row[row-id]").first).to_be_visible()
    thirty = _count(page)
    page.get_by_text("90 days", exact=True).click()
    expect(page).to_have_url(re.compile(r"ren_window=90"))
    expect(page.locator("#ren-count")).not_to_have_text(re.compile(rf"^{thirty:,} pools"))
    assert _count(page) > thirty
    page.locator("#ren-chart").scroll_into_view_if_needed()
    _until(page, "Array.from(document.querySelectorAll('#ren-chart .bars path'))"
                 ".some(p => p.getBoundingClientRect().height > 4)")  # drawn again after the change
    bar = page.evaluate("""Array.from(document.querySelectorAll('#ren-chart .bars path'))
        .map(p => p.getBoundingClientRect()).filter(r => r.height > 4)
        .map(r => [r.x + r.width / 2, r.y + r.height / 2])[0]""")  # the first week's first visible bar
    page.mouse.click(*bar)
    expect(page.locator("#ren-chips")).to_contain_text("Week:")
    expect(page).to_have_url(re.compile(r"ren_week=\d{4}-\d\d-\d\d"))
    week = re.search(r"ren_week=([\d-]+)", page.url).group(1)
    expect(page.locator("#ren-count")).to_contain_text("expiring in the week of")
    page.locator("#ren-grid").scroll_into_view_if_needed()
    _until(page, _LOADED % "expires_at")
    expires = page.locator("#ren-grid .ag-row[row-id] [col-id='expires_at']").all_inner_texts()
    start = date.fromisoformat(week)
    assert expires and all(0 <= (date.fromisoformat(e) - start).days < 7 for e in expires), (week, expires)
    shoot(page, "renewals-week")
    page.click("#ren-week-clear")
    expect(page.locator("#ren-chips")).not_to_contain_text("Week:")
    page.reload()  # the window is kept in the URL
    expect(page.locator("#ren-window [data-active] , #ren-window input[value='90']:checked").first).to_be_attached()


def test_the_cards_list_what_they_count(page, server):
    """Issue 20: the cards filter the grid when clicked; a window lists what its card counts."""
    sign_in(page)
    page.goto(page.base_url + "/renewals")
    # The page's first rows (below the chart: the browser draws them once they are in view).
    expect(page.locator("#ren-grid .ag-row[row-id]").first).to_be_attached(timeout=30000)
    page.locator("#ren-grid").scroll_into_view_if_needed()
    expect(page.locator("#ren-grid .ag-row[row-id]").first).to_be_visible()
    page.locator("#ren-kpi-7").click()
    expect(page).to_have_url(re.compile(r"ren_window=7"))
    seven = page.locator("button.kpi-button", has=page.locator("#ren-kpi-7"))
    expect(seven).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#ren-window input[value='7']")).to_be_checked()
    page.locator("#ren-grid").scroll_into_view_if_needed()
    cells = page.locator("#ren-grid .ag-row[row-id] [col-id='days_left']")
    _until(page, _LOADED % "days_left")  # the 7-day rows, not stubs
    days = [int(d) for d in cells.all_text_contents()]  # drawn or not (rows out of view are skipped)
    assert all(d <= 7 for d in days), days  # no pending pool due months away
    page.locator("#ren-kpi-wait").click()  # the oldest wait: every pool waiting, longest first
    expect(page).to_have_url(re.compile(r"ren_window=pending"))
    expect(seven).to_have_attribute("aria-pressed", "false")
    page.locator("#ren-grid").scroll_into_view_if_needed()
    statuses = page.locator("#ren-grid .ag-row[row-id] [col-id='status']")
    expect(statuses.first).to_have_text("Pending acceptance")
    assert {s.strip() for s in statuses.all_text_contents()} == {"Pending acceptance"}
    shoot(page, "renewals-pending-view")
    page.locator("#ren-kpi-low").click()
    expect(page).to_have_url(re.compile(r"/subscriptions\?subs_status=Low"))
    page.go_back()
    expect(page.locator("#ren-own")).to_contain_text("Your subscriptions ending within 90 days")


def test_export_and_return_to_pool_across_resellers(page, server):
    sign_in(page)
    page.goto(page.base_url + "/renewals?ren_window=pending")
    expect(page.locator("#ren-grid .ag-row[row-id]").first).to_be_visible()
    pending = _count(page)
    page.click("#ren-export-open")
    with page.expect_download() as download:
        page.click("#ren-export-download")
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert len(rows) == pending and {r["Status"] for r in rows} == {"Pending acceptance"}
    assert {"Reseller", "Service", "Pool", "Days left", "Waiting since"} <= set(rows[0])
    first, second = page.locator("#ren-grid .ag-row[row-id]").nth(0), page.locator("#ren-grid .ag-row[row-id]").nth(1)
    names = [first.locator("[col-id='reseller']").inner_text(), second.locator("[col-id='reseller']").inner_text()]
    first.locator(".ag-selection-checkbox input").check()
    second.locator(".ag-selection-checkbox input").check()
    page.click("#ren-return")
    expect(page.locator("#ren-return-list")).to_contain_text(names[0])
    page.click("#ren-return-confirm")
    expect(page.get_by_text(re.compile(r"^Returned 2 pools to your subscriptions"))).to_be_visible()
    expect(page.locator("#ren-count")).to_have_text(re.compile(rf"^{pending - 2:,} pools"))
    page.get_by_role("link", name="Activity").click()
    expect(page.locator("#act-grid .ag-row[row-index='0'] [col-id='action']")).to_have_text("Return to pool")
    expect(page.locator("#act-grid .ag-row[row-index='0'] [col-id='user']")).to_have_text("operator@demo.example")


def test_an_admin_sets_a_threshold_and_it_shows_in_activity(page, server):
    sign_in(page, "admin@demo.example")
    page.goto(page.base_url + "/subscriptions")
    first = page.locator("#subs-grid .ag-row[row-id]").first
    expect(first).to_be_visible()
    name = first.locator("[col-id='name']").inner_text()
    expect(page.locator("#subs-threshold-open")).to_be_disabled()
    first.locator(".ag-selection-checkbox input").check()
    page.click("#subs-threshold-open")
    dialog = page.get_by_role("dialog", name="Set threshold")
    dialog.get_by_text("A percentage", exact=True).click()
    page.click("#subs-threshold-save")  # no value yet
    expect(dialog).to_contain_text("Enter the threshold, or choose None to have no alert.")
    for typed, said in (("1.5", "must be a whole number"), ("150", "at most 100"), ("0", "Nothing is ever below 0")):
        page.fill("#subs-threshold-value", typed)  # kept as typed, refused next to the field
        page.click("#subs-threshold-save")
        expect(page.locator("#subs-threshold-value-error")).to_contain_text(said)
        expect(page.locator("#subs-threshold-value")).to_have_value(typed)
    page.fill("#subs-threshold-value", "100")  # 100 %: below it whenever anything was handed out
    page.click("#subs-threshold-save")
    expect(page.get_by_text(f"{name} counts as low below 100% free.")).to_be_visible()
    row = page.locator("#subs-grid .ag-row[row-id]").filter(has_text=name).first
    expect(row.locator("[col-id='threshold']")).to_have_text("100%")
    expect(row.locator("[col-id='status']")).to_have_text("Low")
    shoot(page, "subscriptions-threshold")
    page.get_by_role("link", name="Renewals").click()
    expect(page.locator("#ren-kpi-low")).not_to_have_text("0 subscriptions")
    page.get_by_role("link", name="Activity").click()
    latest = page.locator("#act-grid .ag-row[row-index='0']")
    expect(latest.locator("[col-id='action']")).to_have_text("Set threshold")
    expect(latest.locator("[col-id='change']")).to_have_text("Threshold: Not set → 100%")
    page.click("#act-filter-open")
    page.get_by_role("textbox", name="Action").fill("Map")  # eleven actions: a searchable list
    page.get_by_role("option", name="Map", exact=True).click()
    action = page.get_by_role("textbox", name="Action")
    action.click()  # the list open (a pick may have closed it)
    expect(page.get_by_role("listbox")).to_be_visible()
    action.press("Escape")  # closes the list, not the Filter
    expect(page.get_by_role("listbox")).to_have_count(0)
    expect(page.locator("#act-filter-apply")).to_be_visible()
    page.click("#act-filter-apply")
    expect(page.locator("#act-grid .ag-row[row-index='0'] [col-id='action']")).to_have_text("Map")
    expect(page).to_have_url(re.compile(r"act_action=reseller\.map"))
    shoot(page, "activity")


def test_operators_and_analysts_cannot_set_thresholds_and_choose_their_alert_emails(page, server):
    sign_in(page, "analyst@demo.example")
    page.goto(page.base_url + "/subscriptions")
    expect(page.locator("#subs-grid .ag-row[row-id]").first).to_be_visible()
    assert page.locator("#subs-grid .ag-selection-checkbox").count() == 0
    expect(page.locator("#subs-threshold-open")).to_be_disabled()
    page.goto(page.base_url + "/renewals")
    switch = page.get_by_role("switch", name="Email me alerts and the weekly digest")
    expect(switch).not_to_be_checked()
    switch.check(force=True)
    expect(page.get_by_text("You will receive alert emails and the weekly digest.")).to_be_visible()
    page.reload()
    expect(page.get_by_role("switch", name="Email me alerts and the weekly digest")).to_be_checked()
