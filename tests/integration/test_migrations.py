"""Migration 0003 on a database that already holds pools, on SQLite and PostgreSQL: stored
'Expired' becomes dates, customer rows survive the SQLite table rebuild, and the next pool id
lies above every id the pools table or the ledger has seen."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import psycopg
import pytest
from alembic import command
from sqlalchemy import Boolean, DateTime, create_engine, text
from sqlalchemy.exc import IntegrityError

from data.migrate import alembic_config
from services.common.clock import SystemClock
from tests.conftest import PG_DSN, postgres_answers

# Migration 0003 reads the machine's clock as it runs (a one-off, at deploy time): these tests
# build their rows on that clock too, never on the pinned one.
NOW = SystemClock().now().replace(microsecond=0)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not postgres_answers(), reason="PostgreSQL does not answer on 127.0.0.1:5432"))])
def url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    schema = f"mig_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _fill_at_0002(conn):
    day = NOW - timedelta(days=30)
    conn.execute(text("INSERT INTO tenants (id, kind, organization_name, owner_email, created_at) VALUES "
                      "(1, 'large_account_reseller', 'L', 'l@l.example', :d), (2, 'customer', 'C', 'c@c.example', :d)"),
                 {"d": day})
    conn.execute(text("INSERT INTO resellers (id, lar_id, organization_name, email, status, customer_visibility) "
                      "VALUES (1, 1, 'R', 'r@r.example', 'Mapped', true)"))
    conn.execute(text("INSERT INTO subscriptions (id, lar_id, service, name, source, unit, purchased_quantity, "
                      "allocated_quantity, starts_at, expires_at) VALUES (1, 1, 'Insights', 'S', 'Purchased', "
                      "'user seats', 100, 30, :d, :e)"), {"d": day, "e": NOW + timedelta(days=200)})
    pools = [(1, 30, "Active", None, day), (2, 20, "Expired", NOW + timedelta(days=50), day),
             (3, 10, "Expired", None, None)]
    for pid, qty, status, expires, accepted in pools:
        conn.execute(text("INSERT INTO reseller_pools (id, reseller_id, subscription_id, source, payment_type, "
                          "quantity, assigned_quantity, expires_at, status, created_at, accepted_at) VALUES "
                          "(:id, 1, 1, 'Purchased', 'Prepaid', :q, 0, :x, :s, :d, :a)"),
                     {"id": pid, "q": qty, "x": expires, "s": status, "d": day, "a": accepted})
    conn.execute(text("INSERT INTO customer_assignments (reseller_pool_id, customer_tenant_id, quantity, assigned_at) "
                      "VALUES (1, 2, 5, :d)"), {"d": day})
    conn.execute(text("UPDATE reseller_pools SET assigned_quantity = 5 WHERE id = 1"))
    # Pool 7 was returned and deleted before the upgrade: only the ledger remembers it.
    conn.execute(text("INSERT INTO allocation_events (at, reseller_pool_id, purchased_delta, allocated_delta) "
                      "VALUES (:d, 1, 30, 0), (:d, 7, 15, 0), (:d, 7, -15, 0)"), {"d": day})


def test_0003_turns_stored_expiry_into_dates_and_never_reuses_a_pool_id(url):
    command.upgrade(alembic_config(url), "0002")
    engine = create_engine(url)
    with engine.begin() as conn:
        _fill_at_0002(conn)
    command.upgrade(alembic_config(url), "head")
    with engine.begin() as conn:
        rows = {r.id: r for r in conn.execute(text(
            "SELECT id, status, seats_held, expires_at, version FROM reseller_pools ORDER BY id")
            .columns(expires_at=DateTime, seats_held=Boolean))}
        assert rows[1].status == "Active" and rows[1].seats_held and rows[1].expires_at is None
        # Stored 'Expired' became an acceptance state and a date that has passed.
        assert rows[2].status == "Active" and not rows[2].seats_held and rows[2].expires_at <= SystemClock().now()
        assert rows[3].status == "Pending acceptance" and not rows[3].seats_held and rows[3].expires_at is not None
        assert {r.version for r in rows.values()} == {1}
        assert conn.execute(text("SELECT count(*) FROM customer_assignments")).scalar() == 1
        conn.execute(text("INSERT INTO reseller_pools (reseller_id, subscription_id, source, payment_type, quantity, "
                          "assigned_quantity, status, created_at) VALUES (1, 1, 'Purchased', 'Prepaid', 1, 0, "
                          "'Pending acceptance', :d)"), {"d": NOW})
        new_id = conn.execute(text("SELECT max(id) FROM reseller_pools")).scalar()
        assert new_id > 7  # above the deleted pool the ledger remembers
        with pytest.raises(IntegrityError), conn.begin_nested():  # the stored status no longer takes 'Expired'
            conn.execute(text("UPDATE reseller_pools SET status = 'Expired' WHERE id = 1"))
    engine.dispose()


def test_0007_gives_every_reseller_a_figures_row_sorted_live_until_the_alerts_run_rewrites_it(url):
    from data.db import Database
    from data.models import Role, TenantKind
    from services.access.principal import Principal
    from services.common.grid_query import GridQuery
    from services.directory.query import list_directory
    from services.metrics.entry_figures import refresh_stale
    command.upgrade(alembic_config(url), "0002")
    engine = create_engine(url)
    with engine.begin() as conn:
        _fill_at_0002(conn)
        conn.execute(text("INSERT INTO resellers (id, lar_id, organization_name, email, status, customer_visibility) "
                          "VALUES (2, 1, 'Q', 'q@q.example', 'Invited', true)"))
    command.upgrade(alembic_config(url), "head")
    with engine.begin() as conn:
        stale = conn.execute(text("SELECT reseller_id, pools, valid_until FROM reseller_figures ORDER BY reseller_id")
                             .columns(valid_until=DateTime)).all()
        assert [(r.reseller_id, r.pools) for r in stale] == [(1, 0), (2, 0)]
        assert all(r.valid_until < datetime(1971, 1, 1) for r in stale)  # stale: sorted live until rewritten
        # The trigger gives a reseller added later its row.
        conn.execute(text("INSERT INTO resellers (id, lar_id, organization_name, email, status, customer_visibility) "
                          "VALUES (3, 1, 'Z', 'z@z.example', 'Invited', true)"))
        assert conn.execute(text("SELECT count(*) FROM reseller_figures WHERE reseller_id = 3")).scalar() == 1
    engine.dispose()
    db = Database(url)
    now = SystemClock().now()  # after the migration ran
    analyst = Principal(user_id=1, tenant_id=1, tenant_kind=TenantKind.LAR, role=Role.ANALYST, email="a@l.example")
    page = list_directory(db, analyst, GridQuery(sort=(("pools", "desc"),)), now=now)
    assert [(r["organization_name"], r["pools"]) for r in page.rows] == [("R", 1), ("Q", 0), ("Z", 0)]
    with db.engine.connect() as conn:  # the read wrote nothing
        assert conn.execute(text("SELECT pools, customers FROM reseller_figures WHERE reseller_id = 1")).one() == (0, 0)
    with db.unit_of_work(now=now) as session:  # as the alerts run does, per LAR
        assert refresh_stale(session, [1], now) == 2  # Z, added after, has a fresh row
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT pools, customers FROM reseller_figures WHERE reseller_id = 1")).one() == (1, 1)
    db.dispose()


def test_0008_and_0009_give_recorded_actions_their_reseller_and_its_name_even_once_deleted(url):
    command.upgrade(alembic_config(url), "0002")
    engine = create_engine(url)
    with engine.begin() as conn:
        _fill_at_0002(conn)
        conn.execute(text("INSERT INTO resellers (id, lar_id, organization_name, email, status, customer_visibility) "
                          "VALUES (2, 1, 'Gone', 'g@g.example', 'Invited', true)"))
    command.upgrade(alembic_config(url), "0007")
    with engine.begin() as conn:
        events = [("reseller.map", "reseller:1", '{"tenant_id": 2}'),
                  ("pool.add", "pool:1", '{"reseller_id": 1, "quantity": 30}'),
                  ("reseller.invite", "reseller:2", '{"email": "g@g.example"}'),
                  ("reseller.delete", "reseller:2", '{"organization_name": "Gone", "email": "g@g.example"}'),
                  ("user.disabled", "x@l.example", '{}')]
        for action, target, details in events:
            conn.execute(text("INSERT INTO audit_events (at, lar_id, actor_user_id, action, target, details) "
                              "VALUES (:at, 1, 1, :a, :t, :d)"), {"at": NOW, "a": action, "t": target, "d": details})
        conn.execute(text("DELETE FROM resellers WHERE id = 2"))
    command.upgrade(alembic_config(url), "head")
    with engine.begin() as conn:
        rows = conn.execute(text("SELECT action, reseller_id, reseller_name FROM audit_events ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [("reseller.map", 1, "R"), ("pool.add", 1, "R"),
                                            ("reseller.invite", 2, "Gone"), ("reseller.delete", 2, "Gone"),
                                            ("user.disabled", None, None)]
        # The threshold's CHECK: a percentage over 100 is refused by the database itself.
        with pytest.raises(IntegrityError), conn.begin_nested():
            conn.execute(text("UPDATE subscriptions SET low_threshold = 150, low_threshold_kind = 'percent'"))
    engine.dispose()


def test_0010_marks_every_stored_utilisation_stale_so_it_is_recomputed_per_unit(url):
    command.upgrade(alembic_config(url), "0002")
    engine = create_engine(url)
    with engine.begin() as conn:
        _fill_at_0002(conn)
    command.upgrade(alembic_config(url), "0009")
    with engine.begin() as conn:  # as an older version stored it: all units added together
        conn.execute(text("UPDATE reseller_figures SET utilisation = 3.2, valid_until = :far"),
                      {"far": NOW + timedelta(days=3650)})
    command.upgrade(alembic_config(url), "head")
    with engine.begin() as conn:
        stale = conn.execute(text("SELECT valid_until FROM reseller_figures").columns(valid_until=DateTime)).scalars()
        assert all(v < datetime(1971, 1, 1) for v in stale)
    engine.dispose()


def test_0012_gives_every_recorded_action_its_lars_tenant_as_the_actor(url):
    command.upgrade(alembic_config(url), "0002")
    engine = create_engine(url)
    with engine.begin() as conn:
        _fill_at_0002(conn)
    command.upgrade(alembic_config(url), "0011")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_events (at, lar_id, actor_user_id, action, target, details) "
                          "VALUES (:at, 1, 1, 'reseller.map', 'reseller:1', '{}')"), {"at": NOW})
    command.upgrade(alembic_config(url), "head")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT actor_tenant_id FROM audit_events")).scalars().all() == [1]
        # An invitation link's holder, without an account, can now be recorded.
        conn.execute(text("INSERT INTO audit_events (at, lar_id, actor_user_id, actor_tenant_id, action, target, "
                          "details) VALUES (:at, 1, NULL, 2, 'reseller.accepted', 'reseller:1', '{}')"), {"at": NOW})
    engine.dispose()


def test_0013_keeps_each_recorded_actions_address(url):
    command.upgrade(alembic_config(url), "0002")
    engine = create_engine(url)
    with engine.begin() as conn:
        _fill_at_0002(conn)
        conn.execute(text("INSERT INTO users (id, email, name, password_hash, tenant_id, role, active, is_demo) "
                          "VALUES (5, 'ops@l.example', 'Ops', 'x', 1, 'operator', true, false)"))
    command.upgrade(alembic_config(url), "0012")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_events (at, lar_id, actor_user_id, actor_tenant_id, action, target, "
                          "details) VALUES (:at, 1, 5, 1, 'reseller.map', 'reseller:1', '{}')"), {"at": NOW})
    command.upgrade(alembic_config(url), "head")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT actor_email FROM audit_events")).scalars().all() == ["ops@l.example"]
        assert conn.execute(text("SELECT count(*) FROM password_links")).scalar() == 0
    engine.dispose()


def test_0014_names_the_reseller_tenant_of_each_recorded_action_and_lets_a_row_belong_to_no_lar(url):
    command.upgrade(alembic_config(url), "0002")
    engine = create_engine(url)
    with engine.begin() as conn:
        _fill_at_0002(conn)
        conn.execute(text("INSERT INTO tenants (id, kind, organization_name, owner_email, created_at) VALUES "
                          "(3, 'reseller', 'R', 'r@r.example', :d), (4, 'reseller', 'Q', 'q@q.example', :d)"),
                     {"d": NOW})
        conn.execute(text("UPDATE resellers SET tenant_id = 3 WHERE id = 1"))
    command.upgrade(alembic_config(url), "0013")
    with engine.begin() as conn:
        for target, actor_tenant in (("reseller:1", 1), ("reseller:99", 4), ("user@l.example", 1)):
            conn.execute(text("INSERT INTO audit_events (at, lar_id, actor_user_id, actor_tenant_id, action, target, "
                              "details, reseller_id) VALUES (:at, 1, NULL, :t, 'reseller.map', :target, '{}', :r)"),
                         {"at": NOW, "t": actor_tenant, "target": target,
                          "r": int(target[9:]) if target.startswith("reseller:") else None})
    command.upgrade(alembic_config(url), "head")
    with engine.begin() as conn:
        # The mapped entry's tenant; the reseller that acted (its entry gone); none for a LAR-only action.
        assert conn.execute(text("SELECT reseller_tenant_id FROM audit_events ORDER BY id")).scalars().all() == [
            3, 4, None]
        conn.execute(text("INSERT INTO audit_events (at, lar_id, actor_user_id, actor_tenant_id, action, target, "
                          "details, reseller_tenant_id) VALUES (:at, NULL, NULL, 3, 'user.joined', 'x', '{}', 3)"),
                     {"at": NOW})
    engine.dispose()
