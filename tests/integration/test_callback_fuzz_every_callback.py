"""Callback requests made by hand, on both databases: every callback the app registers, each of
its inputs and state in turn given what only a forged request sends.

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
from collections.abc import Iterator

from data.models import Base
from tests.integration.fuzz_calls import PAST_INT64, Bodies, _db, _is_pattern, _is_rows, _parse_id, post

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
UNCOUNTED = {"user_sessions", "sign_in_throttle"}  # the request's own session; sign-in failures


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
