"""Map a reseller of the directory: to a tenant at its domain, or by asking a tenant elsewhere to accept."""
import json
import re

import pytest
from sqlalchemy import select

from data.models import Invitation, OutgoingEmail
from services.common.errors import DomainError, InvalidForm
from services.directory import mapping
from services.invitations.sign_up import LinkUnusable, accept_invitation
from tests.factories import two_lars
from tests.unit.reseller_reads import BASE, _audit, _reseller

# --- Map -------------------------------------------------------------------

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
