"""Dash Pages' page container with the requested page already in it.

Dash sends an empty container and asks for the page's layout in a second request once the
browser has run every script: a round trip and a second render before the first rows. The
layout request comes from the page itself, so its Referer names the page; the container is
filled here with what Dash's router would answer for that address, and its Location is given
the same path and query, so the router is not asked again (dcc.Location only reports a path or
query that differs from the one it was given). Without a usable Referer (a browser that sends
none, another site, a layout that fails) the container is Dash's own and the router answers
as before.
"""
from __future__ import annotations

import logging
from urllib.parse import urlparse

import dash
from dash import dcc, html
from dash._pages import _parse_query_string, _path_to_page  # the router's own lookup
from flask import has_request_context, request

log = logging.getLogger(__name__)


def page_container():
    first = _requested_page()
    if first is None:
        return dash.page_container
    pathname, search, layout, title = first
    return html.Div([
        dcc.Location(id="_pages_location", refresh="callback-nav", pathname=pathname, search=search),
        html.Div(layout, id="_pages_content", disable_n_clicks=True),
        dcc.Store(id="_pages_store", data={"title": title}),
        html.Div(id="_pages_dummy", disable_n_clicks=True),
    ])


def _requested_page():
    """(path, query, layout, title) of the page that asked for the layout, or None."""
    if not has_request_context() or not request.referrer:
        return None
    try:
        address = urlparse(request.referrer)
    except ValueError:  # not an address ("http://[")
        return None
    if address.netloc != request.host or not address.path.startswith("/"):
        return None
    page, variables = _path_to_page(dash.strip_relative_path(address.path))
    if not page:
        return None  # the router's not-found page
    search = f"?{address.query}" if address.query else ""
    try:
        layout, title = page["layout"], page["title"]
        if callable(layout):
            layout = layout(**(variables or {}), **_parse_query_string(search))
        if callable(title):
            title = title(**(variables or {}))
    except Exception:  # the router asks again and reports it as it always has
        log.exception("the layout of %s failed; left to the router", address.path)
        return None
    return address.path, search, layout, title
