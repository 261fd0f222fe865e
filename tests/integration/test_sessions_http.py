"""Issue 11 item 1 over HTTP: a copied session cookie dies with sign-out, a password change
and a disabled user; a new sign-in gets a new cookie and a new CSRF token."""
from __future__ import annotations

import re

from sqlalchemy import select

from data.models import User
from tests.integration.conftest import dash_call, sign_in

SESSION_COOKIE = "session"


def _copy(client, app):
    """A second browser holding a copy of client's cookies (what a thief would have)."""
    thief = app.server.test_client()
    for name in (SESSION_COOKIE, "_csrf_token"):
        cookie = client.get_cookie(name)
        thief.set_cookie(name, cookie.value)
    return thief


def _user_id(app, email):
    with app.server.extensions["reseller_db"].reading() as s:
        return s.scalars(select(User.id).where(User.email == email)).one()


def _csrf(client):
    return client.get_cookie("_csrf_token").value


def test_sign_out_ends_the_session_for_every_copy_of_the_cookie(signed_in, app):
    browser = signed_in("analyst@demo.example")
    thief = _copy(browser, app)
    assert thief.get("/_dash-layout").status_code == 200
    assert browser.post("/logout", data={"csrf_token": _csrf(browser)}).status_code == 302
    assert thief.get("/_dash-layout").status_code == 401
    assert thief.get("/").status_code == 302
    refused = dash_call(thief, [("dir-count", "children")], [("dir-query", "data", {})])
    assert refused.status_code == 401


def test_each_sign_in_gets_a_new_cookie_and_csrf_token(app):
    client = app.server.test_client()
    client.get("/login")
    before = client.get_cookie(SESSION_COOKIE).value
    assert sign_in(client, "analyst@demo.example").status_code == 302
    client.get("/")
    first_cookie, first_csrf = client.get_cookie(SESSION_COOKIE).value, _csrf(client)
    assert first_cookie != before
    client.post("/logout", data={"csrf_token": first_csrf})
    assert sign_in(client, "analyst@demo.example").status_code == 302
    client.get("/")
    assert client.get_cookie(SESSION_COOKIE).value != first_cookie and _csrf(client) != first_csrf


def test_a_password_change_ends_other_sessions_and_keeps_this_one(signed_in, app):
    browser = signed_in("operator@demo.example")
    elsewhere = signed_in("operator@demo.example")
    page = browser.get("/account/password").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    wrong = browser.post("/account/password", data={"csrf_token": token, "current": "nope",
                                                      "new": "a-longer-password", "repeat": "a-longer-password"})
    assert wrong.status_code == 400 and "The current password is incorrect" in wrong.get_data(as_text=True)
    assert elsewhere.get("/_dash-layout").status_code == 200
    try:
        changed = browser.post("/account/password", data={"csrf_token": token, "current": "demo1234",
                                                            "new": "a-longer-password", "repeat": "a-longer-password"})
        assert changed.status_code == 302 and changed.headers["Location"].endswith("/account/password/changed")
        assert "Password changed" in browser.get("/account/password/changed").get_data(as_text=True)
        assert elsewhere.get("/_dash-layout").status_code == 401
        assert browser.get("/_dash-layout").status_code == 200
    finally:  # the app is shared by this module's tests: put the demo password back
        from services.identity.sign_in import hash_password
        with app.server.extensions["reseller_db"].unit_of_work() as s:
            s.get(User, _user_id(app, "operator@demo.example")).password_hash = hash_password("demo1234")


def _lar_user_ids(app):
    with app.server.extensions["reseller_db"].reading() as s:
        return sorted(s.scalars(select(User.id).where(User.tenant_id == 1)).all())


def _users_call(client, app, marker, tail_outputs, inputs, state=(), changed=""):
    """A Users page callback, as Dash's renderer posts it: the switches and session counts
    are ALL-pattern outputs, one entry per user on the page."""
    ids = _lar_user_ids(app)
    pattern = [[{"id": {"type": kind, "user": i}, "property": prop} for i in ids]
               for kind, prop in (("user-active", "checked"), ("user-active", "label"), ("user-sessions", "children"))]
    body = {
        "output": next(d["output"] for d in client.get("/_dash-dependencies").get_json()
                       if d["output"].startswith('..{"type":"user-active"') and marker(d["output"])),
        "outputs": pattern + [{"id": i, "property": p} for i, p in tail_outputs],
        "inputs": inputs,
        "state": list(state),
        "changedPropIds": [changed],
    }
    return client.post("/_dash-update-component", json=body, headers={"X-CSRFToken": _csrf(client)})


def _switch(client, app, user_id, checked):
    ids = _lar_user_ids(app)
    values = [checked if i == user_id else True for i in ids]
    response = _users_call(
        client, app, lambda output: "users-disable-text" in output,
        [("notify", "sendNotifications"), ("users-disable-modal", "opened"), ("users-disable-text", "children"),
         ("users-disable-target", "data")],
        [[{"id": {"type": "user-active", "user": i}, "property": "checked", "value": v}
          for i, v in zip(ids, values, strict=True)]],
        changed=f'{{"type":"user-active","user":{user_id:d}}}.checked')
    return response


def _confirm_disable(client, app, user_id):
    return _users_call(client, app, lambda output: "users-disable-text" not in output, [("notify", "sendNotifications"),
                                                              ("users-disable-modal", "opened")],
                       [{"id": "users-disable-confirm", "property": "n_clicks", "value": 1}],
                       [{"id": "users-disable-target", "property": "data", "value": user_id}],
                       changed="users-disable-confirm.n_clicks")


def test_an_admin_disabling_a_user_signs_them_out_at_once(signed_in, app):
    admin = signed_in("admin@demo.example")
    analyst = signed_in("analyst@demo.example")
    analyst_id = _user_id(app, "analyst@demo.example")
    try:
        asked = _switch(admin, app, analyst_id, False)  # turning the switch off only asks
        assert asked.status_code == 200 and "Disable analyst@demo.example?" in asked.get_data(as_text=True)
        assert analyst.get("/_dash-layout").status_code == 200
        refused = _confirm_disable(analyst, app, analyst_id)
        assert refused.status_code == 200 and "cannot manage users" in refused.get_data(as_text=True)
        assert analyst.get("/_dash-layout").status_code == 200
        done = _confirm_disable(admin, app, analyst_id)
        assert done.status_code == 200 and "signed out everywhere" in done.get_data(as_text=True)
        assert analyst.get("/_dash-layout").status_code == 401
        assert sign_in(app.server.test_client(), "analyst@demo.example").status_code == 401
    finally:
        _switch(admin, app, analyst_id, True)
    assert sign_in(app.server.test_client(), "analyst@demo.example").status_code == 302
