"""What the reseller-action tests read back: a directory entry, the audit events of one action."""
from sqlalchemy import select

from data.models import AuditEvent, DirectoryEntry

BASE = "https://console.test"


def _audit(db, action):
    with db.reading() as s:
        return s.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _reseller(db, rid):
    with db.reading() as s:
        return s.get(DirectoryEntry, rid)
