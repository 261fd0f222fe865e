"""The declarative base and the vocabularies without labels (the labelled ones: vocabularies.py)."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

UNITS = ("user seats", "objects", "capacity")
EMAIL_STATUSES = ("Queued", "Sent", "Failed")
INVITATION_STATUSES = ("Sent", "Accepted")  # "Expired" comes from expires_at


class Base(DeclarativeBase):
    pass
