"""One app per test process on a demo-data SQLite file, driven through Flask's test client (and the
callback fuzz tests' own apps, one per database and test file)."""
from __future__ import annotations

import contextvars
import itertools
import re
import uuid

import psycopg
import pytest
from dash._get_app import app_context as dash_app_context
from flask.testing import FlaskClient

from app import create_app
from config import Settings
from tests.clock import AppClock
from tests.conftest import PG_DSN, postgres_answers
from tests.integration.fuzz_calls import _db
from tests.smtp_server import smtp  # noqa: F401 - a real SMTP server fixture for this folder


def build_app(settings: Settings):
    """create_app for a test, on the test clock, whatever app this process built before."""
    return contextvars.copy_context().run(_on_its_own, settings)


def _on_its_own(settings: Settings):
    # Dash keeps the app that last answered a request in the thread's context, and a new app's
    # pages would register their redirects on that one (a Flask error once it has served).
    dash_app_context.set(None)
    dash_app = create_app(settings, clock=AppClock())
    dash_app.server.test_client_class = BrowserOnItsOwnMachine
    return dash_app


class BrowserOnItsOwnMachine(FlaskClient):
    """Each test client has its own client address, as browsers of different people do: sign-ins
    are limited per address, and every test of the session stands at the same pinned instant."""

    _numbers = itertools.count(1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        n = next(self._numbers)
        self.environ_base["REMOTE_ADDR"] = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    return build_app(Settings(database_url=f"sqlite:///{instance / 'app.db'}", secret_key="test-secret",
                              demo_data=True, instance=instance))


def sign_in(client, email: str, password: str = "demo1234"):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def signed_in(app):
    def make(email: str):
        client = app.server.test_client()
        assert sign_in(client, email).status_code == 302
        client.get("/")
        return client
    return make


def _registered_output(client, plain: str) -> str:
    """The callback's key as Dash registered it: allow_duplicate outputs carry an @hash."""
    response = client.get("/_dash-dependencies")
    for dependency in response.get_json() if response.status_code == 200 else ():
        if re.sub(r"@[0-9a-f]+", "", dependency["output"]) == plain:
            return dependency["output"]
    return plain


def dash_call(client, outputs, inputs, state=(), csrf=True, headers=None, changed=0):
    """POST one callback the way Dash's renderer does. outputs/inputs/state: (id, prop[, value]),
    inputs in the callback's order; changed: the index of the input that changed."""
    def ident(i):
        return i if isinstance(i, str) else __import__("json").dumps(i, sort_keys=True, separators=(",", ":"))
    plain = (f"..{'...'.join(f'{ident(i)}.{p}' for i, p in outputs)}.." if len(outputs) > 1
             else f"{ident(outputs[0][0])}.{outputs[0][1]}")
    body = {
        "output": _registered_output(client, plain),
        "outputs": [{"id": i, "property": p} for i, p in outputs] if len(outputs) > 1
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": [f"{ident(inputs[changed][0])}.{inputs[changed][1]}"],
    }
    headers = dict(headers or {})
    cookie = client.get_cookie("_csrf_token")
    if csrf and cookie is not None:
        headers["X-CSRFToken"] = cookie.value
    return client.post("/_dash-update-component", json=body, headers=headers)


# --- the callback fuzz tests' apps (test_callback_fuzz_*.py), one per database and test file: a body
# that is acceptable may write ---

def _fuzz_app(url: str, instance):
    return build_app(Settings(database_url=url, secret_key="test-secret", demo_data=True, instance=instance))


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("fuzz-sqlite")
    return _fuzz_app(f"sqlite:///{instance / 'app.db'}", instance)


@pytest.fixture(scope="module")
def postgresql_app(tmp_path_factory):
    schema = f"fuzz_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        app = _fuzz_app(f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}",
                        tmp_path_factory.mktemp("fuzz-postgresql"))
        yield app
        _db(app).dispose()
    finally:
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not postgres_answers(), reason="PostgreSQL does not answer on 127.0.0.1:5432"))])
def database(request) -> str:
    return request.param


@pytest.fixture
def app_on(request, database):
    return request.getfixturevalue(f"{database}_app")


@pytest.fixture
def admin(app_on):
    client = app_on.server.test_client()
    assert sign_in(client, "admin@demo.example").status_code == 302
    client.get("/")
    return client
