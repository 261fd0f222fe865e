"""Invite new reseller end to end over HTTP with a real SMTP server: the email arrives with the
right recipient and link, the link's page works without signing in, and the entry follows."""
from __future__ import annotations

import re

from sqlalchemy import select

from data.models import DirectoryEntry
from services.access.console_user import load_principal
from services.invitations.invite import invite_by_email
from services.notify.outbox import deliver_due
from services.notify.transport import SmtpTransport
from tests.integration.conftest import sign_in


def _db(app):
    return app.server.extensions["reseller_db"]


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_invitation_arrives_and_its_link_signs_the_reseller_up(app, smtp, clock):
    _server, inbox, url = smtp
    db = _db(app)
    invited = invite_by_email(db, load_principal(db, 2), "owner@arrives.example", "Arrives Ltd", "https://console.test",
                              now=clock.now())
    assert deliver_due(db, SmtpTransport(url), now=clock.now())["sent"] >= 1
    [(_recipients, message)] = [m for m in inbox.messages if m[0] == ["owner@arrives.example"]]
    text = message.get_body(("plain",)).get_content()
    assert "Northwind Cloud Partners" in text and "expires on" in text
    link = re.search(r"https://console\.test(/sign-up/\S+)", text).group(1)
    assert f'href="https://console.test{link}"' in message.get_body(("html",)).get_content()

    anonymous = app.server.test_client()
    page = anonymous.get(link)
    assert page.status_code == 200 and "Sign up for Elements" in page.get_data(as_text=True)
    form = {"organization_name": "Arrives Limited", "password": "a-good-long-password",
            "repeated": "a-good-long-password"}
    assert anonymous.post(link, data=form).status_code == 400  # no CSRF token: refused
    done = anonymous.post(link, data={**form, "csrf_token": _csrf(page.get_data(as_text=True))})
    assert done.status_code == 200 and "Welcome, Arrives Limited" in done.get_data(as_text=True)
    with db.reading() as s:
        entry = s.get(DirectoryEntry, invited.id)
        assert entry.status == "Unmapped" and entry.organization_name == "Arrives Limited"
    again = anonymous.get(link)
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)
    # The new owner signs in to a page of its own and gets no session for the console.
    welcome = sign_in(anonymous, "owner@arrives.example", "a-good-long-password")
    assert welcome.status_code == 200 and "registered as a reseller" in welcome.get_data(as_text=True)
    assert anonymous.get("/").status_code == 302
    assert anonymous.get("/_dash-layout").status_code == 401


def test_unknown_links_show_a_page_and_change_nothing(app):
    client = app.server.test_client()
    with _db(app).reading() as s:
        before = s.scalars(select(DirectoryEntry.status).order_by(DirectoryEntry.id)).all()
    for path in ("/sign-up/" + "x" * 43, "/sign-up/short", "/sign-up/%00%00" + "a" * 30):
        response = client.get(path)
        assert response.status_code == 410 and "not valid" in response.get_data(as_text=True)
    with _db(app).reading() as s:
        assert s.scalars(select(DirectoryEntry.status).order_by(DirectoryEntry.id)).all() == before


def test_a_background_job_runs_only_from_a_ticket_this_server_signed(app):
    jobs = app.server.extensions["jobs"]
    ticket = jobs.sign({"user": 2, "rows": [], "email": True, "batch": "b"})
    assert jobs.open_ticket(ticket)["user"] == 2
    forged = ticket[:-4] + ("AAAA" if not ticket.endswith("AAAA") else "BBBB")
    assert jobs.open_ticket(forged) is None
    assert jobs.open_ticket(["not", "a", "ticket"]) is None
    database, acting = jobs.context(2)
    assert acting.email == "operator@demo.example" and acting.lar_id == 1
    database.dispose()


def test_a_job_runs_with_the_app_that_signed_its_ticket_whichever_app_registered_last(app, tmp_path):
    """Dash keeps one job function per callback for the process (the last app's): the ticket names
    its app's Jobs, so a job of this app never reads another app's database."""
    from callbacks.jobs import Jobs, open_job
    from config import Settings

    ours = app.server.extensions["jobs"]
    other = Jobs(Settings(database_url=f"sqlite:///{tmp_path / 'other.db'}", secret_key=ours.settings.secret_key,
                          instance=tmp_path), ours.transport, ours.clock)  # built after ours, same secret
    assert other.key != ours.key
    ran_by, job = open_job(ours.sign({"user": 2, "rows": [], "email": True, "batch": "b"}))
    assert ran_by is ours and job["user"] == 2
    assert open_job(other.sign({"user": 9, "rows": [], "email": True, "batch": "c"}))[0] is other
    assert open_job("forged." + ours.sign({"user": 2})) is None
