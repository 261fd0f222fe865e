"""Callback bodies made and posted by hand, as Dash's renderer would send them, for the callback
fuzz tests (their apps: conftest.py): posting a body, and plausible bodies for every callback, read
from the app's callback map and the pages' layouts."""
from __future__ import annotations

import json
from collections.abc import Iterator

import dash
from sqlalchemy import func, select

from data.models import CustomerAssignment, DirectoryEntry, ResellerPool, User

PAST_INT64 = 2**63
WILDCARDS = ('["ALL"]', '["MATCH"]', '["ALLSMALLER"]')
ORDINARY_ROWS_REQUEST = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}


def _db(app):
    return app.server.extensions["reseller_db"]


def post(client, body):
    return client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json",
                       headers={"X-CSRFToken": client.get_cookie("_csrf_token").value})


# --- every callback: plausible bodies from the callback map and the pages' layouts ---

def _wildcard_values(app) -> dict:
    """Plausible values for path variables and the keys of pattern-matching ids; others get 1."""
    with _db(app).reading() as s:
        admin = s.scalars(select(User).where(User.email == "admin@demo.example")).one()
        busiest = s.scalar(
            select(DirectoryEntry.id).join(ResellerPool, ResellerPool.reseller_id == DirectoryEntry.id)
            .join(CustomerAssignment, CustomerAssignment.reseller_pool_id == ResellerPool.id)
            .where(DirectoryEntry.lar_id == admin.tenant_id).group_by(DirectoryEntry.id)
            .order_by(func.count().desc(), DirectoryEntry.id).limit(1))
    return {"user": admin.id, "reseller_id": busiest, "service": 0, "key": "status", "value": "Mapped"}


def _components(node) -> Iterator[dict]:
    if isinstance(node, dict):
        if "props" in node and "type" in node:
            yield node
        for value in (node.get("props") or node).values():
            yield from _components(value)
    elif isinstance(node, list):
        for item in node:
            yield from _components(item)


def _layout_values(client, wild: dict) -> list[tuple[object, dict]]:
    """(id, props) of every component of every page, as the browser receives them."""
    found = []
    for page in dash.page_registry.values():
        path = page.get("path_template") or page["path"]
        for name, value in wild.items():
            path = path.replace(f"<{name}>", str(value))
        layout = client.get("/_dash-layout", headers={"Referer": f"http://localhost{path}"}).get_json()
        found += [(c["props"]["id"], c["props"]) for c in _components(layout) if "id" in c["props"]]
    return found


def _parse_id(ident: str):
    return json.loads(ident) if ident.startswith("{") else ident


def _is_pattern(ident) -> bool:
    return isinstance(ident, dict) and any(json.dumps(v) in WILDCARDS for v in ident.values())


def _matches(pattern: dict, ident) -> bool:
    return isinstance(ident, dict) and ident.keys() == pattern.keys() and all(
        json.dumps(v) in WILDCARDS or ident[k] == v for k, v in pattern.items())


def _concrete(pattern: dict, wild: dict) -> dict:
    return {k: (wild.get(k, 1) if json.dumps(v) in WILDCARDS else v) for k, v in pattern.items()}


def _prop_id(ident, prop: str) -> str:
    return f"{json.dumps(ident, sort_keys=True, separators=(',', ':')) if isinstance(ident, dict) else ident}.{prop}"


def _outputs(entry: dict) -> list:
    return entry["output"] if isinstance(entry["output"], list) else [entry["output"]]


def _is_rows(entry: dict) -> bool:
    return any(o.component_property == "getRowsResponse" for o in _outputs(entry))


class Bodies:
    """Bodies for one app's callbacks, as Dash's renderer would send them."""

    def __init__(self, app, client):
        self.app, self.client = app, client
        self.wild = _wildcard_values(app)
        self.layout = _layout_values(client, self.wild)
        self.rows: dict[str, list] = {}
        # The filters the pages name (their Filter fields, and the labels of the filters they keep).
        self.filter_keys = sorted({i["key"] for i, _ in self.layout if isinstance(i, dict) and "key" in i} | {
            k for i, props in self.layout if isinstance(i, str) and i.endswith("-filter-labels")
            for k in props.get("data") or {}})

    def server_callbacks(self) -> dict:
        return {key: entry for key, entry in self.app.callback_map.items() if "callback" in entry}

    def _value(self, ident, prop: str):
        for known, props in self.layout:
            if known == ident and prop in props:
                return props[prop]
        if prop in ("n_clicks", "n_submit"):
            return 1
        if prop == "id":
            return ident
        if prop == "getRowsRequest":
            return ORDINARY_ROWS_REQUEST
        if prop == "selectedRows" and isinstance(ident, str):
            return self._grid_rows(ident)[:2]
        return None

    def _grid_rows(self, grid: str) -> list:
        """The first rows the grid's own rows callback answers: a selection the page could send."""
        if grid not in self.rows:
            self.rows[grid] = []
            for key, entry in self.server_callbacks().items():
                if any(o.component_id == grid and o.component_property == "getRowsResponse" for o in _outputs(entry)):
                    response = post(self.client, self.body(key, entry))
                    if response.status_code == 200:
                        self.rows[grid] = response.get_json()["response"][grid]["getRowsResponse"]["rowData"]
        return self.rows[grid]

    def _ids(self, pattern, wild: dict, harvest: bool) -> list:
        if not _is_pattern(pattern):
            return [pattern]
        seen = [i for i, _props in self.layout if _matches(pattern, i)] if harvest else []
        if any(json.dumps(v) == '["MATCH"]' for v in pattern.values()):
            return [seen[0] if seen else _concrete(pattern, wild)]
        return list({json.dumps(i, sort_keys=True): i for i in seen}.values()) or [_concrete(pattern, wild)]

    def _slot(self, spec: dict, wild: dict, harvest: bool, with_value: bool):
        pattern = _parse_id(spec["id"])
        entries = [{"id": i, "property": spec["property"], **(
            {"value": self._value(i, spec["property"])} if with_value else {})}
            for i in self._ids(pattern, wild, harvest)]
        many = _is_pattern(pattern) and not any(json.dumps(v) == '["MATCH"]' for v in pattern.values())
        return entries if many else entries[0]

    def body(self, key: str, entry: dict, wild: dict | None = None) -> dict:
        """wild: wildcard values for every pattern id (instead of the components the pages hold)."""
        harvest, wild = wild is None, wild or self.wild
        shaped = [self._slot({"id": o.to_dict()["id"], "property": o.component_property}, wild, harvest, False)
                  for o in _outputs(entry)]
        inputs = [self._slot(i, wild, harvest, True) for i in entry["inputs"]]
        first = inputs[0][0] if isinstance(inputs[0], list) and inputs[0] else inputs[0]
        return {
            "output": key,
            "outputs": shaped if isinstance(entry["output"], list) else shaped[0],
            "inputs": inputs,
            "state": [self._slot(s, wild, harvest, True) for s in entry["state"]],
            "changedPropIds": [_prop_id(first["id"], first["property"])] if isinstance(first, dict) else [],
        }
