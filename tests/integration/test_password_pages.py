"""The pages that set a password from a link, and Forgot your password? (issue 20), through the
real app: open without a session, one answer for every address, single use."""
from __future__ import annotations

import re

from sqlalchemy import select

from data.models import OutgoingEmail, User
from services.identity.sign_in import hash_password
from tests.integration.conftest import sign_in


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _link(app, to: str) -> str:
    with app.server.extensions["reseller_db"].reading() as s:
        body = s.scalars(select(OutgoingEmail.body).where(OutgoingEmail.to == to).order_by(OutgoingEmail.id.desc())
                         ).first()
    return re.search(r"https?://[^/\s]+(/password/\S+)", body).group(1)


def test_the_sign_in_page_leads_to_a_reset_and_the_answer_is_the_same_for_every_address(app):
    client = app.server.test_client()
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)
    answers = []
    for email in ("analyst@demo.example", "nobody-here@demo.example"):
        page = client.get("/password/forgot").get_data(as_text=True)
        response = client.post("/password/forgot", data={"email": email, "csrf_token": _csrf(page)})
        assert response.status_code == 200
        answers.append(response.get_data(as_text=True).replace(email, "ADDRESS"))
    assert answers[0] == answers[1]
    assert client.post("/password/forgot", data={"email": "x@y.example"}).status_code == 400  # CSRF still checked


def test_a_reset_link_sets_the_password_once_and_the_old_one_stops_working(app):
    client = app.server.test_client()
    page = client.get("/password/forgot").get_data(as_text=True)
    client.post("/password/forgot", data={"email": "analyst@demo.example", "csrf_token": _csrf(page)})
    link = _link(app, "analyst@demo.example")
    form = client.get(link)
    assert form.status_code == 200 and "Choose a new password" in form.get_data(as_text=True)
    short = client.post(link, data={"new": "short", "repeat": "short",
                                     "csrf_token": _csrf(form.get_data(as_text=True))})
    assert short.status_code == 400 and "at least 12" in short.get_data(as_text=True)
    done = client.post(link, data={"new": "analyst-new-password", "repeat": "analyst-new-password",
                                   "csrf_token": _csrf(form.get_data(as_text=True))})
    assert done.status_code == 200 and "Password set" in done.get_data(as_text=True)
    assert client.get(link).status_code == 410  # used
    assert sign_in(client, "analyst@demo.example", "demo1234").status_code == 401
    assert sign_in(client, "analyst@demo.example", "analyst-new-password").status_code == 302
    # The demo password (shorter than today's rule) back for the tests after this one.
    with app.server.extensions["reseller_db"].unit_of_work() as session:
        session.scalars(select(User).where(User.email == "analyst@demo.example")).one().password_hash = \
            hash_password("demo1234")


def test_unknown_links_answer_410_and_other_addresses_need_a_session(app):
    client = app.server.test_client()
    assert client.get("/password/" + "x" * 43).status_code == 410
    assert client.get("/password/a/b").status_code in (302, 401)
