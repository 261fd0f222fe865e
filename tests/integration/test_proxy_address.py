"""Behind a reverse proxy (PROXY_HOPS), sign-in failures are counted per client address as the
proxy reports it; without PROXY_HOPS a forged X-Forwarded-For changes nothing."""
from __future__ import annotations

from sqlalchemy import select

from app import create_app
from config import Settings
from data.models import SignInThrottle
from services.auth import CLIENT_PREFIX
from tests.integration.conftest import sign_in


def _counted_addresses(app) -> set[str]:
    with app.server.extensions["reseller_db"].reading() as s:
        keys = s.scalars(select(SignInThrottle.email).where(SignInThrottle.email.startswith(CLIENT_PREFIX))).all()
    return {k.removeprefix(CLIENT_PREFIX) for k in keys}


def _fail_from(app, forwarded: str):
    client = app.server.test_client()
    client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded
    assert sign_in(client, "nobody@demo.example", "wrong").status_code == 401


def test_the_proxys_client_address_is_counted_only_when_proxies_are_trusted(tmp_path):
    direct = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}", secret_key="s", instance=tmp_path))
    _fail_from(direct, "203.0.113.7")
    assert _counted_addresses(direct) == {"127.0.0.1"}
    proxied = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'b.db'}", secret_key="s", instance=tmp_path,
                                  proxy_hops=1))
    _fail_from(proxied, "198.51.100.1, 203.0.113.9")  # a forged first hop, then what the proxy saw
    assert _counted_addresses(proxied) == {"203.0.113.9"}
