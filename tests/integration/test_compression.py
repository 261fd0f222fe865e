"""Every text response is compressed (issue 11, serving): code once per process, data each time."""
from __future__ import annotations

import gzip
import re

import brotli

from tests.integration.conftest import dash_call
from tests.integration.security_calls import ROWS


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


def test_made_up_versions_and_queries_share_one_compressed_copy(signed_in, app):
    """Dash answers any version in a script's name with the same file: without one entry per
    file, anyone could fill the cache and keep the cores recompressing (outside review)."""
    client = signed_in("analyst@demo.example")
    cache = app.server.extensions["compress"].cache
    src = next(s for s in _scripts(client) if "react-dom" in s)
    client.get(src, headers={"Accept-Encoding": "br"})
    entries = len(cache._data)
    for made_up in range(20):
        variant = re.sub(r"\.v[\w-]+m[0-9a-f]+\.", f".v9m{made_up:x}.", src)
        assert client.get(variant, headers={"Accept-Encoding": "br"}).status_code == 200
        assert client.get(f"{src}?m={made_up}", headers={"Accept-Encoding": "br"}).status_code == 200
    assert len(cache._data) == entries


def test_an_encoding_marked_not_acceptable_is_not_used(signed_in):
    client = signed_in("analyst@demo.example")
    src = _scripts(client)[0]
    for header, expected in (("br;q=0", None), ("gzip;q=0, br;q=0", None), ("br;q=0.0, gzip", "gzip"), ("br", "br")):
        response = client.get(src, headers={"Accept-Encoding": header})
        assert response.headers.get("Content-Encoding") == expected, header
