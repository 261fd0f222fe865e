"""Reseller actions besides Map: who may act on which reseller, customer visibility, and Delete."""
import json

import pytest
from sqlalchemy import select

from data.models import AllocationEvent, ResellerPool, Subscription
from services.common.errors import DomainError, NotFound, PermissionDenied, ResellersInUse
from services.directory import entries, mapping
from tests.factories import two_lars
from tests.unit.reseller_reads import BASE, _audit, _reseller

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
