"""Issue 19 over HTTP: a sign-in that finds no free password check, or comes from an address
over its limit, is answered at once (429, Retry-After, the Sign in page saying when to try
again with the typed email kept); text no address can hold is the ordinary refusal."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from data.models import SignInThrottle
from tests.check_turns import every_check_turn_taken
from tests.database_watch import statements, write_transactions
from tests.integration.conftest import sign_in


def _db(app):
    return app.server.extensions["reseller_db"]


def test_a_sign_in_finding_no_free_check_gets_429_at_once(app):
    client = app.server.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    with every_check_turn_taken(), statements(_db(app)) as sent:
        busy = client.post("/login", data={"email": "operator@demo.example", "password": "demo1234",
                                           "csrf_token": token})
    assert busy.status_code == 429 and int(busy.headers["Retry-After"]) >= 1
    page = busy.get_data(as_text=True)
    assert "Password checks are busy right now. Try again in a few seconds." in page
    assert 'value="operator@demo.example"' in page and f'value="{token}"' in page
    assert sent == []  # nothing read, nothing written
    assert sign_in(client, "operator@demo.example").status_code == 302


def test_an_address_over_its_limit_gets_429_saying_when_to_try_again(app, clock):
    from services.identity.sign_in import MAX_CLIENT_SIGN_INS
    client = app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.50"
    for i in range(MAX_CLIENT_SIGN_INS):
        assert sign_in(client, f"guess{i}@demo.example", "wrong").status_code == 401
    with write_transactions(_db(app)) as writes:
        over = sign_in(client, "analyst@demo.example")
    assert over.status_code == 429 and over.headers["Retry-After"] == "300"
    page = over.get_data(as_text=True)
    assert "Too many sign-in attempts from your network. Try again in 5 minutes." in page
    assert 'value="analyst@demo.example"' in page
    assert writes == []
    with statements(_db(app)) as sent:  # now known to this process: refused before any other work
        again = client.post("/login", data={"email": "admin@demo.example", "password": "demo1234",
                                            "csrf_token": "the-forms-own"})
    assert again.status_code == 429 and again.headers["Retry-After"] == "300" and sent == []
    page = again.get_data(as_text=True)
    assert "Too many sign-in attempts from your network. Try again in 5 minutes." in page
    assert 'value="admin@demo.example"' in page and 'value="the-forms-own"' in page  # it can be sent again later
    assert again.headers["X-Frame-Options"] == "DENY" and "script-src" in again.headers["Content-Security-Policy"]
    assert again.headers["Cache-Control"] == "no-store"
    clock.advance(timedelta(minutes=5))
    assert sign_in(client, "analyst@demo.example").status_code == 302


def test_a_nul_in_the_email_is_the_ordinary_refusal(app):
    before = _throttle_rows(app)
    refused = sign_in(app.server.test_client(), "operator@demo.example\x00", "demo1234")
    assert refused.status_code == 401 and "Email or password is incorrect." in refused.get_data(as_text=True)
    assert _throttle_rows(app) == before


def test_change_password_with_no_free_check_changes_nothing_and_says_so(signed_in):
    browser = signed_in("analyst@demo.example")
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/account/password").get_data(as_text=True))
    with every_check_turn_taken():
        busy = browser.post("/account/password", data={"csrf_token": token.group(1), "current": "demo1234",
                                                        "new": "a-longer-password", "repeat": "a-longer-password"})
    assert busy.status_code == 429 and int(busy.headers["Retry-After"]) >= 1
    assert "Your password was not changed." in busy.get_data(as_text=True)
    assert browser.get("/_dash-layout").status_code == 200  # the session lives on: nothing changed


def _throttle_rows(app) -> int:
    with _db(app).reading() as s:
        return s.scalar(select(func.count()).select_from(SignInThrottle))
