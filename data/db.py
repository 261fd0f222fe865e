"""Engine and unit of work.

SQLite: WAL, foreign keys on, and every write transaction opened with
BEGIN IMMEDIATE so two writers serialise at BEGIN instead of failing at COMMIT.
Reads use a plain deferred BEGIN so they never wait for the write lock.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import create_engine, delete, event, insert
from sqlalchemy.engine import CursorResult, Engine, Result
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from data.models import HealthProbe

# /healthz is open to anyone and each probe takes the write lock: a process probes at most this
# often and answers what it found meanwhile (a failure shows, and clears, within this time).
PROBE_EVERY = timedelta(seconds=5)
# Larger than a page (SQLite's are 4 KB), so the probe needs pages to spare, as inserts sooner
# or later do: a value rewritten in place goes through even when the database cannot grow.
PROBE_BYTES = 16 * 1024

Model = TypeVar("Model")
NOW = "now"  # session.info key: the instant a unit of work writes at


def existing(session: Session, model: type[Model], ident: object) -> Model:
    """session.get for a row that cannot be missing (a foreign key points at it, and nothing
    deletes such rows): its absence is a broken invariant, not something to tell the user."""
    row = session.get(model, ident)
    if row is None:
        raise LookupError(f"{model.__name__} {ident!r} is missing")
    return row


def rows_matched(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched. A Session returns a CursorResult for them,
    though Session.execute is typed as returning any Result."""
    assert isinstance(result, CursorResult)
    return result.rowcount


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Hand transaction control to SQLAlchemy's "begin" event below.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


class Database:
    """One per process; hands out sessions for reads and units of work for writes."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.is_sqlite = url.startswith("sqlite")
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(
            self.engine.execution_options(write=True), expire_on_commit=False
        )
        self._probe_lock = threading.Lock()
        self._probed: tuple[datetime, str] | None = None

    @contextmanager
    def unit_of_work(self, *, now: datetime | None = None) -> Iterator[Session]:
        """One write transaction: committed on success, rolled back on any error.

        now: the instant of the write, kept in session.info[NOW] for what the commit keeps
        current (services/metrics/upkeep.py refreshes the stored figures of the directory entries
        the write touched; data/ only carries the instant, it never imports services)."""
        with self._write() as session, session.begin():
            session.info[NOW] = now
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    def writable(self, *, now: datetime) -> str:
        """"" when a write can be committed, else why not (the database's own words). At most
        one probe per PROBE_EVERY: the others wait for it and share its answer."""
        with self._probe_lock:
            if self._probed is not None and self._probed[0] <= now < self._probed[0] + PROBE_EVERY:
                return self._probed[1]
            self._probed = (now, self._commit_probe(now))
            return self._probed[1]

    def _commit_probe(self, now: datetime) -> str:
        """A write that reaches the disk: a new row taking fresh pages, the older ones deleted
        (their pages are what the next probe takes, unless real writes took them first)."""
        try:
            with self.unit_of_work() as session:
                newest = session.execute(insert(HealthProbe).values(checked_at=now, payload=bytes(PROBE_BYTES))
                                         .returning(HealthProbe.id)).scalar_one()
                session.execute(delete(HealthProbe).where(HealthProbe.id != newest))
            return ""
        except SQLAlchemyError as error:
            return str(getattr(error, "orig", error))[:200]

    def dispose(self) -> None:
        self.engine.dispose()
