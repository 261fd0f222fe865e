"""Steps and reads both directory e2e test files use: search, select a row, find and select one
entry; read an entry or a row of the demo's first LAR."""
from __future__ import annotations

from playwright.sync_api import expect

from data.models import DirectoryEntry

LAR = 1  # the demo's first LAR: Northwind Cloud Partners


def _one(server, stmt):
    with server["db"].reading() as s:
        return s.execute(stmt).first()


def _reseller(server, rid):
    with server["db"].reading() as s:
        return s.get(DirectoryEntry, rid)


def search(pg, text: str):
    box = pg.locator("#dir-search")
    box.fill(text)
    box.press("Enter")


def select_row(pg, rid: int):
    pg.locator(f'.ag-row[row-id="{rid}"] .ag-selection-checkbox input').check()


def find_and_select(pg, email: str, rid: int):
    """Search the tenant owner so the row is the only one shown, then tick it."""
    search(pg, email)
    expect(pg.locator(".ag-row[row-id]")).to_have_count(1)
    select_row(pg, rid)
