"""The page Dash serves for every path, trimmed for a fast cold start on a slow link."""
from __future__ import annotations

import re

from dash import Dash
from flask import current_app

from components.not_found import NOT_FOUND_PATH

AG_GRID_CHUNK = "/_dash-component-suites/dash_ag_grid/async-community.js"

# Dash's page, plus preloads: AG Grid's lazily loaded chunk, fetched beside the other scripts
# instead of after the layout arrives (a round trip and 245 KB later on a slow link), and the
# layout and callback map Dash's renderer asks for once every script has run. The renderer's
# fetch (same origin, credentials "same-origin") then takes the preloaded answers.
INDEX = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
        <link rel="preload" href="AG_GRID_CHUNK" as="script">
        <link rel="preload" href="/_dash-layout" as="fetch" crossorigin="anonymous">
        <link rel="preload" href="/_dash-dependencies" as="fetch" crossorigin="anonymous">
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>""".replace("AG_GRID_CHUNK", AG_GRID_CHUNK)

# Scripts Dash always sends that no page here uses: Babel's polyfills (35 KB compressed, for
# browsers older than any the console supports; the one part Dash's core components call,
# regenerator-runtime, is in assets/vendor, 2 KB) and the DataTable loader (the grids are AG
# Grid). Measured with bench/browser.py: see docs/performance.md.
UNUSED_SCRIPTS = re.compile(r'<script src="[^"]*/(?:dash/deps/polyfill@|dash/dash_table/bundle)[^"]*"></script>\n?')

ADDRESS = re.compile(r'(?:src|href)="(/[^"]+)"')


NO_CODE = {"favicon": None, "prefetch": [], "public": frozenset()}


class ConsoleDash(Dash):
    def strip_relative_path(self, path):
        """The router's reading of the address bar. A path that does not start with / is no
        address of this site (only a hand-made request sends one; Dash raised on it): the
        not-found page."""
        return super().strip_relative_path(path if isinstance(path, str) and path.startswith("/") else NOT_FOUND_PATH)

    def interpolate_index(self, **kwargs):
        kwargs["scripts"] = UNUSED_SCRIPTS.sub("", kwargs["scripts"])
        if "console_code" not in self.server.extensions:  # the same on every render: read once
            self._record_code(kwargs)
        return super().interpolate_index(**kwargs)

    def _record_code(self, page: dict) -> None:
        """What this page loads, for the Sign in page to fetch while the user types: the same
        for every user, and the only addresses answered without a session (web/security.py)."""
        favicon = ADDRESS.search(page["favicon"]).group(1)
        prefetch = [*ADDRESS.findall(page["css"]), *ADDRESS.findall(page["scripts"]), AG_GRID_CHUNK]
        self.server.extensions["console_code"] = {
            "favicon": favicon, "prefetch": prefetch, "public": frozenset([favicon, *prefetch]),
        }


def console_code() -> dict:
    """The favicon, the code to prefetch and the public addresses (exact, query included) that
    the app recorded when it rendered its page at start-up."""
    return current_app.extensions.get("console_code", NO_CODE)
