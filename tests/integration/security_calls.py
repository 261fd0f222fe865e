"""The directory's rows callback and the app's database, as the HTTP security tests (and the
compression test) call them."""
from __future__ import annotations

from tests.integration.conftest import dash_call

ROWS = [("dir-grid", "getRowsResponse"), ("dir-count", "children"), ("dir-empty", "children"),
        ("dir-paper", "className"), ("dir-grid", "style")]


def _db(app):
    return app.server.extensions["reseller_db"]


def _rows(client, start=0, end=100, query=None):
    return dash_call(client, ROWS,
                     [("dir-grid", "getRowsRequest", {"startRow": start, "endRow": end, "sortModel": []})],
                     [("dir-query", "data", query or {"search": "", "filters": {}}), ("dir-context", "data", None)])
