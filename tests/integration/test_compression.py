"""Every text response is compressed (issue 11, serving): code once per process, data each time."""
from __future__ import annotations

import gzip
import re

import brotli

from tests.integration.conftest import dash_call
from tests.integration.test_http_security import ROWS


def _scripts(client):
    page = client.get("/", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    return re.findall(r'src="(/_dash-component-suites/[^"]+\.js)"', page)


def test_the_pages_javascript_arrives_brotli_compressed_and_intact(signed_in):
    client = signed_in("analyst@demo.example")
    scripts = _scripts(client)
    assert len(scripts) >= 5
    plain_total = packed_total = 0
    for src in scripts:
        plain = client.get(src, headers={"Accept-Encoding": "identity"})
        packed = client.get(src, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
        assert "Content-Encoding" not in plain.headers
        assert packed.headers["Content-Encoding"] == "br"
        assert brotli.decompress(packed.get_data()) == plain.get_data()
        again = client.get(src, headers={"Accept-Encoding": "br"})  # from the per-process cache
        assert brotli.decompress(again.get_data()) == plain.get_data()
        plain_total += len(plain.get_data())
        packed_total += len(packed.get_data())
    assert packed_total < plain_total / 3


def _rows(client, query):
    return dash_call(client, ROWS, [("dir-grid", "getRowsRequest", {"startRow": 0, "endRow": 100, "sortModel": []})],
                     [("dir-query", "data", query), ("dir-context", "data", None)],
                     headers={"Accept-Encoding": "gzip"})


def test_pages_and_callback_answers_are_compressed_and_never_shared(signed_in):
    client = signed_in("analyst@demo.example")
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip" and b"<html" in gzip.decompress(page.get_data())
    first = _rows(client, {"search": "", "filters": {}})
    assert first.headers["Content-Encoding"] == "gzip" and first.headers["Cache-Control"] == "no-store"
    rows = gzip.decompress(first.get_data())
    assert b"organization_name" in rows
    other = _rows(client, {"search": "systems", "filters": {}})
    assert gzip.decompress(other.get_data()) != rows  # not served from a cache
