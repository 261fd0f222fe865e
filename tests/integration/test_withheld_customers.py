"""While a reseller's customer visibility is off, no customer name reaches the browser:
not in the grid's callback responses, the page layout (filter options), nor exports."""
from __future__ import annotations

from sqlalchemy import select

from data.models import CustomerAssignment, DirectoryEntry, ResellerPool, Tenant
from services.access.console_user import load_principal
from services.directory.customers import HIDDEN
from services.directory.entries import set_customer_visibility
from tests.integration.conftest import dash_call

ROWS = [("customers-grid", "getRowsResponse"), ("customers-count", "children"), ("customers-empty", "children"),
        ("customers-paper", "className"), ("customers-grid", "style")]
EXPORT = [("customers-download", "data"), ("customers-export-modal", "opened"), ("notify", "sendNotifications")]


def _reseller_with_customers(app):
    with app.server.extensions["reseller_db"].reading() as s:
        rid = s.scalars(
            select(DirectoryEntry.id)
            .join(ResellerPool, ResellerPool.reseller_id == DirectoryEntry.id)
            .join(CustomerAssignment, CustomerAssignment.reseller_pool_id == ResellerPool.id)
            .where(DirectoryEntry.lar_id == 1, DirectoryEntry.customer_visibility.is_(True))
            .order_by(DirectoryEntry.id.desc())
        ).first()
        names = s.scalars(
            select(Tenant.organization_name)
            .join(CustomerAssignment, CustomerAssignment.customer_tenant_id == Tenant.id)
            .join(ResellerPool, ResellerPool.id == CustomerAssignment.reseller_pool_id)
            .where(ResellerPool.reseller_id == rid)
        ).all()
    return rid, set(names)


def _responses(client, rid):
    request = {"startRow": 0, "endRow": 100, "sortModel": [{"colId": "organization_name", "sort": "asc"}]}
    rows = dash_call(client, ROWS, [("customers-grid", "getRowsRequest", request)],
                     [("customers-query", "data", {"search": "", "filters": {}}), ("customers-context", "data", rid)])
    exported = dash_call(client, EXPORT, [("customers-export-download", "n_clicks", 1)],
                         [("customers-export-name", "value", "customers"), ("customers-export-format", "value", "csv"),
                          ("customers-query", "data", {"search": "", "filters": {}}),
                          ("customers-context", "data", rid),
                          ("customers-grid", "columnDefs", [{"field": "organization_name"}, {"field": "pool"}]),
                          ("customers-grid", "getRowsRequest", request)])
    page = dash_call(client, [("_pages_content", "children"), ("_pages_store", "data")],
                     [("_pages_location", "pathname", f"/resellers/{rid}"), ("_pages_location", "search", "")])
    for response in (rows, exported, page):
        assert response.status_code == 200
    return rows.get_data(as_text=True), exported.get_data(as_text=True), page.get_data(as_text=True)


def test_customer_names_are_withheld_while_visibility_is_off(app, signed_in, clock):
    rid, names = _reseller_with_customers(app)
    assert names
    client = signed_in("operator@demo.example")
    rows, exported, page = _responses(client, rid)
    for text in (rows, exported, page):
        assert any(name in text for name in names)
    assert HIDDEN not in rows

    db = app.server.extensions["reseller_db"]
    set_customer_visibility(db, load_principal(db, 1), rid, visible=False, now=clock.now())
    rows, exported, page = _responses(client, rid)
    for text in (rows, exported, page):
        leaked = [name for name in names if name in text]
        assert leaked == []
    assert HIDDEN in rows and HIDDEN in exported
    assert "Customer visibility is off for this reseller" in page
