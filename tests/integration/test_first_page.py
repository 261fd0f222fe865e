"""The layout carries the page that asked for it (components/page_container.py)."""
from __future__ import annotations

import json

from sqlalchemy import select

from data.models import DirectoryEntry, User


def _layout(client, referrer=None):
    headers = {"Referer": referrer} if referrer else {}
    response = client.get("/_dash-layout", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _location(layout: str) -> dict:
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == "_pages_location":
                found.append(node["props"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(json.loads(layout))
    return found[0]


def test_the_layout_holds_the_page_named_by_its_referrer(signed_in):
    client = signed_in("analyst@demo.example")
    layout = _layout(client, "http://localhost/?dir_q=systems")
    assert '"dir-grid"' in layout and '"title":"Reseller directory' in layout
    location = _location(layout)
    # The same path and query the browser shows: dcc.Location reports no change, so the
    # router is not asked for the page again.
    assert location["pathname"] == "/" and location["search"] == "?dir_q=systems"
    renewals = _layout(client, "http://localhost/renewals?ren_window=7")
    assert '"title":"Renewals' in renewals and _location(renewals)["search"] == "?ren_window=7"


def test_without_a_usable_referrer_the_router_answers(signed_in):
    client = signed_in("analyst@demo.example")
    for referrer in (None, "http://elsewhere.example/", "http://localhost/no-such-page", "http://[", "http://[::1"):
        layout = _layout(client, referrer)
        assert '"dir-grid"' not in layout
        assert "pathname" not in _location(layout)


def test_another_lars_reseller_is_not_shown_through_the_referrer(signed_in, app):
    with app.server.extensions["reseller_db"].reading() as s:
        own_lar = select(User.tenant_id).where(User.email == "operator@demo.example").scalar_subquery()
        other = s.scalars(select(DirectoryEntry).where(DirectoryEntry.lar_id != own_lar)).first()
        name = other.organization_name
    layout = _layout(signed_in("operator@demo.example"), f"http://localhost/resellers/{other.id}")
    assert name not in layout


def test_the_links_in_alert_emails_open_their_views_filtered(signed_in):
    """The alert emails link to /subscriptions?subs_status=Low and /renewals?ren_window=30."""
    client = signed_in("analyst@demo.example")
    low = _layout(client, "http://localhost/subscriptions?subs_status=Low")
    assert '"filters":{"status":["Low"]}' in low.replace(" ", "")
    soon = _layout(client, "http://localhost/renewals?ren_window=30")
    assert '"window":["30"]' in soon.replace(" ", "")
