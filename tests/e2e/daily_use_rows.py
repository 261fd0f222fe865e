"""The demo rows both daily-use test files start from: the first LAR's first reseller."""
from __future__ import annotations

from sqlalchemy import select

from data.models import DirectoryEntry

LAR = 1


def _first_reseller(server):
    with server["db"].reading() as s:
        return s.execute(select(DirectoryEntry.id, DirectoryEntry.organization_name, DirectoryEntry.email)
                         .where(DirectoryEntry.lar_id == LAR).order_by(DirectoryEntry.id)).first()
