"""The gate over HTTP against the real app: sign-in, redirects, cookies and headers, production's
settings, and what is cached or readable without signing in."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from config import Settings
from tests.integration.conftest import sign_in
from tests.integration.security_calls import _db, _rows

ROOT = Path(__file__).resolve().parents[2]


def test_anonymous_requests_are_refused(app):
    client = app.server.test_client()
    assert _rows(client).status_code == 401
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/_dash-dependencies").status_code == 401
    page = client.get("/resellers/1")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")


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
