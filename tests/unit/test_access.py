"""The principal, the policy and the scopes on a hand-built world of two LARs and two resellers,
one of them mapped in both LARs' directories: each audience reads its own rows and nobody
else's, whatever the role."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from data.models import (
    AuditEvent,
    CustomerAssignment,
    DirectoryEntry,
    ResellerPool,
    Role,
    Subscription,
    Tenant,
    TenantKind,
    User,
)
from services.access.policy import RULES, Action, can, require
from services.access.principal import Principal, principal_of
from services.access.scopes import LarScope, ResellerScope
from services.activity import audit
from services.common.errors import PermissionDenied
from tests.factories import World


@pytest.fixture
def world(db):
    w = World(db)
    w.lar1, w.lar2 = w.lar("North"), w.lar("South")
    w.ada = w.user("ada@north.example", w.lar1, "admin")
    w.sam = w.user("sam@south.example", w.lar2, "analyst")
    w.both = w.reseller_tenant("Both", "owner@both.example")  # mapped by North and South
    w.one = w.reseller_tenant("One", "owner@one.example")  # mapped by North, invited by South
    w.e_north_both = w.reseller(w.lar1, "Both", "owner@both.example", tenant_id=w.both)
    w.e_north_one = w.reseller(w.lar1, "One", "owner@one.example", tenant_id=w.one)
    w.e_south_both = w.reseller(w.lar2, "Both", "owner@both.example", tenant_id=w.both)
    w.e_south_one = w.reseller(w.lar2, "One", "owner@one.example", status="Invited", tenant_id=w.one)
    w.s_north, w.s_south = w.subscription(w.lar1), w.subscription(w.lar2)
    w.p = {entry: w.pool(entry, w.s_north if entry in (w.e_north_both, w.e_north_one) else w.s_south, 10)
           for entry in (w.e_north_both, w.e_north_one, w.e_south_both, w.e_south_one)}
    w.acme, w.zeta = w.customer("Acme"), w.customer("Zeta")
    w.add(CustomerAssignment(reseller_pool_id=w.p[w.e_north_both], customer_tenant_id=w.acme, quantity=2,
                             assigned_at=w.now))
    w.add(CustomerAssignment(reseller_pool_id=w.p[w.e_south_one], customer_tenant_id=w.zeta, quantity=2,
                             assigned_at=w.now))
    w.both_user = _reseller_user(w, "bo@both.example", w.both)
    w.one_user = _reseller_user(w, "on@one.example", w.one)
    return w


def _reseller_user(w: World, email: str, tenant_id: int) -> Principal:
    user = w.add(User(email=email, name="r", password_hash="", tenant_id=tenant_id, role="admin"))
    with w.db.reading() as session:
        return principal_of(session.get(User, user.id), session.get(Tenant, tenant_id))


def _ids(w: World, column, condition) -> set[int]:
    with w.db.reading() as session:
        return set(session.scalars(select(column).where(condition)).all())


def test_one_builder_makes_the_principal_from_the_rows_whatever_the_tenant(world):
    assert world.both_user.tenant_kind is TenantKind.RESELLER and world.both_user.lar_id is None
    assert world.ada == Principal(world.ada.user_id, world.lar1, TenantKind.LAR, Role.ADMIN, "ada@north.example")
    assert world.ada.lar_id == world.lar1


def test_a_lar_reads_its_own_directory_pools_subscriptions_and_users_only(world):
    north = LarScope(world.ada)
    assert _ids(world, DirectoryEntry.id, north.entries()) == {world.e_north_both, world.e_north_one}
    assert _ids(world, ResellerPool.id, north.pools()) == {world.p[world.e_north_both], world.p[world.e_north_one]}
    assert _ids(world, Subscription.id, north.subscriptions()) == {world.s_north}
    assert _ids(world, CustomerAssignment.customer_tenant_id, north.assignments()) == {world.acme}
    assert _ids(world, User.email, north.users()) == {"ada@north.example"}
    south = LarScope(world.sam)
    assert _ids(world, DirectoryEntry.id, south.entries()) == {world.e_south_both, world.e_south_one}


def test_a_reseller_reads_the_pools_every_lar_that_maps_it_gave_it_and_its_customers(world):
    both = ResellerScope(world.both_user)
    assert _ids(world, ResellerPool.id, both.pools()) == {world.p[world.e_north_both], world.p[world.e_south_both]}
    assert _ids(world, Tenant.id, both.customers()) == {world.acme}
    one = ResellerScope(world.one_user)
    # South only invited One: that pool is not One's to read yet, nor the customer assigned from it.
    assert _ids(world, ResellerPool.id, one.pools()) == {world.p[world.e_north_one]}
    assert _ids(world, Tenant.id, one.customers()) == set()


def test_a_principal_of_the_wrong_kind_gets_no_scope(world):
    with pytest.raises(PermissionDenied):
        LarScope(world.both_user)
    with pytest.raises(PermissionDenied):
        ResellerScope(world.ada)


def test_both_sides_of_a_lars_action_can_list_it(world):
    with world.db.unit_of_work() as session:
        audit.record(session, world.ada, audit.AuditAction.RESELLER_MAP, f"reseller:{world.e_north_both}",
                     now=world.now)
    event = _ids(world, AuditEvent.id, LarScope(world.ada).audit())
    assert len(event) == 1
    assert _ids(world, AuditEvent.id, ResellerScope(world.both_user).audit()) == event
    assert _ids(world, AuditEvent.id, ResellerScope(world.one_user).audit()) == set()
    assert _ids(world, AuditEvent.id, LarScope(world.sam).audit()) == set()


def test_only_lar_users_may_use_the_console_and_only_acting_roles_change_it(world):
    operator = Principal(1, world.lar1, TenantKind.LAR, Role.OPERATOR, "o@x")
    analyst = Principal(2, world.lar1, TenantKind.LAR, Role.ANALYST, "a@x")
    assert can(world.ada, Action.CONSOLE_USE) and can(analyst, Action.CONSOLE_USE)
    assert not can(world.both_user, Action.CONSOLE_USE)
    assert can(operator, Action.POOL_ADD) and not can(analyst, Action.POOL_ADD)
    assert not can(world.both_user, Action.POOL_ADD)  # an admin, of a reseller: still not the LAR's pages
    assert can(world.ada, Action.TEAM_MANAGE) and not can(operator, Action.TEAM_MANAGE)
    with pytest.raises(PermissionDenied, match=r"Your role \(analyst\) can view the console but not change it"):
        require(analyst, Action.POOL_EDIT)
    with pytest.raises(PermissionDenied, match="cannot set thresholds; ask an admin"):
        require(operator, Action.SUBSCRIPTION_THRESHOLD)
    with pytest.raises(PermissionDenied, match="large account resellers"):
        require(world.both_user, Action.DIRECTORY_READ)
    assert set(RULES) == set(Action)  # every action has its rule
