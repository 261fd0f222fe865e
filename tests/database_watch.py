"""What a piece of code sent to a real database: to prove it wrote nothing, or sent nothing at all."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def statements(db):
    """Every SQL statement the database is sent meanwhile (BEGIN IMMEDIATE of a write included)."""
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


@contextmanager
def write_transactions(db):
    """Write transactions opened meanwhile (Database.unit_of_work), on either database."""
    began = []

    def record(conn):
        if conn.get_execution_options().get("write"):
            began.append(conn)
    event.listen(db.engine, "begin", record)
    try:
        yield began
    finally:
        event.remove(db.engine, "begin", record)
