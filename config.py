"""Settings from the environment (documented in README.md)."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).parent
INSTANCE = ROOT / "instance"
MIN_SECRET_BYTES = 32


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _clock_at(value: str | None, production: bool) -> datetime | None:
    """CLOCK_AT=2026-11-30T12:00: a demo or a test server living on a chosen date."""
    if not value:
        return None
    if production:
        raise SystemExit("APP_ENV=production runs on the system clock: unset CLOCK_AT.")
    try:
        return datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        raise SystemExit(f"CLOCK_AT={value!r} is not a date and time such as 2026-11-30T12:00.") from None


NEEDS_BASE_URL = ("APP_ENV=production needs BASE_URL, the console's public https address "
                  "(for example https://console.example.com): links in emails use it.")


def _base_url(value: str, production: bool) -> str:
    """BASE_URL as links use it (no trailing slash), or one line saying what is wrong with it."""
    address = value.strip()
    try:
        parts = urlsplit(address)
        _ = parts.port  # a port that is not a number raises here
    except ValueError:
        parts = None
    wanted = ("https",) if production else ("http", "https")
    # urlsplit drops tabs and line breaks silently: the address itself must hold none.
    if (parts is None or parts.scheme.lower() not in wanted or not parts.hostname or parts.username is not None
            or parts.query or parts.fragment or any(c.isspace() or not c.isprintable() or c == "\\" for c in address)):
        raise SystemExit(f"BASE_URL={value!r} is not an address such as https://console.example.com"
                         + (" (production links use https)." if production else "."))
    return address.rstrip("/")


def _started_on(bind: str | None) -> str | None:
    """Development without BASE_URL: the address `make serve` listens on (BIND), this machine's
    own for a wildcard; None when BIND is unset or not host:port."""
    host, _, port = (bind or "").rpartition(":")
    if not port.isdigit() or host.startswith("unix") or "/" in host:
        return None
    host = host.strip("[]")
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    port: int = 8050
    smtp_url: str | None = None
    # Links in emails: BASE_URL; in development without one, the address the app was started on.
    # Never a request's Host or X-Forwarded-Host (whoever sends those would receive the tokens).
    base_url: str | None = None
    redis_url: str | None = None  # background jobs on Celery + Redis; unset: diskcache in the instance folder
    demo_data: bool = True
    production: bool = False
    instance: Path = INSTANCE
    proxy_hops: int = 0  # reverse proxies in front that set X-Forwarded-For/-Proto (trusted)
    clock_at: datetime | None = None  # CLOCK_AT: the app's clock starts at this UTC instant (not in production)

    def __post_init__(self):
        if self.base_url:
            object.__setattr__(self, "base_url", _base_url(self.base_url, self.production))
        elif self.production:
            raise SystemExit(NEEDS_BASE_URL)
        else:
            object.__setattr__(self, "base_url", f"http://127.0.0.1:{self.port}")

    @classmethod
    def from_env(cls) -> Settings:
        production = os.environ.get("APP_ENV", "development") == "production"
        if production and not os.environ.get("SECRET_KEY"):
            raise SystemExit("APP_ENV=production needs SECRET_KEY to be set.")
        if production and len(os.environ["SECRET_KEY"].encode()) < MIN_SECRET_BYTES:
            raise SystemExit(f"APP_ENV=production needs a SECRET_KEY of at least {MIN_SECRET_BYTES} bytes "
                             "(for example: python -c 'import secrets; print(secrets.token_hex(32))').")
        instance = Path(os.environ.get("INSTANCE_PATH", INSTANCE))
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'reseller-console.db'}"
        return cls(
            database_url=url,
            secret_key=_secret_key(instance),
            port=int(os.environ.get("PORT", "8050")),
            smtp_url=os.environ.get("SMTP_URL") or None,
            base_url=os.environ.get("BASE_URL") or (None if production else _started_on(os.environ.get("BIND"))),
            redis_url=os.environ.get("REDIS_URL") or None,
            demo_data=_flag(os.environ.get("DEMO_DATA"), url.startswith("sqlite")),
            production=production,
            instance=instance,
            proxy_hops=int(os.environ.get("PROXY_HOPS", "0")),
            clock_at=_clock_at(os.environ.get("CLOCK_AT"), production),
        )
