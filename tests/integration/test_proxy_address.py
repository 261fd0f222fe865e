"""Behind a reverse proxy (PROXY_HOPS), sign-in failures are counted per client address as the
proxy reports it; without PROXY_HOPS a forged X-Forwarded-For changes nothing. Each app runs
in its own process (Dash keeps one app per process)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import json, sys
from pathlib import Path
from sqlalchemy import select
from app import create_app
from config import Settings
from data.models import SignInThrottle
from services.identity.sign_in import CLIENT_PREFIX
from tests.integration.conftest import sign_in
folder = Path(sys.argv[1])
app = create_app(Settings(database_url=f"sqlite:///{folder / 'app.db'}", secret_key="s", instance=folder,
                          proxy_hops=int(sys.argv[2])))
client = app.server.test_client()
client.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.1, 203.0.113.9"  # a forged hop, then the proxy's view
assert sign_in(client, "nobody@demo.example", "wrong").status_code == 401
with app.server.extensions["reseller_db"].reading() as s:
    keys = s.scalars(select(SignInThrottle.email).where(SignInThrottle.email.startswith(CLIENT_PREFIX))).all()
print(json.dumps(sorted(k.removeprefix(CLIENT_PREFIX) for k in keys)))
"""


def _counted(tmp_path, hops: int) -> list[str]:
    folder = tmp_path / f"hops{hops}"
    folder.mkdir()
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(folder), str(hops)], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_the_proxys_client_address_is_counted_only_when_proxies_are_trusted(tmp_path):
    assert _counted(tmp_path, 0) == ["127.0.0.1"]
    assert _counted(tmp_path, 1) == ["203.0.113.9"]
