"""The request's one reading of the app's clock: everything a request does sees the same instant."""
from __future__ import annotations

from datetime import datetime

from flask import current_app, g


def request_now() -> datetime:
    if "now" not in g:
        g.now = current_app.extensions["reseller_clock"].now()
    return g.now
