"""Callback requests made by hand, on both databases: the outside test's own findings (issue 19),
each with its own body (the apps: conftest.py; posting a body: fuzz_calls.py)."""
from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import select

from data.models import CustomerAssignment, DirectoryEntry, ResellerPool, Subscription, User
from tests.clock import AppClock
from tests.integration.conftest import dash_call
from tests.integration.fuzz_calls import ORDINARY_ROWS_REQUEST, PAST_INT64, _db, post

NOTIFY = ("notify", "sendNotifications")



def _lar(app) -> int:
    with _db(app).reading() as s:
        return s.scalar(select(User.tenant_id).where(User.email == "admin@demo.example"))


def _notice(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()["response"]["notify"]["sendNotifications"][0]["message"]


# --- the outside test's findings, each with its own body ---

def _grid_outputs(p: str) -> list:
    return [(f"{p}-grid", "getRowsResponse"), (f"{p}-count", "children"), (f"{p}-empty", "children"),
            (f"{p}-paper", "className"), (f"{p}-grid", "style")]


def _rows(client, p: str, query: dict, context=None):
    return dash_call(client, _grid_outputs(p), [(f"{p}-grid", "getRowsRequest", ORDINARY_ROWS_REQUEST)],
                     [(f"{p}-query", "data", query), (f"{p}-context", "data", context)])


def _export(client, p: str, query: dict, context=None):
    return dash_call(client, [(f"{p}-download", "data"), (f"{p}-export-modal", "opened"), NOTIFY],
                     [(f"{p}-export-download", "n_clicks", 1)],
                     [(f"{p}-export-name", "value", "forged"), (f"{p}-export-format", "value", "csv"),
                      (f"{p}-query", "data", query), (f"{p}-context", "data", context),
                      (f"{p}-grid", "columnDefs", None), (f"{p}-grid", "getRowsRequest", ORDINARY_ROWS_REQUEST)])


def _past_int(database: str) -> list[str]:
    """Ids no row can have: past int64 on both databases, and past int4 (PostgreSQL's INTEGER)."""
    return [str(PAST_INT64)] + (["99999999999"] if database == "postgresql" else [])


def test_customer_and_pool_filters_past_the_id_range_answer_rows(admin, app_on, database):
    """Issue 19 item 4a: the Customers grid (rows and export) with filters.pool or
    filters.customer of an id past int64 (PostgreSQL: past int4) was a 500."""
    with _db(app_on).reading() as s:
        rid = s.scalar(
            select(ResellerPool.reseller_id)
            .join(CustomerAssignment)
            .join(DirectoryEntry)
            .where(DirectoryEntry.lar_id == _lar(app_on), DirectoryEntry.customer_visibility.is_(True))
            .limit(1)
        )
    everyone = _rows(admin, "customers", {"search": "", "filters": {}}, rid).get_json()
    assert everyone["response"]["customers-grid"]["getRowsResponse"]["rowCount"] > 0
    for key in ("pool", "customer"):
        for value in _past_int(database):
            query = {"search": "", "filters": {key: [value]}}
            rows = _rows(admin, "customers", query, rid)
            assert rows.status_code == 200, rows.get_data(as_text=True)[:300]
            # A filter of a value no row can have matches no row (never every row).
            assert rows.get_json()["response"]["customers-grid"]["getRowsResponse"]["rowCount"] == 0
            exported = _export(admin, "customers", query, rid)
            assert exported.status_code == 200
            content = exported.get_json()["response"]["customers-download"]["data"]["content"]
            assert content.startswith("Organization name,")


def test_map_to_a_tenant_past_the_id_range_is_refused(admin, app_on, database):
    """Item 4b: Map save with tenant "9223372036854775808" (PostgreSQL also "2147483648")."""
    with _db(app_on).reading() as s:
        unmapped = s.scalars(
            select(DirectoryEntry).where(DirectoryEntry.lar_id == _lar(app_on), DirectoryEntry.status == "Unmapped")
        ).first()
    for tenant in [str(PAST_INT64)] + (["2147483648"] if database == "postgresql" else []):
        response = dash_call(admin, [("dir-map-drawer", "opened"), ("dir-refresh", "data"), NOTIFY],
                             [("dir-map-save", "n_clicks", 1)],
                             [("dir-map-entry", "data", {"id": unmapped.id, "email": unmapped.email}),
                              ("dir-map-owner", "value", unmapped.email),
                              ("dir-map-org", "value", tenant), ("dir-refresh", "data", 3)])
        assert _notice(response) == "Choose a registered reseller tenant to map to."
    with _db(app_on).reading() as s:
        assert s.get(DirectoryEntry, unmapped.id).status == "Unmapped"


def test_renewals_for_the_week_of_9999_12_27_answer_rows(admin):
    """Item 4c: Renewals rows and export with week = ["9999-12-27"] overflowed date arithmetic."""
    query = {"search": "", "filters": {"week": ["9999-12-27"]}}
    rows = _rows(admin, "ren", query)
    assert rows.status_code == 200, rows.get_data(as_text=True)[:300]
    # A week that is no day the grid can list matches no pool (never the whole window).
    assert rows.get_json()["response"]["ren-grid"]["getRowsResponse"]["rowCount"] == 0
    assert _export(admin, "ren", query).status_code == 200


@pytest.mark.parametrize("path", ["resellers/1", "x", "", "//evil.example/", None])
def test_the_router_answers_a_path_not_starting_with_a_slash_with_not_found(admin, path):
    """Item 4d: the pages router raised on a path that does not start with /."""
    response = dash_call(admin, [("_pages_content", "children"), ("_pages_store", "data")],
                         [("_pages_location", "pathname", path), ("_pages_location", "search", "")])
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert "Not found" in response.get_data(as_text=True)


def _directory_rows_body(client) -> dict:
    response_keys = [d["output"] for d in client.get("/_dash-dependencies").get_json()
                     if d["output"].startswith("..dir-grid.getRowsResponse")]
    return {"output": response_keys[0],
            "outputs": [{"id": i, "property": p} for i, p in _grid_outputs("dir")],
            "inputs": [{"id": "dir-grid", "property": "getRowsRequest", "value": ORDINARY_ROWS_REQUEST}],
            "state": [{"id": "dir-query", "property": "data", "value": None},
                      {"id": "dir-context", "property": "data", "value": None}],
            "changedPropIds": ["dir-grid.getRowsRequest"]}


@pytest.mark.parametrize("change", [
    {"outputs": None}, {"outputs": {"id": "dir-grid", "property": "getRowsResponse"}},
    {"outputs": [{"id": "dir-grid", "property": "getRowsResponse"}]},
    {"outputs": [{"id": "dir-chips", "property": "children"}] * 5},
    {"inputs": {"id": "dir-grid", "property": "getRowsRequest", "value": {}}}, {"state": "x"},
    {"state": [{"id": "dir-query", "property": "value", "value": None}, {"id": "dir-context", "property": "data"}]},
    {"inputs": [{"id": ["dir-grid"], "property": "getRowsRequest", "value": ORDINARY_ROWS_REQUEST}]},
    {"changedPropIds": ["{not json.getRowsRequest"]}, {"changedPropIds": ["dir-refresh.data"]},
], ids=lambda change: json.dumps(change)[:60])
def test_a_body_without_its_outputs_or_with_wrong_ones_is_a_400(admin, change, caplog):
    """Item 4e (and inputs, state and the changed input of the wrong shape): refused at the edge."""
    body = {k: v for k, v in (_directory_rows_body(admin) | change).items() if v is not None}
    assert post(admin, _directory_rows_body(admin)).status_code == 200  # the same body, well-formed
    response = post(admin, body)
    assert response.status_code == 400 and "did not come from the console" in response.get_data(as_text=True)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_body_as_the_renderer_sends_it_is_accepted(admin):
    """The renderer leaves out a value the component does not have and the state of a callback
    without any, and names an allow_duplicate output with its @hash."""
    key = next(d["output"] for d in admin.get("/_dash-dependencies").get_json()
               if d["output"].startswith("dir-map-drawer.opened@") and d["inputs"][0]["id"] == "dir-map-cancel")
    body = {"output": key, "outputs": {"id": "dir-map-drawer", "property": key.split(".", 1)[1]},
            "inputs": [{"id": "dir-map-cancel", "property": "n_clicks"}], "changedPropIds": ["dir-map-cancel.n_clicks"]}
    assert post(admin, body).status_code == 204  # no click: nothing to change
    body["inputs"][0]["value"] = 1
    response = post(admin, body)
    assert response.status_code == 200 and response.get_json()["response"]["dir-map-drawer"]["opened"] is False


def test_returning_more_than_1000_pools_names_pools(admin, app_on):
    """Item 8: the refusal said "Select at most 1000 resellers" of a selection of pools."""
    selection = [{"id": n, "status": "Pending acceptance"} for n in range(1, 1002)]
    with _db(app_on).reading() as s:
        rid = s.scalar(
            select(ResellerPool.reseller_id).join(DirectoryEntry).where(DirectoryEntry.lar_id == _lar(app_on)).limit(1)
        )
    for p, context in (("pools", rid), ("ren", None)):
        asked = dash_call(admin, [(f"{p}-return-modal", "opened"), (f"{p}-return-list", "children"),
                                  (f"{p}-return-text", "children"), NOTIFY],
                          [(f"{p}-return", "n_clicks", 1)],
                          [(f"{p}-grid", "selectedRows", selection), (f"{p}-context", "data", context)])
        done = dash_call(admin, [(f"{p}-return-modal", "opened"), (f"{p}-refresh", "data"), NOTIFY],
                         [(f"{p}-return-confirm", "n_clicks", 1), (f"{p}-return-cancel", "n_clicks", None)],
                         [(f"{p}-grid", "selectedRows", selection), (f"{p}-context", "data", context),
                          (f"{p}-refresh", "data", 0)])
        assert _notice(asked) == _notice(done) == "Select at most 1,000 pools at a time."


def test_a_refresh_counter_of_the_wrong_type_does_not_undo_a_done_action(admin, app_on):
    """The grid's refresh counter is the browser's: an action that succeeded says so whatever it
    holds (it answered 400, an error, after the pools had gone back)."""
    with _db(app_on).reading() as s:
        pending = s.scalar(select(ResellerPool.id).join(DirectoryEntry).join(Subscription).where(
            DirectoryEntry.lar_id == _lar(app_on), ResellerPool.status == "Pending acceptance",
            ResellerPool.expires_at.is_(None), Subscription.expires_at > AppClock().now()).limit(1))
    response = dash_call(admin, [("ren-return-modal", "opened"), ("ren-refresh", "data"), NOTIFY],
                         [("ren-return-confirm", "n_clicks", 1), ("ren-return-cancel", "n_clicks", None)],
                         [("ren-grid", "selectedRows", [{"id": pending}]), ("ren-context", "data", None),
                          ("ren-refresh", "data", "x")])
    assert _notice(response).startswith("Returned 1 pool")
    assert response.get_json()["response"]["ren-refresh"]["data"] == 1
