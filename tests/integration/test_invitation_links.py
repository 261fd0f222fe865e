"""Links in emails point at the configured address, never at what a request's Host or
X-Forwarded-Host says (outside security test, issue 19 finding 2): Single invite, Resend and
Batch invite, through the real app; production refuses to start without BASE_URL."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from werkzeug.test import Client

from config import Settings
from data.models import AuditEvent, DirectoryEntry, Invitation, OutgoingEmail
from tests.integration.conftest import _registered_output, dash_call, sign_in

ROOT = Path(__file__).resolve().parents[2]
# What the integration app was started on (Settings' port, no BASE_URL): the links' address.
STARTED_ON = "http://127.0.0.1:8050"
FORGED = {"HTTP_HOST": "attacker.example", "HTTP_X_FORWARDED_HOST": "attacker.example",
          "HTTP_X_FORWARDED_PROTO": "https"}
SEND = [("invite-drawer", "opened"), ("dir-refresh", "data"), ("notify", "sendNotifications"), ("dir-query", "data"),
        ("dir-search", "value")]
RESEND = [("invitation-box", "children"), ("notify", "sendNotifications")]


def _db(app):
    return app.server.extensions["reseller_db"]


def _bodies(app, to: str) -> list[str]:
    with _db(app).reading() as s:
        return s.scalars(select(OutgoingEmail.body).where(OutgoingEmail.to == to).order_by(OutgoingEmail.id)).all()


def _links(app, to: str) -> list[str]:
    return [re.search(r"\S+/sign-up/\S+", body).group(0) for body in _bodies(app, to)]


@pytest.fixture
def forget(app):
    """The entries a test invites leave the shared demo directory afterwards."""
    emails = []
    yield emails.append
    with _db(app).unit_of_work() as s:
        ids = s.scalars(select(DirectoryEntry.id).where(DirectoryEntry.email.in_(emails))).all()
        s.execute(delete(OutgoingEmail).where(OutgoingEmail.to.in_(emails)))
        s.execute(delete(Invitation).where(Invitation.reseller_id.in_(ids)))
        s.execute(delete(AuditEvent).where(AuditEvent.reseller_id.in_(ids)))
        s.execute(delete(DirectoryEntry).where(DirectoryEntry.id.in_(ids)))


@pytest.fixture
def forged(app):
    """A signed-in operator whose every request reaches the app naming another host (Host and
    X-Forwarded-Host), as a misrouted or rebinding request would; headers() adds its CSRF token."""
    server = app.server

    def forging(environ, start_response):
        return server(dict(environ, **FORGED), start_response)

    client = Client(forging)
    assert sign_in(client, "operator@demo.example").status_code == 302
    assert client.get("/").status_code == 200
    client.headers = lambda: {"X-CSRFToken": client.get_cookie("_csrf_token").value}
    return client


def _send_email(client, email: str, name: str, headers=None):
    return dash_call(client, SEND, [("invite-invite", "n_clicks", None), ("invite-send", "n_clicks", 1)],
                     [("invite-choice", "value", None),
                      ("invite-searched", "data", {"email": email, "organization_name": name}),
                      ("dir-refresh", "data", 0), ("dir-query", "data", None)], headers=headers, changed=1)


def test_send_email_and_resend_link_to_the_address_the_app_was_started_on(forged, app, forget):
    client = forged
    forget("owner@forged-host.example")
    sent = _send_email(client, "owner@forged-host.example", "Forged Host Ltd", headers=client.headers())
    assert sent.status_code == 200 and "on its way" in sent.get_data(as_text=True)
    with _db(app).reading() as s:
        entry = s.scalars(select(DirectoryEntry.id).where(DirectoryEntry.email == "owner@forged-host.example")).one()
    resent = dash_call(client, RESEND, [("invitation-resend", "n_clicks", 1)], [("pools-context", "data", entry)],
                       headers=client.headers())
    assert resent.status_code == 200 and "on its way" in resent.get_data(as_text=True)
    links = _links(app, "owner@forged-host.example")
    assert len(links) == 2 and all(link.startswith(STARTED_ON + "/sign-up/") for link in links), links
    assert not any("attacker" in body for body in _bodies(app, "owner@forged-host.example"))


def test_a_batch_invite_links_to_the_address_the_app_was_started_on(forged, app, forget):
    """The whole background job: the callback signs a ticket, Dash runs the job, Dash's page
    polls for the outcome (as the renderer does), every request with a forged Host."""
    client = forged
    forget("owner@forged-batch.example")
    rows = [{"row": 2, "organization_name": "Forged Batch Ltd", "email": "owner@forged-batch.example"}]
    started = dash_call(client, [("batch-ticket", "data"), ("batch-summary", "children"),
                                 ("notify", "sendNotifications")],
                        [("batch-invite", "n_clicks", 1)],
                        [("batch-rows", "data", rows), ("batch-email-unregistered", "checked", True)],
                        headers=client.headers())
    assert started.status_code == 200, started.get_data(as_text=True)
    ticket = started.get_json()["response"]["batch-ticket"]["data"]
    _run_job(client, ticket)
    [link] = _links(app, "owner@forged-batch.example")
    assert link.startswith(STARTED_ON + "/sign-up/"), link


def _run_job(client, ticket) -> dict:
    """The job's callback as Dash's renderer calls it: once to start, then again with the job's
    handles until its outcome is ready."""
    outputs = [("batch-grid", "rowData"), ("batch-summary", "children"), ("batch-outcome-rows", "data"),
               ("batch-outcome", "display"), ("dir-refresh", "data"), ("notify", "sendNotifications")]
    first = dash_call(client, outputs, [("batch-ticket", "data", ticket)], [("dir-refresh", "data", 0)],
                      headers=client.headers())
    assert first.status_code == 200, first.get_data(as_text=True)[:500]
    handles = first.get_json()
    body = {"output": _registered_output(client, f"..{'...'.join(f'{i}.{p}' for i, p in outputs)}.."),
            "outputs": [{"id": i, "property": p} for i, p in outputs],
            "inputs": [{"id": "batch-ticket", "property": "data", "value": ticket}],
            "state": [{"id": "dir-refresh", "property": "data", "value": 0}],
            "changedPropIds": ["batch-ticket.data"]}
    deadline = time.monotonic() + 60
    while True:
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.2)
        polled = client.post("/_dash-update-component", query_string={"cacheKey": handles["cacheKey"],
                                                                      "job": handles["job"]},
                             json=body, headers=client.headers())
        assert polled.status_code in (200, 204), polled.get_data(as_text=True)[:500]
        answer = polled.get_json(silent=True) or {}
        if "response" in answer and "batch-summary" in answer["response"]:
            return answer["response"]


SCRIPT = """
import json, re, sys
from pathlib import Path
from sqlalchemy import select
from app import create_app
from config import Settings
from data.models import OutgoingEmail
from tests.integration.conftest import _registered_output, dash_call, sign_in
folder = Path(sys.argv[1])
app = create_app(Settings(database_url=f"sqlite:///{folder / 'app.db'}", secret_key="s", instance=folder,
                          proxy_hops=1, port=8123))
client = app.server.test_client()
client.environ_base.update(HTTP_X_FORWARDED_HOST="attacker.example", HTTP_X_FORWARDED_PROTO="http",
                           HTTP_X_FORWARDED_FOR="203.0.113.9")
assert sign_in(client, "operator@demo.example").status_code == 302
client.get("/")
sent = dash_call(client, [("invite-drawer", "opened"), ("dir-refresh", "data"), ("notify", "sendNotifications"),
                          ("dir-query", "data"), ("dir-search", "value")],
                 [("invite-invite", "n_clicks", None), ("invite-send", "n_clicks", 1)],
                 [("invite-choice", "value", None),
                  ("invite-searched", "data", {"email": "owner@behind-proxy.example", "organization_name": "P"}),
                  ("dir-refresh", "data", 0), ("dir-query", "data", None)], changed=1)
assert sent.status_code == 200, sent.get_data(as_text=True)
with app.server.extensions["reseller_db"].reading() as s:
    body = s.scalars(select(OutgoingEmail.body).where(OutgoingEmail.to == "owner@behind-proxy.example")).one()
print(json.dumps(re.search(r"\\S+/sign-up/\\S+", body).group(0)))
"""


def test_behind_a_trusted_proxy_a_forwarded_host_does_not_choose_the_link(tmp_path):
    """PROXY_HOPS=1 trusts the proxy's X-Forwarded-Host for the request, never for links: without
    BASE_URL they point at the address the app was started on."""
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                         timeout=180)
    assert out.returncode == 0, out.stderr[-3000:]
    link = json.loads(out.stdout.strip().splitlines()[-1])
    assert link.startswith("http://127.0.0.1:8123/sign-up/"), link


def _production_env(tmp_path, **more):
    env = {**os.environ, "APP_ENV": "production", "SECRET_KEY": "x" * 32, "DEMO_DATA": "0",
           "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'production.db'}", "PORT": "1"}
    env.pop("BASE_URL", None)
    env.update(more)
    return env


def test_production_without_base_url_refuses_to_start_in_one_line(tmp_path):
    out = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=_production_env(tmp_path), capture_output=True,
                         text=True, timeout=60)
    assert out.returncode != 0
    assert "Traceback" not in out.stderr + out.stdout
    assert out.stderr.strip().splitlines() == [
        "APP_ENV=production needs BASE_URL, the console's public https address "
        "(for example https://console.example.com): links in emails use it."]


@pytest.mark.parametrize("value", ["http://console.example", "console.example", "https://",
                                   "https://user:pw@console.example", "https://console.example/?next=x",
                                   "https://console.example/#x", "javascript:alert(1)//x"])
def test_production_refuses_a_base_url_that_is_not_a_plain_https_address(monkeypatch, value):
    for name, setting in _production_env(Path("/nonexistent"), BASE_URL=value).items():
        monkeypatch.setenv(name, setting)
    with pytest.raises(SystemExit, match="BASE_URL"):
        Settings.from_env()


def test_base_url_settings(monkeypatch, tmp_path):
    for name in ("BASE_URL", "BIND", "PORT", "APP_ENV", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    assert Settings.from_env().base_url == "http://127.0.0.1:8050"
    monkeypatch.setenv("PORT", "9001")
    assert Settings.from_env().base_url == "http://127.0.0.1:9001"
    monkeypatch.setenv("BIND", "0.0.0.0:9002")  # make serve listening everywhere: this machine's own name
    assert Settings.from_env().base_url == "http://127.0.0.1:9002"
    monkeypatch.setenv("BIND", "192.0.2.7:9003")
    assert Settings.from_env().base_url == "http://192.0.2.7:9003"
    monkeypatch.setenv("BASE_URL", "https://Console.Example/reseller/")  # served under a path: kept
    assert Settings.from_env().base_url == "https://Console.Example/reseller"
    monkeypatch.setenv("BASE_URL", "ftp://console.example")
    with pytest.raises(SystemExit, match="BASE_URL"):
        Settings.from_env()
    assert Settings(database_url="sqlite://", secret_key="k", port=8123).base_url == "http://127.0.0.1:8123"
    with pytest.raises(SystemExit, match="BASE_URL"):
        Settings(database_url="sqlite://", secret_key="k", production=True)
