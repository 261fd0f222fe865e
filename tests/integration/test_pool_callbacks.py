"""The pool panels' callbacks called as a forger would: malformed values, other LARs' ids,
the analyst role. Each gets a refusal the user can read (a notification) or nothing at all,
never a 500, and nothing is written."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from data.catalog import SERVICE_NAMES
from data.models import DirectoryEntry, ResellerPool, Subscription

FIELDS = ("sub", "source", "payment", "qty", "exp", "date")
SAVE_OUTPUTS = [("addpool-drawer", "opened"), ("addpool-done", "data"), ("addpool-feedback", "data"),
                ("addpool-choices", "data"), ("notify", "sendNotifications")]


def _db(app):
    return app.server.extensions["reseller_db"]


def _output_key(client, plain: str) -> str:
    for dependency in client.get("/_dash-dependencies").get_json():
        if re.sub(r"@[0-9a-f]+", "", dependency["output"]) == plain:
            return dependency["output"]
    raise AssertionError(f"no callback for {plain}")


def _post(client, outputs, inputs, state):
    plain = f"..{'...'.join(f'{i}.{p}' for i, p in outputs)}.."
    body = {"output": _output_key(client, plain), "outputs": [{"id": i, "property": p} for i, p in outputs],
            "inputs": inputs, "state": state, "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"]}
    return client.post("/_dash-update-component", json=body,
                       headers={"X-CSRFToken": client.get_cookie("_csrf_token").value})


def _save(client, reseller_id, forms: list[dict], choices=None):
    """Press Save with one form per entry: {service index, sub, source, payment, qty, exp, date}."""
    ids = [{"service": f["service"], "type": "addpool-sub"} for f in forms]
    state = [[{"id": {"service": f["service"], "type": f"addpool-{name}"}, "property": "value", "value": f.get(name)}
              for f in forms] for name in FIELDS]
    state.append([{"id": i, "property": "id", "value": i} for i in ids])
    choices = choices if choices is not None else {"services": [{"name": n} for n in SERVICE_NAMES]}
    state += [{"id": "addpool-reseller", "property": "data", "value": reseller_id},
              {"id": "addpool-choices", "property": "data", "value": choices},
              {"id": "addpool-done", "property": "data", "value": 0}]
    return _post(client, SAVE_OUTPUTS, [{"id": "addpool-save", "property": "n_clicks", "value": 1}], state)


def _world(app):
    with _db(app).reading() as s:
        reseller = s.scalars(select(DirectoryEntry).where(DirectoryEntry.lar_id == 1, DirectoryEntry.status == "Mapped")
                             .order_by(DirectoryEntry.id.desc())).first()
        mine = s.scalars(select(Subscription).where(Subscription.lar_id == 1, Subscription.service == "Insights")).one()
        theirs = s.scalars(select(Subscription)
                           .where(Subscription.lar_id == 2, Subscription.service == "Insights")).one()
        other_reseller = s.scalars(select(DirectoryEntry).where(DirectoryEntry.lar_id == 2)).first()
    return reseller, mine, theirs, other_reseller


def _pools(app) -> int:
    with _db(app).reading() as s:
        return s.scalar(select(func.count()).select_from(ResellerPool))


def _notice(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["response"]["notify"]["sendNotifications"][0]["message"]


INSIGHTS = SERVICE_NAMES.index("Insights")


@pytest.mark.parametrize("field,value", [
    ("qty", [1, 2]), ("qty", {"a": 1}), ("qty", -3), ("qty", 2.5), ("qty", "1e9"), ("qty", 10**40),
    ("exp", ["date"]), ("exp", "later"), ("date", ["2027-01-01"]), ("date", "not-a-date"),
    ("source", ["Trial"]), ("payment", {"x": 1}), ("sub", ["1"]), ("sub", "1 OR 1=1"),
])
def test_malformed_fields_are_refused_by_name(signed_in, app, field, value):
    reseller, mine, _theirs, _other = _world(app)
    before = _pools(app)
    form = {"service": INSIGHTS, "sub": str(mine.id), "source": "Purchased", "payment": "Prepaid", "qty": 1,
            "exp": "date" if field == "date" else "same", "date": None, field: value}
    response = _save(signed_in("operator@demo.example"), reseller.id, [form])
    assert "Nothing was saved" in _notice(response)
    feedback = response.get_json()["response"]["addpool-feedback"]["data"]
    assert list(feedback["errors"]) == ["Insights"] and feedback["errors"]["Insights"]
    assert _pools(app) == before


@pytest.mark.parametrize("choices,service", [
    ({"services": "x"}, INSIGHTS), ([1, 2], INSIGHTS), ({"services": [None] * 15}, INSIGHTS),
    (None, 99), (None, -1), (None, "0"),
])
def test_tampered_wizard_stores_are_refused(signed_in, app, choices, service):
    reseller, mine, _theirs, _other = _world(app)
    before = _pools(app)
    form = {"service": service, "sub": str(mine.id), "source": "Purchased", "payment": "Prepaid", "qty": 1,
            "exp": "same"}
    response = _save(signed_in("operator@demo.example"), reseller.id, [form], choices=choices)
    assert "Choose each service once" in _notice(response)
    assert _pools(app) == before


def test_other_lars_subscription_and_reseller_are_refused(signed_in, app):
    reseller, mine, theirs, other_reseller = _world(app)
    client = signed_in("operator@demo.example")
    before = _pools(app)
    form = {"service": INSIGHTS, "sub": str(theirs.id), "source": "Purchased", "payment": "Prepaid", "qty": 1,
            "exp": "same"}
    response = _save(client, reseller.id, [form])
    assert "Nothing was saved" in _notice(response)
    assert response.get_json()["response"]["addpool-feedback"]["data"]["errors"]["Insights"]["subscription"]
    form["sub"] = str(mine.id)
    for rid in (other_reseller.id, "abc", [reseller.id], 10**30):
        assert "not found" in _notice(_save(client, rid, [form]))
    assert _pools(app) == before


def test_the_analyst_cannot_save_and_the_operator_can(signed_in, app):
    reseller, mine, _theirs, _other = _world(app)
    form = {"service": INSIGHTS, "sub": str(mine.id), "source": "Trial", "payment": "Free", "qty": "3",
            "exp": "same"}
    before = _pools(app)
    assert "can view the console but not change it" in _notice(_save(signed_in("analyst@demo.example"),
                                                                     reseller.id, [form]))
    assert _pools(app) == before
    response = _save(signed_in("operator@demo.example"), reseller.id, [form])
    assert "Added 1 pool" in _notice(response)
    assert response.get_json()["response"]["addpool-done"]["data"] == 1
    assert _pools(app) == before + 1


def test_edit_save_with_a_forged_form_is_refused(signed_in, app):
    client = signed_in("operator@demo.example")
    with _db(app).reading() as s:
        theirs = s.scalars(select(ResellerPool).join(DirectoryEntry).where(DirectoryEntry.lar_id == 2)).first()
        mine = s.scalars(select(ResellerPool).join(DirectoryEntry).where(DirectoryEntry.lar_id == 1)).first()
    outputs = [("edit-pool-drawer", "opened"), ("pools-refresh", "data"), ("edit-pool-payment", "error"),
               ("edit-pool-qty", "error"), ("edit-pool-exp", "error"), ("edit-pool-date", "error"),
               ("notify", "sendNotifications")]
    for form, expected in (
        ({"reseller_id": theirs.reseller_id, "pool_id": theirs.id, "version": 1}, "not found"),
        ({"reseller_id": mine.reseller_id, "pool_id": theirs.id, "version": 1}, "not found"),
        ({"reseller_id": mine.reseller_id, "pool_id": mine.id, "version": [1]}, "changed since you opened it"),
        ({"reseller_id": mine.reseller_id, "pool_id": {"x": 1}, "version": 1}, "not found"),
    ):
        state = [{"id": "edit-pool-payment", "property": "value", "value": "Prepaid"},
                 {"id": "edit-pool-qty", "property": "value", "value": 1},
                 {"id": "edit-pool-exp", "property": "value", "value": "same"},
                 {"id": "edit-pool-date", "property": "value", "value": None},
                 {"id": "edit-pool-form", "property": "data", "value": form},
                 {"id": "pools-refresh", "property": "data", "value": 0}]
        response = _post(client, outputs, [{"id": "edit-pool-save", "property": "n_clicks", "value": 1}], state)
        assert expected in _notice(response)


def test_the_form_check_ignores_a_garbage_store(signed_in, app):
    client = signed_in("operator@demo.example")
    ident = {"service": 0, "type": "addpool-sub"}
    outputs = [(f'{{"service":["MATCH"],"type":"addpool-{n}"}}', p) for n, p in (
        ("sub", "error"), ("source", "error"), ("payment", "error"), ("qty", "error"), ("qty", "description"),
        ("exp", "error"), ("date", "error"), ("date", "disabled"), ("date", "maxDate"), ("details", "children"),
        ("state", "children"), ("state", "className"), ("state", "title"), ("sub", "data"), ("source", "data"))]
    plain = f"..{'...'.join(f'{i}.{p}' for i, p in outputs)}.."
    inputs = [{"id": {"service": 0, "type": f"addpool-{n}"}, "property": "value", "value": [1]} for n in FIELDS]
    inputs.append({"id": "addpool-feedback", "property": "data", "value": {"errors": "x"}})
    for choices in ({"services": 5}, None, {"services": [{"name": "Insights", "unit": "user seats",
                                                          "subscriptions": [{"id": [1]}]}]}):
        body = {"output": plain, "outputs": [{"id": {"service": 0, "type": i.split('"type":"')[1][:-2]}, "property": p}
                                             for i, p in outputs],
                "inputs": inputs, "state": [{"id": ident, "property": "id", "value": ident},
                                            {"id": "addpool-choices", "property": "data", "value": choices}],
                "changedPropIds": ['{"service":0,"type":"addpool-qty"}.value']}
        response = client.post("/_dash-update-component", json=body,
                               headers={"X-CSRFToken": client.get_cookie("_csrf_token").value})
        assert response.status_code in (200, 204), response.get_data(as_text=True)


def test_another_lars_pools_rows_are_empty_not_an_error(signed_in, app):
    reseller, _mine, _theirs, _other = _world(app)
    client = signed_in("admin@other.example")
    for context in (reseller.id, "x", [1], 10**30):
        response = _post(client, [("pools-grid", "getRowsResponse"), ("pools-count", "children"),
                                  ("pools-empty", "children"), ("pools-paper", "className"), ("pools-grid", "style")],
                         [{"id": "pools-grid", "property": "getRowsRequest",
                           "value": {"startRow": 0, "endRow": 50, "sortModel": []}}],
                         [{"id": "pools-query", "property": "data", "value": {"search": "", "filters": {}}},
                          {"id": "pools-context", "property": "data", "value": context}])
        assert response.status_code == 200
        assert response.get_json()["response"]["pools-grid"]["getRowsResponse"] == {"rowData": [], "rowCount": 0}
