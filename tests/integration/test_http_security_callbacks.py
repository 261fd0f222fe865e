"""CSRF and forged callback calls over HTTP against the real app: another LAR's rows and resellers,
values and bodies of the wrong type or shape, and the Delete dialog."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from data.models import DirectoryEntry
from tests.integration.conftest import dash_call
from tests.integration.security_calls import ROWS, _db, _rows

DELETE_OUT = [("dir-delete-modal", "opened"), ("dir-delete-refusal", "children"), ("dir-delete-refusal", "display"),
              ("dir-delete-rest", "display"), ("dir-refresh", "data"), ("notify", "sendNotifications")]


def _reseller_ids(app, lar_name_prefix=""):
    with _db(app).reading() as s:
        return {r.organization_name: r.id for r in s.scalars(select(DirectoryEntry)).all()
                if r.organization_name.startswith(lar_name_prefix)}


def test_a_callback_without_the_csrf_header_is_refused(signed_in):
    client = signed_in("operator@demo.example")
    response = dash_call(client, ROWS, [("dir-grid", "getRowsRequest", {"startRow": 0, "endRow": 10})],
                         [("dir-query", "data", {}), ("dir-context", "data", None)], csrf=False)
    assert response.status_code == 400


def test_rows_come_only_from_the_actors_lar(signed_in, app):
    response = _rows(signed_in("operator@demo.example"), end=500)
    assert response.status_code == 200
    data = response.get_json()["response"]["dir-grid"]["getRowsResponse"]
    names = {r["organization_name"] for r in data["rowData"]}
    with _db(app).reading() as s:  # 60 demo entries, plus any another test of this app invited
        own = s.scalar(select(func.count()).select_from(DirectoryEntry).where(DirectoryEntry.lar_id == 1))
    assert data["rowCount"] == own == len(names) >= 60
    assert not any(n.startswith("Otherside") for n in names)
    other = _rows(signed_in("admin@other.example"), end=500).get_json()["response"]["dir-grid"]["getRowsResponse"]
    assert all(r["organization_name"].startswith("Otherside") for r in other["rowData"])


def test_analyst_delete_is_refused_by_the_service(signed_in, app):
    ids = _reseller_ids(app)
    target = sorted(ids.items())[0]
    response = dash_call(
        signed_in("analyst@demo.example"), DELETE_OUT,
        [("dir-delete-submit", "n_clicks", 1), ("dir-delete-rest", "n_clicks", None),
         ("dir-delete-entered", "data", None)],
        [("dir-grid", "selectedRows", [{"id": target[1], "organization_name": target[0]}]),
         ("dir-delete-confirm-text", "value", "Yes"), ("dir-refresh", "data", 0),
         ("dir-delete-submit", "display", "inline-block")],
    )
    assert response.status_code == 200
    assert "analyst" in json.dumps(response.get_json()["response"]["notify"])
    assert target[0] in _reseller_ids(app)


def test_another_lars_reseller_id_is_refused_and_leaks_nothing(signed_in, app):
    theirs = {n: i for n, i in _reseller_ids(app, "Otherside").items()}
    name, rid = sorted(theirs.items())[0]
    client = signed_in("operator@demo.example")
    asked = dash_call(client, [("dir-visibility-modal", "opened"), ("dir-visibility-text", "children"),
                               ("dir-visibility-target", "data"), ("notify", "sendNotifications")],
                      [("dir-grid", "cellRendererData",
                        {"colId": "customer_visibility", "rowId": str(rid), "value": {}})])
    deleted = dash_call(client, DELETE_OUT,
                        [("dir-delete-submit", "n_clicks", 1), ("dir-delete-rest", "n_clicks", None),
         ("dir-delete-entered", "data", None)],
                        [("dir-grid", "selectedRows", [{"id": rid}]), ("dir-delete-confirm-text", "value", "Yes"),
                         ("dir-refresh", "data", 0),
         ("dir-delete-submit", "display", "inline-block")])
    page = dash_call(client, [("_pages_content", "children"), ("_pages_store", "data")],
                     [("_pages_location", "pathname", f"/resellers/{rid}"), ("_pages_location", "search", "")])
    assert "Not found" in page.get_data(as_text=True)
    for response in (asked, deleted, page):
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert "not found" in text.lower() and name not in text
    assert name in _reseller_ids(app, "Otherside")


def test_errors_show_no_stack_trace(signed_in):
    client = signed_in("operator@demo.example")
    cookie = client.get_cookie("_csrf_token").value
    response = client.post("/_dash-update-component", data="{not json", headers={"X-CSRFToken": cookie,
                                                                                 "Content-Type": "application/json"})
    assert response.status_code >= 400
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("request_, query", [
    ({"startRow": "a", "endRow": 10}, None),
    ({"startRow": None, "endRow": [1]}, None),
    ({"startRow": 0, "endRow": 10, "sortModel": ["email"]}, None),
    ({"startRow": 0, "endRow": 10, "sortModel": [{"colId": ["x"], "sort": {"a": 1}}]}, None),
    ({"startRow": 0, "endRow": 10}, {"search": "x" * 1_000_000, "filters": {}}),
    ({"startRow": 0, "endRow": 10}, {"search": "a\x00b\ud800c", "filters": {}}),
    ({"startRow": 0, "endRow": 10}, {"search": ["a"], "filters": ["status"]}),
    ({"startRow": 0, "endRow": 10}, {"search": "", "filters": {"status": "Mapped"}}),
    ("not a request", "not a query"),
])
def test_malformed_grid_requests_get_an_answer_not_an_error(signed_in, request_, query):
    client = signed_in("operator@demo.example")
    response = dash_call(client, ROWS, [("dir-grid", "getRowsRequest", request_)],
                         [("dir-query", "data", query), ("dir-context", "data", None)])
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert "rowCount" in response.get_json()["response"]["dir-grid"]["getRowsResponse"]


def _raw_callback(client, body):
    return client.post("/_dash-update-component", data=json.dumps(body) if not isinstance(body, bytes) else body,
                       content_type="application/json", headers={"X-CSRFToken": client.get_cookie("_csrf_token").value})


@pytest.mark.parametrize("body", [
    None, [1, 2], "x", 5,
    {"inputs": []},  # no output
    {"output": 5, "outputs": {"id": "dir-chips", "property": "children"}, "inputs": [], "changedPropIds": []},
    {"output": "dir-chips.children", "outputs": {"id": "dir-chips", "property": "children"},
     "inputs": {"id": "dir-query"}, "changedPropIds": 5},
    {"output": "nope.children", "outputs": {"id": "nope", "property": "children"}, "inputs": [],
     "changedPropIds": []},
])
def test_a_callback_body_of_the_wrong_shape_is_a_400(signed_in, body, caplog):
    response = _raw_callback(signed_in("analyst@demo.example"), body)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_deeply_nested_json_is_a_400(signed_in):
    deep = b'{"output": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    assert _raw_callback(signed_in("analyst@demo.example"), deep).status_code == 400


@pytest.mark.parametrize("outputs,inputs,state,changed", [
    ([("dir-chips", "children")], [("dir-query", "data", 5)], [("dir-filter-labels", "data", {})], 0),
    ([("reseller-figures", "children")], [("pools-refresh", "data", 1)], [("pools-context", "data", "x")], 0),
    (DELETE_OUT, [("dir-delete-submit", "n_clicks", 1), ("dir-delete-rest", "n_clicks", None),
         ("dir-delete-entered", "data", None)],
     [("dir-grid", "selectedRows", 5), ("dir-delete-confirm-text", "value", "Yes"), ("dir-refresh", "data", 0),
         ("dir-delete-submit", "display", "inline-block")], 0),
    *[(DELETE_OUT, [("dir-delete-submit", "n_clicks", None), ("dir-delete-rest", "n_clicks", None),
                    ("dir-delete-entered", "data", entered)],
       [("dir-grid", "selectedRows", []), ("dir-delete-confirm-text", "value", "Yes"), ("dir-refresh", "data", 0),
        ("dir-delete-submit", "display", "inline-block")], 2) for entered in ("yes", {"value": 5}, [1], {"n": 1})],
])
def test_values_of_the_wrong_type_are_refused_not_a_500(signed_in, outputs, inputs, state, changed, caplog):
    response = dash_call(signed_in("operator@demo.example"), outputs, inputs, state, changed=changed)
    assert response.status_code in (200, 204, 400, 404), response.get_data(as_text=True)
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


DELETE_OPEN = [("dir-delete-modal", "opened"), ("dir-delete-text", "children"), ("dir-delete-confirm-text", "value"),
               ("dir-delete-refusal", "children"), ("dir-delete-refusal", "display"), ("dir-delete-rest", "display"),
               ("dir-delete-submit", "display"), ("dir-delete-confirm-text", "display"),
               ("notify", "sendNotifications")]


def test_the_delete_dialog_says_pending_pools_go_back(signed_in, app, clock):
    """Outside review: a pending pool went back to its subscription without the dialog saying so."""
    from data.models import ResellerPool, Tenant, User
    from services.access.principal import principal_of
    from services.pools.changes import add_pool_choices, add_pools
    db = _db(app)
    with db.reading() as s:
        user = s.scalars(select(User).where(User.email == "operator@demo.example")).one()
        operator = principal_of(user, s.get(Tenant, user.tenant_id))
        mapped = s.scalars(select(DirectoryEntry)
                           .where(DirectoryEntry.lar_id == operator.lar_id, DirectoryEntry.status == "Mapped")).all()
        pooled = set(s.scalars(select(ResellerPool.reseller_id)))
        reseller = next(r for r in mapped if r.id not in pooled)
        row = {"id": reseller.id, "organization_name": reseller.organization_name}
    service = next(s for s in add_pool_choices(db, operator, reseller.id, now=clock.now())["services"]
                   if any(sub["available"] > 0 for sub in s["subscriptions"]))
    sub = next(sub for sub in service["subscriptions"] if sub["available"] > 0)
    add_pools(db, operator, reseller.id, [{"service": service["name"], "subscription_id": sub["id"],
                                           "source": "Purchased", "payment_type": "Prepaid", "quantity": 1,
                                           "expiration": "same"}],
              now=clock.now())
    client = signed_in("operator@demo.example")
    response = dash_call(client, DELETE_OPEN, [("dir-delete-open", "n_clicks", 1)],
                         [("dir-grid", "selectedRows", [row])])
    text = response.get_json()["response"]["dir-delete-text"]["children"]
    assert re.search(r"1 pending pool \(not yet accepted\) goes back to its subscription\.$", text), text


def test_enter_in_the_yes_box_deletes_with_the_text_the_page_read(signed_in, app):
    """The box's value prop may still hold "ye" when Enter arrives: the page sends what the box
    showed (callbacks/directory.py), and that is what confirms."""
    from data.models import ResellerPool
    with _db(app).reading() as s:
        rid, name = s.execute(select(DirectoryEntry.id, DirectoryEntry.organization_name).where(
            DirectoryEntry.id.in_(_reseller_ids(app).values()), DirectoryEntry.status == "Invited",
            DirectoryEntry.id.not_in(select(ResellerPool.reseller_id))).order_by(DirectoryEntry.id)).first()
    client = signed_in("operator@demo.example")
    response = dash_call(
        client, DELETE_OUT,
        [("dir-delete-submit", "n_clicks", None), ("dir-delete-rest", "n_clicks", None),
         ("dir-delete-entered", "data", {"n": 1, "value": "yes"})],
        [("dir-grid", "selectedRows", [{"id": rid, "organization_name": name}]),
         ("dir-delete-confirm-text", "value", "ye"), ("dir-refresh", "data", 0),
         ("dir-delete-submit", "display", "inline-block")], changed=2)
    assert response.status_code == 200
    assert f"Deleted 1 reseller: {name}." in json.dumps(response.get_json()["response"]["notify"])
    assert name not in _reseller_ids(app)
