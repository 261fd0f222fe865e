import json
import re

import pytest
from sqlalchemy import select

from data.models import (
    AllocationEvent,
    AuditEvent,
    DirectoryEntry,
    Invitation,
    OutgoingEmail,
    ResellerPool,
    Subscription,
)
from services.common.errors import DomainError, InvalidForm, NotFound, PermissionDenied, ResellersInUse
from services.directory import entries, mapping
from services.invitations.sign_up import LinkUnusable, accept_invitation
from tests.factories import two_lars


def _audit(db, action):
    with db.reading() as s:
        return s.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _reseller(db, rid):
    with db.reading() as s:
        return s.get(DirectoryEntry, rid)


# --- Map -------------------------------------------------------------------

BASE = "https://console.test"


def test_map_an_unmapped_reseller_to_a_tenant_at_its_domain(db):
    w = two_lars(db)
    rid = w.reseller(w.first, "Legacy Name", "old@real.example", status="Unmapped")
    tid = w.reseller_tenant("Real Reseller", "owner@real.example")
    op = w.actors["operator@first.example"]
    choices = mapping.mapping_choices(db, op, rid)
    assert [(t["id"], t["near"]) for t in choices.tenants] == [(tid, True)]
    done = mapping.map_reseller(db, op, rid, tid, "owner@real.example", BASE, now=w.now)
    assert (done.mapped, done.invited) == (True, None)
    r = _reseller(db, rid)
    assert (r.status, r.tenant_id, r.email, r.organization_name) == ("Mapped", tid, "owner@real.example",
                                                                      "Real Reseller")
    assert r.mapped_at == w.now
    [event] = _audit(db, "reseller.map")
    assert event.actor_user_id == op.user_id and event.target == f"reseller:{rid}"


def test_map_never_offers_a_list_of_every_registered_reseller(db):
    """Issue 20: the list showed every registered reseller's owner, other LARs' resellers too."""
    w = two_lars(db)
    rid = w.reseller(w.first, "Iron", "alex@iron.example", status="Unmapped")
    w.reseller_tenant("Aardvark Resale", "a@aardvark.example")  # elsewhere: never listed
    same_domain = w.reseller_tenant("Iron Resale", "zed@iron.example")
    choices = mapping.mapping_choices(db, w.actors["operator@first.example"], rid)
    assert [t["id"] for t in choices.tenants] == [same_domain]
    assert choices.reseller.email == "alex@iron.example"


def test_another_tenant_is_found_only_by_its_owners_full_address_and_asked_to_accept(db):
    w = two_lars(db)
    op = w.actors["operator@first.example"]
    rid = w.reseller(w.first, "Iron Networks", "alex@iron.example", status="Unmapped")
    far = w.reseller_tenant("Pioneer Solutions", "ops@pioneer.example")
    with pytest.raises(InvalidForm):
        mapping.find_tenants_owned_by(db, op, rid, "pioneer.example")
    assert mapping.find_tenants_owned_by(db, op, rid, "ops@pioneer.example.com") == []  # a near miss finds nothing
    [found] = mapping.find_tenants_owned_by(db, op, rid, " OPS@pioneer.example ")
    assert (found["id"], found["near"]) == (far, False)
    with pytest.raises(DomainError, match="Choose a registered reseller"):  # an id alone maps nobody
        mapping.map_reseller(db, op, rid, far, "someone@else.example", BASE, now=w.now)
    done = mapping.map_reseller(db, op, rid, far, "ops@pioneer.example", BASE, now=w.now)
    assert (done.mapped, done.invited) == (False, "ops@pioneer.example")
    r = _reseller(db, rid)
    assert (r.status, r.tenant_id, r.organization_name) == ("Unmapped", None, "Iron Networks")  # until it accepts
    with db.reading() as s:
        invitation = s.scalars(select(Invitation).where(Invitation.reseller_id == rid)).one()
        body = s.scalars(select(OutgoingEmail.body).where(OutgoingEmail.to == "ops@pioneer.example")).one()
    assert (invitation.tenant_id, invitation.email, invitation.organization_name) == (
        far, "ops@pioneer.example", "Pioneer Solutions")
    assert "accept the invitation" in body
    [event] = _audit(db, "reseller.map_requested")
    assert json.loads(event.details)["tenant_owner"] == "ops@pioneer.example"
    # The tenant accepts: the entry becomes the tenant's, Mapped.
    token = re.search(r"/sign-up/(\S+)", body).group(1)
    assert accept_invitation(db, token, BASE, now=w.now) == "First"
    r = _reseller(db, rid)
    assert (r.status, r.tenant_id, r.email, r.organization_name) == ("Mapped", far, "ops@pioneer.example",
                                                                   "Pioneer Solutions")


def test_a_second_request_to_accept_replaces_the_first(db):
    w = two_lars(db)
    op = w.actors["operator@first.example"]
    rid = w.reseller(w.first, "Iron Networks", "alex@iron.example", status="Unmapped")
    first = w.reseller_tenant("Pioneer Solutions", "ops@pioneer.example")
    second = w.reseller_tenant("Granite Partners", "ops@granite.example")
    mapping.map_reseller(db, op, rid, first, "ops@pioneer.example", BASE, now=w.now)
    mapping.map_reseller(db, op, rid, second, "ops@granite.example", BASE, now=w.now)
    with db.reading() as s:
        body = s.scalars(select(OutgoingEmail.body).where(OutgoingEmail.to == "ops@pioneer.example")).one()
    with pytest.raises(LinkUnusable, match="expired"):
        accept_invitation(db, re.search(r"/sign-up/(\S+)", body).group(1), BASE, now=w.now)
    assert _reseller(db, rid).status == "Unmapped"


@pytest.mark.parametrize("status", ["Mapped", "Invited"])
def test_only_unmapped_resellers_can_be_mapped(db, status):
    w = two_lars(db)
    rid = w.reseller(w.first, "Taken", "t@real.example", status=status)
    tid = w.reseller_tenant("Real", "owner@real.example")
    op = w.actors["operator@first.example"]
    with pytest.raises(DomainError, match="only Unmapped"):
        mapping.mapping_choices(db, op, rid)
    with pytest.raises(DomainError, match="only Unmapped"):
        mapping.map_reseller(db, op, rid, tid, "owner@real.example", BASE, now=w.now)
    assert _reseller(db, rid).status == status


def test_a_tenant_already_mapped_in_this_directory_is_refused(db):
    w = two_lars(db)
    tid = w.reseller_tenant("Real", "owner@real.example")
    w.reseller(w.first, "Real", "owner@real.example", tenant_id=tid)
    rid = w.reseller(w.first, "Dup", "dup@real.example", status="Unmapped")
    op = w.actors["operator@first.example"]
    assert mapping.mapping_choices(db, op, rid).tenants == []
    assert mapping.find_tenants_owned_by(db, op, rid, "owner@real.example") == []
    with pytest.raises(DomainError, match="already mapped"):
        mapping.map_reseller(db, op, rid, tid, "owner@real.example", BASE, now=w.now)
    assert _reseller(db, rid).status == "Unmapped"


def test_the_same_tenant_may_sit_in_another_lars_directory(db):
    w = two_lars(db)
    tid = w.reseller_tenant("Shared", "owner@shared.example")
    w.reseller(w.second, "Shared", "owner@shared.example", tenant_id=tid)
    rid = w.reseller(w.first, "Shared?", "x@shared.example", status="Unmapped")
    mapping.map_reseller(db, w.actors["operator@first.example"], rid, tid, "owner@shared.example", BASE, now=w.now)
    assert _reseller(db, rid).tenant_id == tid


def test_map_refuses_customers_lars_and_garbage(db):
    w = two_lars(db)
    rid = w.reseller(w.first, "U", "u@x.example", status="Unmapped")
    op = w.actors["operator@first.example"]
    for bad in (w.customer("Cust"), w.second, "1; DROP TABLE", None, 99999):
        with pytest.raises(DomainError):
            mapping.map_reseller(db, op, rid, bad, "it@cust.example", BASE, now=w.now)
    assert _reseller(db, rid).status == "Unmapped"


@pytest.mark.parametrize("tenant", ["9223372036854775808", 2**63, "2147483648", 2**31, " 12 ", "१२"])
def test_map_to_a_tenant_id_no_row_can_have_is_refused(db, tenant):
    """Issue 19: ids past int64 (SQLite) or int4 (PostgreSQL) went to SQL and failed there."""
    w = two_lars(db)
    rid = w.reseller(w.first, "U", "u@x.example", status="Unmapped")
    with pytest.raises(DomainError, match=r"Choose a registered reseller tenant to map to\."):
        mapping.map_reseller(db, w.actors["operator@first.example"], rid, tenant, "u@x.example", BASE, now=w.now)
    assert _reseller(db, rid).status == "Unmapped"


# --- Authorisation -----------------------------------------------------------

def test_analyst_cannot_act(db):
    w = two_lars(db)
    rid = w.reseller(w.first, "U", "u@x.example", status="Unmapped")
    tid = w.reseller_tenant("Real", "owner@real.example")
    analyst = w.actors["analyst@first.example"]
    with pytest.raises(PermissionDenied):
        mapping.map_reseller(db, analyst, rid, tid, "owner@real.example", BASE, now=w.now)
    with pytest.raises(PermissionDenied):
        entries.set_customer_visibility(db, analyst, rid, visible=False, now=w.now)
    with pytest.raises(PermissionDenied):
        entries.delete_resellers(db, analyst, [rid], "Yes", now=w.now)
    assert _reseller(db, rid) is not None and _reseller(db, rid).customer_visibility


def test_another_lars_reseller_is_not_found(db):
    w = two_lars(db)
    rid = w.reseller(w.second, "Theirs", "t@theirs.example", status="Unmapped")
    tid = w.reseller_tenant("Real", "owner@real.example")
    mine = w.actors["admin@first.example"]
    for call in (
        lambda: entries.get_reseller(db, mine, rid),
        lambda: mapping.mapping_choices(db, mine, rid),
        lambda: mapping.map_reseller(db, mine, rid, tid, "owner@real.example", BASE, now=w.now),
        lambda: entries.set_customer_visibility(db, mine, rid, visible=False, now=w.now),
        lambda: entries.delete_resellers(db, mine, [rid], "Yes", now=w.now),
    ):
        with pytest.raises(NotFound) as refused:
            call()
        assert "Theirs" not in refused.value.message
    r = _reseller(db, rid)
    assert (r.status, r.customer_visibility) == ("Unmapped", True)


# --- Customer visibility ---------------------------------------------------

def test_visibility_turns_off_once_and_never_back_on(db):
    w = two_lars(db)
    rid = w.reseller(w.first, "Alpha", "a@alpha.example")
    op = w.actors["operator@first.example"]
    with pytest.raises(DomainError, match="Only the reseller"):
        entries.set_customer_visibility(db, op, rid, visible=True, now=w.now)
    entries.set_customer_visibility(db, op, rid, visible=False, now=w.now)
    assert _reseller(db, rid).customer_visibility is False
    with pytest.raises(DomainError, match="already off"):
        entries.set_customer_visibility(db, op, rid, visible=False, now=w.now)
    with pytest.raises(DomainError, match="Only the reseller"):
        entries.set_customer_visibility(db, w.actors["admin@first.example"], rid, visible=True, now=w.now)
    assert _reseller(db, rid).customer_visibility is False
    assert len(_audit(db, "reseller.visibility_off")) == 1


# --- Delete ----------------------------------------------------------------

def test_delete_needs_the_word_yes_in_any_letter_case(db):
    w = two_lars(db)
    rid = w.reseller(w.first, "Alpha", "a@alpha.example")
    beta = w.reseller(w.first, "Beta", "b@beta.example")
    op = w.actors["operator@first.example"]
    for typed in ("", "Y", "No", "yess", None, ["Yes"], {"Yes": 1}):
        with pytest.raises(DomainError, match="Type Yes"):
            entries.delete_resellers(db, op, [rid], typed, now=w.now)
    assert _reseller(db, rid) is not None
    assert entries.delete_resellers(db, op, [beta], " yES ", now=w.now) == ["Beta"]  # rule 9: any letter case
    assert entries.delete_resellers(db, op, [rid], "Yes", now=w.now) == ["Alpha"]
    assert _reseller(db, rid) is None
    events = _audit(db, "reseller.delete")
    assert [json.loads(e.details)["organization_name"] for e in events] == ["Beta", "Alpha"]


def test_resellers_with_active_pools_are_never_deleted(db):
    w = two_lars(db)
    sub = w.subscription(w.first, purchased=100)
    busy = w.reseller(w.first, "Busy", "b@busy.example")
    w.pool(busy, sub, 40)
    op = w.actors["operator@first.example"]
    with pytest.raises(ResellersInUse) as refused:
        entries.delete_resellers(db, op, [busy], "Yes", delete_the_rest=True, now=w.now)
    assert "Busy" in refused.value.message and "active pooled subscriptions" in refused.value.message
    assert refused.value.deletable_count == 0
    assert _reseller(db, busy) is not None


def test_mixed_selection_deletes_nothing_until_the_rest_is_confirmed(db):
    w = two_lars(db)
    sub = w.subscription(w.first, purchased=100)
    busy = w.reseller(w.first, "Busy", "b@busy.example")
    w.pool(busy, sub, 40)
    idle = w.reseller(w.first, "Idle", "i@idle.example")
    pending = w.reseller(w.first, "Pending", "p@pending.example")
    pending_pool = w.pool(pending, sub, 25, status="Pending acceptance")
    op = w.actors["operator@first.example"]
    # Said before the user confirms: Busy is refused, two could go, one pending pool goes back.
    preview = entries.deletion_preview(db, op, [busy, idle, pending], now=w.now)
    assert (preview.blocked, preview.deletable, preview.pending) == (["Busy"], 2, 1)
    assert preview.names == ["Busy", "Idle", "Pending"]  # as stored, whatever the browser called them
    assert entries.deletion_preview(db, op, [idle], now=w.now) == entries.DeletionPreview(["Idle"], [], 1, 0)
    # Another LAR's entry names nothing: the dialog cannot be made to show its name.
    foreign = w.reseller(w.second, "Foreign", "f@foreign.example")
    assert entries.deletion_preview(db, op, [foreign], now=w.now).names == []
    with pytest.raises(ResellersInUse) as refused:
        entries.delete_resellers(db, op, [busy, idle, pending], "Yes", now=w.now)
    assert refused.value.blocked == ["Busy"] and refused.value.deletable_count == 2
    assert all(_reseller(db, r) is not None for r in (busy, idle, pending))
    deleted = entries.delete_resellers(db, op, [busy, idle, pending], "Yes", delete_the_rest=True, now=w.now)
    assert sorted(deleted) == ["Idle", "Pending"]
    assert _reseller(db, busy) is not None and _reseller(db, idle) is None and _reseller(db, pending) is None
    with db.reading() as s:
        # The pending pool's 25 seats went back to the Subscription, and the ledger says so.
        assert s.get(Subscription, sub).allocated_quantity == 40
        assert s.get(ResellerPool, pending_pool) is None
        deltas = s.scalars(select(AllocationEvent.purchased_delta)
                           .where(AllocationEvent.reseller_pool_id == pending_pool)).all()
        assert sorted(deltas) == [-25, 25]


def test_an_expired_active_pool_does_not_block_deletion(db):
    w = two_lars(db)
    sub = w.subscription(w.first, purchased=100, expires_in_days=-2)
    rid = w.reseller(w.first, "Lapsed", "l@lapsed.example")
    w.pool(rid, sub, 10)
    assert entries.delete_resellers(db, w.actors["operator@first.example"], [rid], "Yes", now=w.now) == ["Lapsed"]


def test_delete_refuses_a_selection_with_a_foreign_or_bogus_id_whole(db):
    w = two_lars(db)
    mine = w.reseller(w.first, "Mine", "m@mine.example")
    theirs = w.reseller(w.second, "Theirs", "t@theirs.example")
    op = w.actors["operator@first.example"]
    for selection in ([mine, theirs], [mine, "abc"], [mine, 10**9]):
        with pytest.raises(NotFound):
            entries.delete_resellers(db, op, selection, "Yes", now=w.now)
    assert _reseller(db, mine) is not None and _reseller(db, theirs) is not None
    with pytest.raises(DomainError, match="Select at least one"):
        entries.delete_resellers(db, op, [], "Yes", now=w.now)
    with pytest.raises(DomainError, match=r"^Select at most 1,000 resellers at a time\.$"):
        entries.delete_resellers(db, op, list(range(1, 1002)), "Yes", now=w.now)
