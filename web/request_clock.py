"""The request's one reading of the app's clock: everything a request does sees the same instant."""
from __future__ import annotations

from datetime import datetime

from flask import current_app, g, request

# Set by middleware that read the clock before the app (web/sign_in_gate.py) and then let the
# request through: the app uses that reading rather than taking a second one.
NOW_KEY = "reseller_console.now"


def request_now() -> datetime:
    if "now" not in g:
        g.now = request.environ.get(NOW_KEY) or current_app.extensions["reseller_clock"].now()
    return g.now
