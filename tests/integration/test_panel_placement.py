"""Panels own their ids: a second Add pool, Edit pool, Map, Delete and Single invite placed on
the same app under other prefixes, acting on another grid, register without clashing with the
first ones and each acts on its own grid's selection and bumps its own grid's refresh."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from callbacks import add_pool, delete_panel, edit_pool, invite, map_panel
from callbacks.panels import Opener
from components.add_pool_panel import add_pool_drawer
from components.delete_panel import delete_modal
from components.edit_pool_panel import edit_pool_drawer
from components.invite_panel import single_invite_panel
from components.map_panel import map_drawer
from config import Settings
from data.catalog import SERVICE_NAMES
from data.models import DirectoryEntry, Subscription
from tests.integration.conftest import build_app, dash_call, sign_in

NOTIFY = ("notify", "sendNotifications")
OPEN = ["drawer.opened", "reseller.data", "choices.data", "subject.children", "services.children", "services.value",
        "feedback.data", "forms.children"]


@pytest.fixture(scope="module")
def twin_app(tmp_path_factory):
    """The console plus a second instance of each panel, acting on a grid section prefixed "twin"."""
    instance = tmp_path_factory.mktemp("twin")
    app = build_app(Settings(database_url=f"sqlite:///{instance / 'app.db'}", secret_key="test-secret",
                             demo_data=True, instance=instance))
    add_pool.register(app, "twin-addpool", [Opener("twin-addpool-open", "twin")])
    edit_pool.register(app, "twin-edit", Opener("twin-edit-open", "twin"))
    map_panel.register(app, "twin-map", Opener("twin-map-open", "twin"))
    delete_panel.register(app, "twin-delete", Opener("twin-delete-open", "twin"))
    invite.register(app, "twin-invite", Opener("twin-invite-open", "twin"))
    return app


@pytest.fixture
def operator(twin_app):
    client = twin_app.server.test_client()
    assert sign_in(client, "operator@demo.example").status_code == 302
    client.get("/")
    return client


def _ids(component) -> list:
    found = []
    if getattr(component, "id", None) is not None:
        found.append(json.dumps(component.id, sort_keys=True))
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if hasattr(child, "to_plotly_json"):
            found += _ids(child)
    return found


@pytest.mark.parametrize("layout", [add_pool_drawer, edit_pool_drawer, map_drawer, delete_modal,
                                    single_invite_panel])
def test_two_layouts_share_no_id(layout):
    first, second = _ids(layout("one")), _ids(layout("two"))
    assert first and len(first) == len(set(first))
    assert not set(first) & set(second)
    assert all("one" in ident for ident in first) and all("two" in ident for ident in second)


def _clashes(callbacks: list[dict]) -> list[str]:
    """What Dash's renderer refuses ("Duplicate callback outputs"): one output written by two
    callbacks under one name (allow_duplicate gives each callback's copy its own @hash)."""
    outputs = [part for c in callbacks for part in c["output"].strip(".").split("...")]
    return sorted({o for o in outputs if outputs.count(o) > 1})


def test_each_instance_registers_its_own_callbacks(twin_app, operator):
    callbacks = operator.get("/_dash-dependencies").get_json()
    assert _clashes(callbacks) == []
    outputs = [c["output"] for c in callbacks]
    for first, second in (("addpool-drawer", "twin-addpool-drawer"), ("edit-pool-drawer", "twin-edit-drawer"),
                          ("dir-map-drawer", "twin-map-drawer"), ("dir-delete-modal", "twin-delete-modal"),
                          ("invite-drawer", "twin-invite-drawer")):
        assert any(f".{first}.opened" in f".{o}" for o in outputs)
        assert any(f".{second}.opened" in f".{o}" for o in outputs)
    # The twins' saves bump the twin grid's refresh, and nothing of the first panels does.
    twin_refreshers = [c for c in callbacks if "twin-refresh.data" in c["output"]]
    assert len(twin_refreshers) == 5  # Add pool (through its done counter), Edit pool, Map, Delete, Invite
    assert all(i["id"].startswith("twin-") for c in twin_refreshers for i in c["inputs"])


def test_the_same_prefix_twice_would_clash():
    """The check above can fail: one panel registered twice under one prefix clashes."""
    import dash

    app = dash.Dash(__name__)
    for _ in range(2):
        map_panel.register(app, "same", Opener("same-open", "grid"))
    assert _clashes([{"output": c["output"]} for c in app._callback_list])


def _mapped(app, skip: int):
    with app.server.extensions["reseller_db"].reading() as s:
        return s.scalars(select(DirectoryEntry).where(DirectoryEntry.lar_id == 1, DirectoryEntry.status == "Mapped")
                         .order_by(DirectoryEntry.id)).all()[skip]


def _open_add_pool(client, prefix: str, button: str, grid: str, reseller_id: int):
    return dash_call(client, [(f"{prefix}-{o.split('.')[0]}", o.split(".")[1]) for o in OPEN] + [NOTIFY],
                     [(button, "n_clicks", 1)], [(f"{grid}-grid", "selectedRows", [{"id": reseller_id}])])


def test_each_add_pool_opens_for_its_own_grids_selection(twin_app, operator):
    first, second = _mapped(twin_app, 0), _mapped(twin_app, 1)
    one = _open_add_pool(operator, "addpool", "dir-addpool-open", "dir", first.id).get_json()["response"]
    two = _open_add_pool(operator, "twin-addpool", "twin-addpool-open", "twin", second.id).get_json()["response"]
    assert one["addpool-reseller"]["data"] == first.id and first.organization_name in one["addpool-subject"]["children"]
    assert two["twin-addpool-reseller"]["data"] == second.id
    assert second.organization_name in two["twin-addpool-subject"]["children"]
    assert "addpool-reseller" not in two


def test_the_second_add_pool_saves_and_refreshes_its_own_grid(twin_app, operator):
    reseller = _mapped(twin_app, 2)
    with twin_app.server.extensions["reseller_db"].reading() as s:
        sub = s.scalars(select(Subscription).where(Subscription.lar_id == 1, Subscription.service == "Insights")).one()
    service = SERVICE_NAMES.index("Insights")
    form = {"sub": str(sub.id), "source": "Trial", "payment": "Free", "qty": "2", "exp": "same", "date": None}
    outputs = [("twin-addpool-drawer", "opened"), ("twin-addpool-done", "data"), ("twin-addpool-feedback", "data"),
               ("twin-addpool-choices", "data"), NOTIFY]
    sub_id = {"service": service, "type": "twin-addpool-sub"}
    state = [[{"id": {"service": service, "type": f"twin-addpool-{name}"}, "property": "value", "value": value}]
             for name, value in form.items()]  # one list per pattern (ALL) State, as the renderer sends them
    state += [[{"id": sub_id, "property": "id", "value": sub_id}],
              {"id": "twin-addpool-reseller", "property": "data", "value": reseller.id},
              {"id": "twin-addpool-choices", "property": "data",
               "value": {"services": [{"name": n} for n in SERVICE_NAMES]}},
              {"id": "twin-addpool-done", "property": "data", "value": 0}]
    key = next(c["output"] for c in operator.get("/_dash-dependencies").get_json()
               if c["output"].startswith("..twin-addpool-drawer.opened@") and "twin-addpool-done" in c["output"])
    saved = operator.post("/_dash-update-component", headers={"X-CSRFToken": operator.get_cookie("_csrf_token").value},
                          json={"output": key, "outputs": [{"id": i, "property": p} for i, p in outputs],
                                "inputs": [{"id": "twin-addpool-save", "property": "n_clicks", "value": 1}],
                                "state": state, "changedPropIds": ["twin-addpool-save.n_clicks"]})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    answer = saved.get_json()["response"]
    assert "Added 1 pool" in answer["notify"]["sendNotifications"][0]["message"]
    assert answer["twin-addpool-done"]["data"] == 1
    refreshed = dash_call(operator, [("twin-refresh", "data")], [("twin-addpool-done", "data", 1)],
                          [("twin-refresh", "data", 4)])
    assert refreshed.get_json()["response"]["twin-refresh"]["data"] == 5
