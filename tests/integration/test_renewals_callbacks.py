"""The callbacks added for Renewals, Subscriptions and Activity, sent what only a forged or
broken request sends: each answers with no change, a notification or a 4xx, never a 500."""
from __future__ import annotations

import json
import re

import pytest

CALLS = [
    # (outputs, input, state)
    ([("ren-query", "data")], ("ren-window", "value", ["90"]), [("ren-query", "data", "x")]),
    ([("ren-query", "data")], ("ren-window", "value", "90"), [("ren-query", "data", [1, 2])]),
    ([("ren-query", "data")], ("ren-chart", "clickData", {"points": "x"}),
     [("ren-query", "data", None), ("ren-chart-data", "data", {"weeks": 5})]),
    ([("ren-query", "data")], ("ren-chart", "clickData", {"points": [{"customdata": ["2026-01-01"]}]}),
     [("ren-query", "data", {}), ("ren-chart-data", "data", None)]),
    ([("ren-query", "data")], ("ren-week-clear", "n_clicks", 1), [("ren-query", "data", "nonsense")]),
    ([("ren-return", "disabled"), ("ren-return-why", "label")], ("ren-grid", "selectedRows", [1, "x", None]), []),
    ([("ren-return-modal", "opened"), ("ren-return-list", "children"), ("ren-return-text", "children"),
      ("notify", "sendNotifications")], ("ren-return", "n_clicks", 1),
     [("ren-grid", "selectedRows", [{"id": "999999999999"}]), ("ren-context", "data", {"x": 1})]),
    ([("ren-return-modal", "opened"), ("ren-refresh", "data"), ("notify", "sendNotifications")],
     ("ren-return-confirm", "n_clicks", 1),
     [("ren-grid", "selectedRows", "all"), ("ren-context", "data", None), ("ren-refresh", "data", "x")]),
    ([("notify", "sendNotifications")], ("ren-alerts", "checked", "yes"), []),
    ([("subs-threshold-modal", "opened"), ("subs-threshold-subject", "children"), ("subs-threshold-kind", "value"),
      ("subs-threshold-value", "value"), ("subs-threshold-target", "data"), ("subs-threshold-value", "error")],
     ("subs-threshold-open", "n_clicks", 1),
     [("subs-grid", "selectedRows", ["x"])]),
    ([("subs-threshold-modal", "opened"), ("subs-refresh", "data"), ("subs-threshold-value", "error"),
      ("notify", "sendNotifications")], ("subs-threshold-save", "n_clicks", 1),
     [("subs-threshold-target", "data", {"id": 1}), ("subs-threshold-kind", "value", ["count"]),
      ("subs-threshold-value", "value", {"n": 5}), ("subs-refresh", "data", None)]),
    ([("subs-threshold-value", "disabled"), ("subs-threshold-value", "label"), ("subs-threshold-value", "description")],
     ("subs-threshold-kind", "value", {"bad": True}), []),
    ([("act-query", "data")], ("act-dates", "value", {"from": 1}), [("act-query", "data", "x")]),
    ([("act-query", "data")], ("act-dates", "value", ["9999-99-99", "not a date"]), [("act-query", "data", None)]),
    ([("act-dates", "value")], ("act-query", "data", {"filters": {"from": "2026"}}), [("act-dates", "value", 7)]),
]


def _call(client, outputs, given, state):
    """POST the callback with these outputs and this input, as Dash registered it."""
    plain = (f"..{'...'.join(f'{i}.{p}' for i, p in outputs)}.." if len(outputs) > 1
             else f"{outputs[0][0]}.{outputs[0][1]}")
    registered = [d for d in client.get("/_dash-dependencies").get_json()
                  if re.sub(r"@[0-9a-f]+", "", d["output"]) == plain
                  and any(i["id"] == given[0] and i["property"] == given[1] for i in d["inputs"])]
    assert len(registered) == 1, plain
    dependency = registered[0]
    values = {(given[0], given[1]): given[2], **{(i, p): v for i, p, v in state}}
    body = {
        "output": dependency["output"],
        "outputs": [{"id": i, "property": p} for i, p in outputs] if len(outputs) > 1
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [{"id": i["id"], "property": i["property"], "value": values.get((i["id"], i["property"]))}
                   for i in dependency["inputs"]],
        "state": [{"id": s["id"], "property": s["property"], "value": values.get((s["id"], s["property"]))}
                  for s in dependency["state"]],
        "changedPropIds": [f"{given[0]}.{given[1]}"],
    }
    return client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json",
                       headers={"X-CSRFToken": client.get_cookie("_csrf_token").value})


@pytest.mark.parametrize("outputs, given, state", CALLS, ids=[f"{c[1][0]}.{c[1][1]}-{n}" for n, c in enumerate(CALLS)])
def test_malformed_input_to_a_new_callback_is_never_a_500(signed_in, outputs, given, state, caplog):
    client = signed_in("admin@demo.example")
    response = _call(client, outputs, given, state)
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
