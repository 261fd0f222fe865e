"""Single invite (rules 2 and 3) and the invitation link, on SQLite and PostgreSQL."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from data.models import AuditEvent, DirectoryEntry, Invitation, OutgoingEmail, Tenant, User
from services.common.errors import DomainError, InvalidForm, NotAConsoleUser, PermissionDenied
from services.identity.sign_in import authenticate
from services.invitations.invite import (
    LAR_REFUSED,
    find_resellers,
    invitation_details,
    invite_by_email,
    invite_tenant,
    resend_invitation,
    token_hash,
)
from services.invitations.invite_results import DomainHint
from services.invitations.sign_up import LinkUnusable, accept_invitation, open_invitation, register_from_invitation
from tests.factories import two_lars

BASE = "https://console.example"


def _world(db):
    w = two_lars(db)
    w.op = w.actors["operator@first.example"]
    w.exact = w.reseller_tenant("Acme Resale", "boss@acme.example")
    w.same_domain = w.reseller_tenant("ACME  resale", "someone@acme.example")  # other owner, same org
    w.other_org = w.reseller_tenant("Acme Holdings", "ceo@acme.example")
    w.customer_owner = w.add(Tenant(kind="customer", organization_name="Cust", owner_email="it@cust.example",
                                    created_at=w.now)).id
    return w


def _link(db, email_to: str) -> str:
    with db.reading() as s:
        body = s.scalars(select(OutgoingEmail.body).where(OutgoingEmail.to == email_to)
                         .order_by(OutgoingEmail.id.desc())).first()
    return re.search(r"https://\S+", body).group(0)


def _token(link: str) -> str:
    return link.rsplit("/", 1)[1]


def test_lookup_by_owner_email_first(db):
    w = _world(db)
    result = find_resellers(db, w.op, "  Boss@ACME.example ", "Anything")
    assert [t.tenant_id for t in result.found] == [w.exact] and result.matched_by == "email"
    assert result.found[0].in_directory is False


def test_lookup_then_by_domain_and_organization_name_ignoring_case_and_spaces(db):
    w = _world(db)
    result = find_resellers(db, w.op, "new.person@acme.example", "acme Resale")
    assert {t.tenant_id for t in result.found} == {w.exact, w.same_domain}
    assert result.matched_by == "domain and organization name"
    without_name = find_resellers(db, w.op, "new.person@acme.example", "")
    assert without_name.found == []  # the name is needed
    # ... and the panel is told that resellers use the domain, without naming them.
    assert without_name.domain_hint == DomainHint(domain="acme.example", registered=True, entries=[])
    assert find_resellers(db, w.op, "new.person@other.example", "Acme Resale").found == []
    assert find_resellers(db, w.op, "someone@nowhere.example", "").domain_hint is None
    assert find_resellers(db, w.op, "new.person@acme.example", "Acme Resale").domain_hint is None


def test_a_search_without_a_name_names_this_lars_own_entries_of_the_domain(db):
    w = _world(db)
    invite_tenant(db, w.op, w.exact, "boss@acme.example", "", BASE, now=w.now)
    hint = find_resellers(db, w.op, "billing@acme.example", "").domain_hint
    assert hint.registered is True and len(hint.entries) == 1


def test_lookup_refuses_lars_customers_and_bad_addresses(db):
    w = _world(db)
    with pytest.raises(DomainError, match=LAR_REFUSED):
        find_resellers(db, w.op, "owner@second.example")  # the second LAR's owner
    with pytest.raises(DomainError, match="customer tenant"):
        find_resellers(db, w.op, "it@cust.example")
    for bad in ("", "not-an-email", "a@b", ["x@y.example"], None, "x" * 300 + "@y.example"):
        with pytest.raises(InvalidForm) as refused:
            find_resellers(db, w.op, bad)
        assert "email" in refused.value.errors
    with pytest.raises(PermissionDenied):
        find_resellers(db, w.actors["analyst@first.example"], "boss@acme.example")


def test_invite_a_found_tenant_makes_an_invited_entry_and_queues_its_email(db):
    w = _world(db)
    invited = invite_tenant(db, w.op, w.exact, "boss@acme.example", "", BASE, now=w.now)
    with db.reading() as s:
        entry = s.get(DirectoryEntry, invited.id)
        assert (entry.lar_id, entry.tenant_id, entry.status, entry.email) == (w.first, w.exact, "Invited",
                                                                             "boss@acme.example")
        invitation = s.scalars(select(Invitation).where(Invitation.reseller_id == entry.id)).one()
        mail = s.scalars(select(OutgoingEmail).where(OutgoingEmail.to == "boss@acme.example")).one()
        assert mail.status == "Queued" and mail.about == f"invitation:{invitation.id}"
        assert "First" in mail.subject and "Acme Resale" in mail.subject
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "reseller.invite")) == 1
    link = _link(db, "boss@acme.example")
    assert link.startswith(BASE + "/sign-up/")
    # Only the token's hash is stored.
    assert invitation.token == token_hash(_token(link)) and _token(link) not in invitation.token
    assert find_resellers(db, w.op, "boss@acme.example").found[0].in_directory is True
    with pytest.raises(DomainError, match="already in your directory"):
        invite_tenant(db, w.op, w.exact, "boss@acme.example", "", BASE, now=w.now)


def test_invite_refuses_lars_customers_and_unknown_tenants(db):
    w = _world(db)
    for tenant_id, email, message in (
        (w.second, "owner@second.example", LAR_REFUSED),
        (w.customer_owner, "it@cust.example", "Choose a registered reseller"),
        (999_999, "boss@acme.example", "Choose a registered reseller"),
        ("1", "boss@acme.example", "Choose a registered reseller"),
        # An id the search for this address does not find: neither invited nor revealed.
        (w.other_org, "boss@acme.example", "Choose a registered reseller"),
        (w.exact, "forge@forge.example", "Choose a registered reseller"),
    ):
        with pytest.raises(DomainError, match=message):
            invite_tenant(db, w.op, tenant_id, email, "", BASE, now=w.now)
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(DirectoryEntry)) == 0


def test_send_email_invites_an_unregistered_address_once(db):
    w = _world(db)
    invited = invite_by_email(db, w.op, "New@Fresh.example", "Fresh Co", BASE, now=w.now)
    assert invited.email == "new@fresh.example" and invited.organization_name == "Fresh Co"
    with db.reading() as s:
        entry = s.get(DirectoryEntry, invited.id)
        assert entry.tenant_id is None and entry.status == "Invited"
    with pytest.raises(DomainError, match="already in your directory"):
        invite_by_email(db, w.op, "new@fresh.example", "", BASE, now=w.now)
    assert find_resellers(db, w.op, "new@fresh.example").already_invited == "Fresh Co"
    with pytest.raises(DomainError, match="registered in Elements"):
        invite_by_email(db, w.op, "boss@acme.example", "", BASE, now=w.now)
    with pytest.raises(DomainError, match=LAR_REFUSED):
        invite_by_email(db, w.op, "owner@first.example", "", BASE, now=w.now)
    # Another LAR may invite the same address into its own directory (rule 12).
    other = w.actors["admin@second.example"]
    assert invite_by_email(db, other, "new@fresh.example", "Fresh Co", BASE, now=w.now).id != invited.id


def test_sign_up_link_registers_a_tenant_and_the_entry_becomes_unmapped(db):
    w = _world(db)
    invited = invite_by_email(db, w.op, "new@fresh.example", "Fresh Co", BASE, now=w.now)
    token = _token(_link(db, "new@fresh.example"))
    opened = open_invitation(db, token, now=w.now)
    assert (opened.lar_name, opened.email, opened.registered) == ("First", "new@fresh.example", False)
    with pytest.raises(InvalidForm) as refused:
        register_from_invitation(db, token, " ", "short", "short", BASE, now=w.now)
    assert set(refused.value.errors) == {"organization_name", "password"}
    with pytest.raises(InvalidForm) as refused:
        register_from_invitation(db, token, "Fresh Co", "long-enough-pass", "long-enough-pasS", BASE, now=w.now)
    assert set(refused.value.errors) == {"repeated"}
    with pytest.raises(InvalidForm) as refused:  # refused, never cut silently
        register_from_invitation(db, token, "F" * 201, "long-enough-pass", "long-enough-pass", BASE, now=w.now)
    assert "200 characters" in refused.value.errors["organization_name"]
    assert register_from_invitation(db, token, " Fresh Company ", "long-enough-pass", "long-enough-pass", BASE,
                                    now=w.now) == "First"
    with db.reading() as s:
        entry = s.get(DirectoryEntry, invited.id)
        assert entry.status == "Unmapped" and entry.organization_name == "Fresh Company" and entry.tenant_id is None
        tenant = s.scalars(select(Tenant).where(Tenant.owner_email == "new@fresh.example")).one()
        assert tenant.kind == "reseller" and tenant.organization_name == "Fresh Company"
        assert s.scalars(select(User).where(User.email == "new@fresh.example")).one().tenant_id == tenant.id
    with pytest.raises(LinkUnusable, match="already been used"):
        register_from_invitation(db, token, "Again", "long-enough-pass", "long-enough-pass", BASE, now=w.now)
    with pytest.raises(LinkUnusable, match="already been used"):
        open_invitation(db, token, now=w.now)
    # The reseller's owner signs in to a page of its own, never the LAR's console.
    with pytest.raises(NotAConsoleUser):
        authenticate(db, "new@fresh.example", "long-enough-pass", now=w.now)


def test_a_registered_tenant_accepts_and_the_entry_becomes_mapped(db):
    w = _world(db)
    invited = invite_tenant(db, w.op, w.same_domain, "new.person@acme.example", "acme resale", BASE, now=w.now)
    token = _token(_link(db, "someone@acme.example"))
    assert open_invitation(db, token, now=w.now).registered is True
    with pytest.raises(LinkUnusable, match="accept the invitation instead"):
        register_from_invitation(db, token, "X", "long-enough-pass", "long-enough-pass", BASE, now=w.now)
    assert accept_invitation(db, token, BASE, now=w.now) == "First"
    with db.reading() as s:
        entry = s.get(DirectoryEntry, invited.id)
        assert entry.status == "Mapped" and entry.mapped_at is not None and entry.tenant_id == w.same_domain
    with pytest.raises(LinkUnusable):
        accept_invitation(db, token, BASE, now=w.now)


def test_expired_unknown_and_replaced_links_change_nothing(db):
    w = _world(db)
    invited = invite_by_email(db, w.op, "new@fresh.example", "Fresh Co", BASE, now=w.now)
    token = _token(_link(db, "new@fresh.example"))
    with pytest.raises(LinkUnusable, match="expired"):
        open_invitation(db, token, now=w.now + timedelta(days=15))
    for bad in ("x" * 43, "short", "", None, ["a"]):
        with pytest.raises(LinkUnusable, match="not valid"):
            open_invitation(db, bad, now=w.now)
    resend_invitation(db, w.op, invited.id, BASE, now=w.now)
    fresh = _token(_link(db, "new@fresh.example"))
    assert fresh != token
    with pytest.raises(LinkUnusable, match="expired"):
        open_invitation(db, token, now=w.now)  # the older link stopped working
    assert open_invitation(db, fresh, now=w.now).email == "new@fresh.example"
    details = invitation_details(db, w.op, invited.id, now=w.now)
    assert [d["status"] for d in details] == ["Sent", "Expired"]
    assert [d["delivery"] for d in details] == ["Queued", "Queued"]
    with db.reading() as s:
        assert s.get(DirectoryEntry, invited.id).status == "Invited"


def test_resend_is_only_for_invited_entries_of_ones_own_lar(db):
    w = _world(db)
    mapped = w.reseller(w.first, "Mapped One", "m@m.example")
    with pytest.raises(DomainError, match="no invitation to resend"):
        resend_invitation(db, w.op, mapped, BASE, now=w.now)
    theirs = w.reseller(w.second, "Theirs", "t@t.example", status="Invited")
    with pytest.raises(DomainError, match="not found"):
        resend_invitation(db, w.op, theirs, BASE, now=w.now)
    with pytest.raises(DomainError, match="not found"):
        invitation_details(db, w.op, theirs, now=w.now)


REFUSED_NAMES = [
    ("Acme\nLtd", "a line break"), ("Acme\r\nLtd", "a line break"), ("Acme\rLtd", "a line break"),
    ("Acme\u2028Ltd", "a line break"), ("Acme\x85Ltd", "a line break"), ("Acme\x0bLtd", "a line break"),
    ("Acme\tLtd", "a tab"), ("Acme\x00", "a control character"), ("Acme\x1b[31m", "a control character"),
    ("Acme\x7f", "a control character"), ("Acme\u202eLtd", "a text-direction control"),
    ("Acme\u2066Ltd", "a text-direction control"), ("Acme\ud800", "a character that is not text"),
]
KEPT_NAMES = ["Café Zürich GmbH", "شركة المثال",
              "می\u200cخواهم Co",  # noqa: RUF001 - Persian on purpose (ruff sees Latin look-alikes in it)
              "Family \U0001F468\u200d\U0001F469 Ltd", "O'Brien & Sons (UK) – Ltd."]


@pytest.mark.parametrize("name,what", REFUSED_NAMES)
def test_a_name_with_a_line_break_or_control_character_is_refused_with_a_field_message(db, name, what):
    """Outside security test (issue 19 finding 5): such a name made every invitation email
    undeliverable (a header cannot hold it) while the panel said it was on its way."""
    w = _world(db)
    for call in (lambda: find_resellers(db, w.op, "new@fresh.example", name),
                 lambda: invite_by_email(db, w.op, "new@fresh.example", name, BASE, now=w.now),
                 lambda: invite_tenant(db, w.op, w.exact, "new.person@acme.example", name, BASE, now=w.now)):
        with pytest.raises(InvalidForm) as refused:
            call()
        assert refused.value.errors == {"organization_name": f"The organization name cannot contain {what}."}
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(DirectoryEntry)) == 0
        assert s.scalar(select(func.count()).select_from(OutgoingEmail)) == 0


@pytest.mark.parametrize("name", KEPT_NAMES)
def test_names_in_any_script_are_kept_as_typed(db, name):
    w = _world(db)
    invited = invite_by_email(db, w.op, "new@fresh.example", f"  {name} ", BASE, now=w.now)
    assert invited.organization_name == name
    token = _token(_link(db, "new@fresh.example"))
    register_from_invitation(db, token, name, "long-enough-pass", "long-enough-pass", BASE, now=w.now)
    with db.reading() as s:
        assert s.get(DirectoryEntry, invited.id).organization_name == name


def test_single_invite_refuses_a_name_too_long_instead_of_cutting_it(db):
    w = _world(db)
    with pytest.raises(InvalidForm) as refused:
        invite_by_email(db, w.op, "new@fresh.example", "F" * 201, BASE, now=w.now)
    assert refused.value.errors == {"organization_name": "Use at most 200 characters for the organization name."}


@pytest.mark.parametrize("name,what", REFUSED_NAMES)
def test_sign_up_refuses_a_name_with_a_line_break_or_control_character(db, name, what):
    w = _world(db)
    invite_by_email(db, w.op, "new@fresh.example", "Fresh Co", BASE, now=w.now)
    token = _token(_link(db, "new@fresh.example"))
    with pytest.raises(InvalidForm) as refused:
        register_from_invitation(db, token, name, "long-enough-pass", "long-enough-pass", BASE, now=w.now)
    assert refused.value.errors == {"organization_name": f"The organization name cannot contain {what}."}
    assert open_invitation(db, token, now=w.now).email == "new@fresh.example"  # the link still works
