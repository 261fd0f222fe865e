"""The gate, CSRF, cookies and forged callback calls, over HTTP against the real app."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config import Settings
from data.models import DirectoryEntry
from tests.integration.conftest import dash_call, sign_in

ROOT = Path(__file__).resolve().parents[2]
ROWS = [("dir-grid", "getRowsResponse"), ("dir-count", "children"), ("dir-empty", "children"),
        ("dir-paper", "className"), ("dir-grid", "style")]
DELETE_OUT = [("dir-delete-modal", "opened"), ("dir-delete-refusal", "children"), ("dir-delete-refusal", "display"),
              ("dir-delete-rest", "display"), ("dir-refresh", "data"), ("notify", "sendNotifications")]


def _db(app):
    return app.server.extensions["reseller_db"]


def _reseller_ids(app, lar_name_prefix=""):
    with _db(app).reading() as s:
        return {r.organization_name: r.id for r in s.scalars(select(DirectoryEntry)).all()
                if r.organization_name.startswith(lar_name_prefix)}


def _rows(client, start=0, end=100, query=None):
    return dash_call(client, ROWS,
                     [("dir-grid", "getRowsRequest", {"startRow": start, "endRow": end, "sortModel": []})],
                     [("dir-query", "data", query or {"search": "", "filters": {}}), ("dir-context", "data", None)])


def test_anonymous_requests_are_refused(app):
    client = app.server.test_client()
    assert _rows(client).status_code == 401
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/_dash-dependencies").status_code == 401
    page = client.get("/resellers/1")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")


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


def test_sign_in_failure_says_so_without_naming_the_cause(app):
    client = app.server.test_client()
    wrong = sign_in(client, "operator@demo.example", "wrong")
    unknown = sign_in(client, "nobody@demo.example", "wrong")
    assert wrong.status_code == unknown.status_code == 401
    assert "Email or password is incorrect." in wrong.get_data(as_text=True)
    assert "Email or password is incorrect." in unknown.get_data(as_text=True)


def test_cookies_and_headers_are_hardened(app):
    client = app.server.test_client()
    response = sign_in(client, "analyst@demo.example")
    cookie = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookie if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'sha256-" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert "Strict-Transport-Security" not in response.headers  # only in production (HTTPS)


def test_tenant_data_is_never_cached(signed_in):
    client = signed_in("operator@demo.example")
    page = client.get("/")
    rows = _rows(client)
    assert page.headers["Cache-Control"] == "no-store" and rows.headers["Cache-Control"] == "no-store"
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    asset = client.get("/assets/app.css")
    assert asset.status_code == 200 and asset.headers.get("Cache-Control") != "no-store"


def test_production_sends_hsts_and_refuses_a_short_secret(tmp_path, monkeypatch, app):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 31)
    monkeypatch.setenv("BASE_URL", "https://console.example")
    with pytest.raises(SystemExit, match="at least 32 bytes"):
        Settings.from_env()
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    assert Settings.from_env().production
    # A process of its own: Dash registers its pages on the first app of a process.
    script = ("from app import create_app; from config import Settings; "
              "app = create_app(Settings.from_env()); "
              "print(app.server.test_client().get('/login').headers.get('Strict-Transport-Security'))")
    env = {**os.environ, "APP_ENV": "production", "SECRET_KEY": "x" * 32, "DEMO_DATA": "0",
           "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'production.db'}",
           "BASE_URL": "https://console.example"}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "max-age=31536000; includeSubDomains", out.stderr[-2000:]


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example/x", "https://evil.example/", "x"])
def test_open_redirects_are_not_followed(app, target):
    client = app.server.test_client()
    page = client.get("/login").get_data(as_text=True)
    import re
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", query_string={"next": target},
                           data={"email": "analyst@demo.example", "password": "demo1234", "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_a_shared_link_keeps_its_view_through_sign_in(app):
    client = app.server.test_client()
    asked = client.get("/resellers/1?pools_q=policies&customers_pool=61")
    assert asked.status_code == 302
    login = asked.headers["Location"]
    assert login == "/login?next=/resellers/1?pools_q%3Dpolicies%26customers_pool%3D61"
    page = client.get(login).get_data(as_text=True)
    import re
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(login, data={"email": "analyst@demo.example", "password": "demo1234", "csrf_token": token})
    assert response.headers["Location"] == "/resellers/1?pools_q=policies&customers_pool=61"


def test_errors_show_no_stack_trace(signed_in):
    client = signed_in("operator@demo.example")
    cookie = client.get_cookie("_csrf_token").value
    response = client.post("/_dash-update-component", data="{not json", headers={"X-CSRFToken": cookie,
                                                                                 "Content-Type": "application/json"})
    assert response.status_code >= 400
    assert "Traceback" not in response.get_data(as_text=True)


def test_production_refuses_demo_users_and_a_missing_secret(tmp_path, monkeypatch, app):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(SystemExit, match="SECRET_KEY"):
        Settings.from_env()
    from app import create_app
    demo_url = _db(app).url
    with pytest.raises(SystemExit, match="demo users"):
        create_app(Settings(database_url=demo_url, secret_key="x", demo_data=False, production=True,
                            instance=tmp_path, base_url="https://console.example"))


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


def test_an_unknown_script_path_is_a_404(signed_in, caplog):
    client = signed_in("analyst@demo.example")
    for path in ("/_dash-component-suites/dash/nonexist.js", "/_dash-component-suites/dash/deps/polyfill@7.v3_0_0m1.js",
                 # source maps the packages do not ship (a browser's developer tools ask for them)
                 "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.min.js.map",
                 "/_dash-component-suites/dash_mantine_components/dash_mantine_components.js.map"):
        assert client.get(path).status_code == 404, path
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_the_assets_folder_address_is_not_cached(signed_in):
    response = signed_in("analyst@demo.example").get("/assets/")
    assert response.headers.get("Cache-Control") == "no-store"


def test_get_logout_asks_and_post_clears_the_csrf_cookie(signed_in):
    client = signed_in("analyst@demo.example")
    page = client.get("/logout")
    assert page.status_code == 200 and "Sign out?" in page.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 200  # a GET signs nobody out
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    client.post("/logout", data={"csrf_token": token})
    assert client.get_cookie("_csrf_token") is None
    assert client.get("/_dash-layout").status_code == 401


def test_the_sign_in_page_says_why_a_session_ended(app):
    page = app.server.test_client().get("/login?ended=1&next=/").get_data(as_text=True)
    assert "Your session ended" in page
    assert "Your session ended" not in app.server.test_client().get("/login").get_data(as_text=True)


def test_versioned_code_is_kept_by_browsers_and_unversioned_is_not(signed_in):
    client = signed_in("analyst@demo.example")
    page = client.get("/").get_data(as_text=True)
    asset = re.search(r'src="(/assets/[^"]+\?m=[^"]+)"', page).group(1)
    assert client.get(asset).headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "immutable" not in client.get("/assets/app.css").headers.get("Cache-Control", "")
    # AG Grid's chunk has a fixed address: kept five minutes (the Sign in page's copy is used).
    chunk = client.get("/_dash-component-suites/dash_ag_grid/async-community.js")
    assert chunk.headers["Cache-Control"] == "public, max-age=300" and chunk.headers["ETag"]


def test_the_sign_in_page_prefetches_the_code_of_the_first_page(signed_in, app):
    """Fetched while the user types: every script and style the signed-in page loads."""
    anonymous = app.server.test_client()
    login = anonymous.get("/login").get_data(as_text=True)
    prefetched = set(re.findall(r'<link rel="prefetch" href="([^"]+)"', login))
    page = signed_in("analyst@demo.example").get("/").get_data(as_text=True)
    loaded = (set(re.findall(r'<script src="([^"]+)"', page))
              | set(re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)))
    assert loaded and loaded <= prefetched
    assert "/_dash-component-suites/dash_ag_grid/async-community.js" in prefetched
    assert re.search(r'<link rel="icon" [^>]*href="/_favicon\.ico', login)


def test_code_is_readable_without_signing_in_and_nothing_else_is(app):
    client = app.server.test_client()
    login = client.get("/login").get_data(as_text=True)
    prefetched = re.findall(r'<link rel="prefetch" href="([^"]+)"', login)
    for address in [*prefetched, re.search(r'<link rel="icon" [^>]*href="([^"]+)"', login).group(1)]:
        response = client.get(address)
        # The same bytes for everyone: no cookie set, and none that the browser's copy depends on.
        assert response.status_code == 200, address
        assert "Set-Cookie" not in response.headers and "Cookie" not in response.headers.get("Vary", ""), address
    # Dash answers its page at any address, and any version of a script or query on an asset
    # with the same file: only the exact addresses the page loads are public.
    assert client.get("/assets/").status_code == 302
    assert client.get("/assets//x.js").status_code == client.get("/assets///app.css").status_code == 302
    assert client.get("/_dash-component-suites//x.js").status_code == 401
    made_up = re.sub(r"\.v[\w-]+m[0-9a-f]+\.", ".v1m1.", next(a for a in prefetched if "react-dom" in a))
    assert client.get(made_up).status_code == client.get(f"{prefetched[-1]}?m=1").status_code == 401
    assert client.get("/assets/app.css?m=1").status_code == 302
    assert client.get("/_dash-component-suites/plotly/package_data/plotly.min.js").status_code == 401
    assert client.get("/_dash-component-suites/").status_code == 401
    assert client.get("/assets/..%2fapp.py").status_code in (302, 404)
    assert client.post("/assets/app.css").status_code == 401
    assert client.get("/_dash-layout").status_code == client.get("/_dash-dependencies").status_code == 401


def test_code_answers_do_not_depend_on_the_session_cookie(signed_in):
    client = signed_in("operator@demo.example")
    response = client.get("/assets/app.css")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    page = client.get("/")
    assert "Cookie" in page.headers.get("Vary", "") and page.headers["Cache-Control"] == "no-store"


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
