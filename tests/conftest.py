"""Real databases for every service test: a migrated SQLite file per test and, when
127.0.0.1:5432 answers, a fresh PostgreSQL schema per run (tables emptied per test)."""
from __future__ import annotations

import shutil
import uuid

import psycopg
import pytest
from sqlalchemy import text

from data.db import Database
from data.migrate import upgrade
from data.models import Base
from services.common.clock import FixedClock
from tests import clock as test_clock

PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=2"


def postgres_answers() -> bool:
    try:
        with psycopg.connect(PG_DSN):
            return True
    except psycopg.Error:
        return False


@pytest.fixture(autouse=True)
def clock(request) -> FixedClock:
    """Every test's one clock (tests/clock.py): PINNED, or the instant of @pytest.mark.clock(at)."""
    marker = request.node.get_closest_marker("clock")
    return test_clock.pin(FixedClock(marker.args[0] if marker else test_clock.PINNED))


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not postgres_answers(), reason="PostgreSQL does not answer on 127.0.0.1:5432"))]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url():
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    upgrade(url)
    yield url
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path, sqlite_template):
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        database = Database(f"sqlite:///{path}")
    else:
        database = Database(request.getfixturevalue("postgres_url"))
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with database.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield database
    database.dispose()
