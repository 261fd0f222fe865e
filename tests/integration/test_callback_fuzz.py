"""Callback requests made by hand, on both databases: first the outside test's own findings
(issue 19), then every callback the app registers, each of its inputs and state in turn given
what only a forged request sends.

The callbacks are read from the app itself (its callback map), so a new one is covered without
being listed here. Each gets a plausible body first (the values its page's layout holds, a click,
an ordinary grid request, the grid's own first rows as the selection), which must answer as the
page's own requests do: 200, or 204 when there is nothing to change, and a grid's rows always
200. Then one input or state at a time is given each BAD value (a grid's query also each
FILTER_VALUES in every filter), every value null at once, pattern-matching ids past int64, and
bodies of the wrong shape, which the edge refuses (400). No answer is a 5xx, nothing reaches the
error log, the session survives, and a request that was refused (any answer but 200) wrote
nothing.
"""
from __future__ import annotations

import inspect
import json
import logging
import uuid
from collections.abc import Iterator

import dash
import psycopg
import pytest
from sqlalchemy import func, select

from config import Settings
from data.models import Base, CustomerAssignment, DirectoryEntry, ResellerPool, Subscription, User
from tests.clock import AppClock
from tests.conftest import PG_DSN, postgres_answers
from tests.integration.conftest import build_app, dash_call, sign_in

PAST_INT64 = 2**63
BAD = {
    "null": None,
    "id past int64 (text)": str(PAST_INT64),
    "id past int64 (number)": PAST_INT64,
    "id past int32": 2**31,
    "id past int32 (text)": "99999999999",
    "20,000 characters": "x" * 20_000,
    "NUL": "a\x00b",
    "list": [1, "x", None],
    "dict": {"x": 1},
    "nested wrong shape": [{"id": [{"rowId": None}], "startRow": {"a": []}, "filters": [[None]]}],
}
# PostgreSQL is sent what reaches SQL and differs between the databases (the int4 and int64
# ranges, NUL, long text); what fails or not in Python alike on both is sent to SQLite only,
# where ids past int32 are ordinary unknown ids.
SENT = {"sqlite": [name for name in BAD if "int32" not in name],
        "postgresql": ["id past int64 (text)", "id past int64 (number)", "id past int32", "id past int32 (text)",
                       "20,000 characters", "NUL"]}
FILTER_VALUES = {"id past int64": str(PAST_INT64), "id past int32": "99999999999",
                 "the week of 9999-12-27": "9999-12-27", "NUL": "a\x00b"}
SHAPES_PER_CALLBACK = 2  # of SHAPES, in turn: each shape meets some sixteen callbacks
WILDCARDS = ('["ALL"]', '["MATCH"]', '["ALLSMALLER"]')
ORDINARY_ROWS_REQUEST = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}
UNCOUNTED = {"user_sessions", "sign_in_throttle"}  # the request's own session; sign-in failures
NOTIFY = ("notify", "sendNotifications")


# --- apps of their own, one per database: a body that is acceptable may write ---

def _app(url: str, instance):
    return build_app(Settings(database_url=url, secret_key="test-secret", demo_data=True, instance=instance))


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("fuzz-sqlite")
    return _app(f"sqlite:///{instance / 'app.db'}", instance)


@pytest.fixture(scope="module")
def postgresql_app(tmp_path_factory):
    schema = f"fuzz_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        app = _app(f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}",
                   tmp_path_factory.mktemp("fuzz-postgresql"))
        yield app
        _db(app).dispose()
    finally:
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not postgres_answers(), reason="PostgreSQL does not answer on 127.0.0.1:5432"))])
def database(request) -> str:
    return request.param


@pytest.fixture
def app_on(request, database):
    return request.getfixturevalue(f"{database}_app")


@pytest.fixture
def admin(app_on):
    client = app_on.server.test_client()
    assert sign_in(client, "admin@demo.example").status_code == 302
    client.get("/")
    return client


def _db(app):
    return app.server.extensions["reseller_db"]


def _lar(app) -> int:
    with _db(app).reading() as s:
        return s.scalar(select(User.tenant_id).where(User.email == "admin@demo.example"))


def _notice(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()["response"]["notify"]["sendNotifications"][0]["message"]


# --- the outside test's findings, each with its own body ---

def _grid_outputs(p: str) -> list:
    return [(f"{p}-grid", "getRowsResponse"), (f"{p}-count", "children"), (f"{p}-empty", "children"),
            (f"{p}-paper", "className"), (f"{p}-grid", "style")]


def _rows(client, p: str, query: dict, context=None):
    return dash_call(client, _grid_outputs(p), [(f"{p}-grid", "getRowsRequest", ORDINARY_ROWS_REQUEST)],
                     [(f"{p}-query", "data", query), (f"{p}-context", "data", context)])


def _export(client, p: str, query: dict, context=None):
    return dash_call(client, [(f"{p}-download", "data"), (f"{p}-export-modal", "opened"), NOTIFY],
                     [(f"{p}-export-download", "n_clicks", 1)],
                     [(f"{p}-export-name", "value", "forged"), (f"{p}-export-format", "value", "csv"),
                      (f"{p}-query", "data", query), (f"{p}-context", "data", context),
                      (f"{p}-grid", "columnDefs", None), (f"{p}-grid", "getRowsRequest", ORDINARY_ROWS_REQUEST)])


def _past_int(database: str) -> list[str]:
    """Ids no row can have: past int64 on both databases, and past int4 (PostgreSQL's INTEGER)."""
    return [str(PAST_INT64)] + (["99999999999"] if database == "postgresql" else [])


def test_customer_and_pool_filters_past_the_id_range_answer_rows(admin, app_on, database):
    """Issue 19 item 4a: the Customers grid (rows and export) with filters.pool or
    filters.customer of an id past int64 (PostgreSQL: past int4) was a 500."""
    with _db(app_on).reading() as s:
        rid = s.scalar(
            select(ResellerPool.reseller_id)
            .join(CustomerAssignment)
            .join(DirectoryEntry)
            .where(DirectoryEntry.lar_id == _lar(app_on), DirectoryEntry.customer_visibility.is_(True))
            .limit(1)
        )
    everyone = _rows(admin, "customers", {"search": "", "filters": {}}, rid).get_json()
    assert everyone["response"]["customers-grid"]["getRowsResponse"]["rowCount"] > 0
    for key in ("pool", "customer"):
        for value in _past_int(database):
            query = {"search": "", "filters": {key: [value]}}
            rows = _rows(admin, "customers", query, rid)
            assert rows.status_code == 200, rows.get_data(as_text=True)[:300]
            # A filter of a value no row can have matches no row (never every row).
            assert rows.get_json()["response"]["customers-grid"]["getRowsResponse"]["rowCount"] == 0
            exported = _export(admin, "customers", query, rid)
            assert exported.status_code == 200
            content = exported.get_json()["response"]["customers-download"]["data"]["content"]
            assert content.startswith("Organization name,")


def test_map_to_a_tenant_past_the_id_range_is_refused(admin, app_on, database):
    """Item 4b: Map save with tenant "9223372036854775808" (PostgreSQL also "2147483648")."""
    with _db(app_on).reading() as s:
        unmapped = s.scalars(
            select(DirectoryEntry).where(DirectoryEntry.lar_id == _lar(app_on), DirectoryEntry.status == "Unmapped")
        ).first()
    for tenant in [str(PAST_INT64)] + (["2147483648"] if database == "postgresql" else []):
        response = dash_call(admin, [("dir-map-drawer", "opened"), ("dir-refresh", "data"), NOTIFY],
                             [("dir-map-save", "n_clicks", 1)],
                             [("dir-map-entry", "data", {"id": unmapped.id, "email": unmapped.email}),
                              ("dir-map-owner", "value", unmapped.email),
                              ("dir-map-org", "value", tenant), ("dir-refresh", "data", 3)])
        assert _notice(response) == "Choose a registered reseller tenant to map to."
    with _db(app_on).reading() as s:
        assert s.get(DirectoryEntry, unmapped.id).status == "Unmapped"


def test_renewals_for_the_week_of_9999_12_27_answer_rows(admin):
    """Item 4c: Renewals rows and export with week = ["9999-12-27"] overflowed date arithmetic."""
    query = {"search": "", "filters": {"week": ["9999-12-27"]}}
    rows = _rows(admin, "ren", query)
    assert rows.status_code == 200, rows.get_data(as_text=True)[:300]
    # A week that is no day the grid can list matches no pool (never the whole window).
    assert rows.get_json()["response"]["ren-grid"]["getRowsResponse"]["rowCount"] == 0
    assert _export(admin, "ren", query).status_code == 200


@pytest.mark.parametrize("path", ["resellers/1", "x", "", "//evil.example/", None])
def test_the_router_answers_a_path_not_starting_with_a_slash_with_not_found(admin, path):
    """Item 4d: the pages router raised on a path that does not start with /."""
    response = dash_call(admin, [("_pages_content", "children"), ("_pages_store", "data")],
                         [("_pages_location", "pathname", path), ("_pages_location", "search", "")])
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert "Not found" in response.get_data(as_text=True)


def _directory_rows_body(client) -> dict:
    response_keys = [d["output"] for d in client.get("/_dash-dependencies").get_json()
                     if d["output"].startswith("..dir-grid.getRowsResponse")]
    return {"output": response_keys[0],
            "outputs": [{"id": i, "property": p} for i, p in _grid_outputs("dir")],
            "inputs": [{"id": "dir-grid", "property": "getRowsRequest", "value": ORDINARY_ROWS_REQUEST}],
            "state": [{"id": "dir-query", "property": "data", "value": None},
                      {"id": "dir-context", "property": "data", "value": None}],
            "changedPropIds": ["dir-grid.getRowsRequest"]}


@pytest.mark.parametrize("change", [
    {"outputs": None}, {"outputs": {"id": "dir-grid", "property": "getRowsResponse"}},
    {"outputs": [{"id": "dir-grid", "property": "getRowsResponse"}]},
    {"outputs": [{"id": "dir-chips", "property": "children"}] * 5},
    {"inputs": {"id": "dir-grid", "property": "getRowsRequest", "value": {}}}, {"state": "x"},
    {"state": [{"id": "dir-query", "property": "value", "value": None}, {"id": "dir-context", "property": "data"}]},
    {"inputs": [{"id": ["dir-grid"], "property": "getRowsRequest", "value": ORDINARY_ROWS_REQUEST}]},
    {"changedPropIds": ["{not json.getRowsRequest"]}, {"changedPropIds": ["dir-refresh.data"]},
], ids=lambda change: json.dumps(change)[:60])
def test_a_body_without_its_outputs_or_with_wrong_ones_is_a_400(admin, change, caplog):
    """Item 4e (and inputs, state and the changed input of the wrong shape): refused at the edge."""
    body = {k: v for k, v in (_directory_rows_body(admin) | change).items() if v is not None}
    assert post(admin, _directory_rows_body(admin)).status_code == 200  # the same body, well-formed
    response = post(admin, body)
    assert response.status_code == 400 and "did not come from the console" in response.get_data(as_text=True)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_body_as_the_renderer_sends_it_is_accepted(admin):
    """The renderer leaves out a value the component does not have and the state of a callback
    without any, and names an allow_duplicate output with its @hash."""
    key = next(d["output"] for d in admin.get("/_dash-dependencies").get_json()
               if d["output"].startswith("dir-map-drawer.opened@") and d["inputs"][0]["id"] == "dir-map-cancel")
    body = {"output": key, "outputs": {"id": "dir-map-drawer", "property": key.split(".", 1)[1]},
            "inputs": [{"id": "dir-map-cancel", "property": "n_clicks"}], "changedPropIds": ["dir-map-cancel.n_clicks"]}
    assert post(admin, body).status_code == 204  # no click: nothing to change
    body["inputs"][0]["value"] = 1
    response = post(admin, body)
    assert response.status_code == 200 and response.get_json()["response"]["dir-map-drawer"]["opened"] is False


def test_returning_more_than_1000_pools_names_pools(admin, app_on):
    """Item 8: the refusal said "Select at most 1000 resellers" of a selection of pools."""
    selection = [{"id": n, "status": "Pending acceptance"} for n in range(1, 1002)]
    with _db(app_on).reading() as s:
        rid = s.scalar(
            select(ResellerPool.reseller_id).join(DirectoryEntry).where(DirectoryEntry.lar_id == _lar(app_on)).limit(1)
        )
    for p, context in (("pools", rid), ("ren", None)):
        asked = dash_call(admin, [(f"{p}-return-modal", "opened"), (f"{p}-return-list", "children"),
                                  (f"{p}-return-text", "children"), NOTIFY],
                          [(f"{p}-return", "n_clicks", 1)],
                          [(f"{p}-grid", "selectedRows", selection), (f"{p}-context", "data", context)])
        done = dash_call(admin, [(f"{p}-return-modal", "opened"), (f"{p}-refresh", "data"), NOTIFY],
                         [(f"{p}-return-confirm", "n_clicks", 1), (f"{p}-return-cancel", "n_clicks", None)],
                         [(f"{p}-grid", "selectedRows", selection), (f"{p}-context", "data", context),
                          (f"{p}-refresh", "data", 0)])
        assert _notice(asked) == _notice(done) == "Select at most 1,000 pools at a time."


def test_a_refresh_counter_of_the_wrong_type_does_not_undo_a_done_action(admin, app_on):
    """The grid's refresh counter is the browser's: an action that succeeded says so whatever it
    holds (it answered 400, an error, after the pools had gone back)."""
    with _db(app_on).reading() as s:
        pending = s.scalar(select(ResellerPool.id).join(DirectoryEntry).join(Subscription).where(
            DirectoryEntry.lar_id == _lar(app_on), ResellerPool.status == "Pending acceptance",
            ResellerPool.expires_at.is_(None), Subscription.expires_at > AppClock().now()).limit(1))
    response = dash_call(admin, [("ren-return-modal", "opened"), ("ren-refresh", "data"), NOTIFY],
                         [("ren-return-confirm", "n_clicks", 1), ("ren-return-cancel", "n_clicks", None)],
                         [("ren-grid", "selectedRows", [{"id": pending}]), ("ren-context", "data", None),
                          ("ren-refresh", "data", "x")])
    assert _notice(response).startswith("Returned 1 pool")
    assert response.get_json()["response"]["ren-refresh"]["data"] == 1


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


def post(client, body):
    return client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json",
                       headers={"X-CSRFToken": client.get_cookie("_csrf_token").value})


def _with_value(body: dict, where: str, index: int, value) -> dict:
    """The body with one input or state's value (every value, for a pattern of ALL) replaced."""
    changed = json.loads(json.dumps(body))
    slot = changed[where][index]
    for entry in slot if isinstance(slot, list) else [slot]:
        entry["value"] = value
    return changed


def _all_null(body: dict) -> dict:
    for where in ("inputs", "state"):
        for index in range(len(body[where])):
            body = _with_value(body, where, index, None)
    return body


def same_code(callbacks: dict) -> dict[str, tuple[int, int]]:
    """key -> (its place among the callbacks running the same code, how many do): the copies a
    page registers for each of its grids (the same function, the same functions it calls)."""
    groups: dict = {}
    for key, entry in sorted(callbacks.items()):
        function = inspect.unwrap(entry["callback"])
        calls = tuple(id(c.cell_contents) for c in function.__closure__ or () if callable(c.cell_contents))
        groups.setdefault((function.__code__, calls), []).append(key)
    return {key: (n, len(keys)) for keys in groups.values() for n, key in enumerate(keys)}


def value_bodies(bodies: Bodies, key: str, entry: dict, bad: list[str], share: tuple[int, int]
                 ) -> Iterator[tuple[str, dict]]:
    """Each input and state in turn given each bad value; callbacks running the same code (share:
    this one's place among them, and how many they are) each get a part of the values, so that
    together they get them all."""
    plain = bodies.body(key, entry)
    yield "every value null", _all_null(plain)
    place, copies = share
    slot = 0
    for where in ("inputs", "state"):
        for index, spec in enumerate(entry[where]):
            named = [(name, BAD[name]) for name in bad]
            held = plain[where][index]
            if isinstance(held, dict) and isinstance(held["value"], dict) and "filters" in held["value"]:
                named += [(f"every filter {name}", {**held["value"], "filters": {k: [v] for k in bodies.filter_keys}})
                          for name, v in FILTER_VALUES.items()]
            for n, (name, value) in enumerate(named):
                if (n + slot) % copies == place:
                    yield f"{where} {spec['id']}.{spec['property']} = {name}", _with_value(plain, where, index, value)
            slot += 1
    if any(_is_pattern(_parse_id(s["id"])) for s in entry["inputs"] + entry["state"]):
        for name in ("id past int64 (text)", "id past int64 (number)"):
            yield f"pattern ids = {name}", bodies.body(key, entry, wild={k: BAD[name] for k in bodies.wild})


# Bodies of the wrong shape (other: the body of another callback): refused before Dash reads them.
SHAPES = {
    "no output": lambda b, other: {k: v for k, v in b.items() if k != "output"},
    "no outputs": lambda b, other: {k: v for k, v in b.items() if k != "outputs"},
    "outputs of another callback": lambda b, other: b | {"outputs": other["outputs"]},
    "outputs a string": lambda b, other: b | {"outputs": "x"},
    "output of no callback": lambda b, other: b | {"output": "nope.children"},
    "output a list": lambda b, other: b | {"output": [b["output"]]},
    "inputs a dict": lambda b, other: b | {"inputs": {"id": "x"}},
    "state a string": lambda b, other: b | {"state": "x"},
    "an input too few": lambda b, other: b | {"inputs": b["inputs"][:-1]},
    "an input's id a list": lambda b, other: b | {
        "inputs": [{"id": ["x"], "property": "value", "value": 1}, *b["inputs"][1:]]},
    "an input of another component": lambda b, other: b | {
        "inputs": [{"id": "not-on-any-page", "property": "n_clicks", "value": 1}, *b["inputs"][1:]]},
    "state in lists": lambda b, other: b | {"state": [[s] for s in b["state"]] or [[]]},
    "changedPropIds a dict": lambda b, other: b | {"changedPropIds": {"a": 1}},
    "changedPropIds naming another component": lambda b, other: b | {"changedPropIds": ["not-on-any-page.n_clicks"]},
}


COUNT_ROWS = "SELECT " + ", ".join(f"(SELECT count(*) FROM {t.name})" for t in Base.metadata.sorted_tables
                                   if t.name not in UNCOUNTED)


def _row_counts(app) -> tuple:
    """How many rows each table holds: one statement, as it runs after every request."""
    with _db(app).engine.connect() as conn:
        return tuple(conn.exec_driver_sql(COUNT_ROWS).one())


def test_every_callback_answers_hand_made_bodies_without_a_5xx(app_on, admin, database, caplog):
    bodies = Bodies(app_on, admin)
    callbacks = bodies.server_callbacks()
    assert len(callbacks) > 100 and any(_is_rows(e) for e in callbacks.values())  # every page's
    caplog.set_level(logging.WARNING)
    # What a refused request wrote is the same on both databases (the code decides): counted on
    # SQLite, where counting after every request is cheap.
    counted = database == "sqlite"
    failures, posted, counts = [], 0, _row_counts(app_on) if counted else None

    def check(key, what, body, allowed):
        nonlocal posted, counts
        response = post(admin, body)
        posted += 1
        if response.status_code not in allowed:
            failures.append(f"{response.status_code} {key[:90]} [{what}]: {response.get_data(as_text=True)[:150]}")
        if counted:
            after = _row_counts(app_on)
            if response.status_code != 200 and after != counts:
                failures.append(f"refused ({response.status_code}) but wrote: {key[:90]} [{what}]")
            counts = after

    keys = sorted(callbacks)
    shares = same_code(callbacks)
    shapes = list(SHAPES)
    for n, key in enumerate(keys):
        entry = callbacks[key]
        check(key, "the page's own body", bodies.body(key, entry), {200} if _is_rows(entry) else {200, 204})
        for what, body in value_bodies(bodies, key, entry, SENT[database], shares[key]):
            check(key, what, body, {200, 204, 400, 403, 404})
        if database != "sqlite":
            continue  # the shape is checked before any database is asked
        plain, other = bodies.body(key, entry), bodies.body(keys[n - 1], callbacks[keys[n - 1]])
        for what in (shapes[(n * SHAPES_PER_CALLBACK + i) % len(shapes)] for i in range(SHAPES_PER_CALLBACK)):
            if what == "outputs of another callback" and other["outputs"] == plain["outputs"]:
                continue  # callbacks sharing their outputs: a well-formed body after all
            check(key, what, SHAPES[what](plain, other), {400})
    errors = [r.getMessage()[:200] for r in caplog.records if r.levelno >= logging.ERROR]
    report = "\n".join(failures[:60] + errors[:20])
    assert not failures and not errors, f"{len(failures)} of {posted} bodies:\n{report}"
    rows = next(key for key in keys if _is_rows(callbacks[key]))
    assert post(admin, bodies.body(rows, callbacks[rows])).status_code == 200  # still signed in
