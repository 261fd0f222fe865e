"""Activity names a reseller as it was when each event happened (both databases): a sign-up or
a Map renames the entry later, and the old events must still read, and be found, by the old name."""
from __future__ import annotations

import re

from sqlalchemy import select

from data.models import OutgoingEmail
from services.activity import list_activity
from services.grid_query import GridQuery
from services.invitations import invite_by_email
from services.resellers import map_reseller
from services.sign_up import register_from_invitation
from tests.factories import two_lars


def _token_sent_to(db, email: str) -> str:
    with db.reading() as s:
        body = s.scalars(select(OutgoingEmail.body).where(OutgoingEmail.to == email)).first()
    return re.search(r"/sign-up/(\S+)", body).group(1)


def _resellers(db, actor, search: str = "") -> list[tuple[str, str]]:
    return [(r["action"], r["reseller"]) for r in list_activity(db, actor, GridQuery(search=search)).rows]


def test_an_invite_reads_the_name_it_was_sent_to_after_the_reseller_signs_up_as_another(db):
    w = two_lars(db)
    operator, analyst = w.actors["operator@first.example"], w.actors["analyst@first.example"]
    invite_by_email(db, operator, "new@two.example", "Batch New Two", "https://console.test", now=w.now)
    register_from_invitation(db, _token_sent_to(db, "new@two.example"), "🚀 Batch Two Ltd", "long-enough-pass",
                             "long-enough-pass", now=w.now)
    assert ("Invite", "Batch New Two (now 🚀 Batch Two Ltd)") in _resellers(db, analyst)
    assert _resellers(db, analyst, "batch new") == _resellers(db, analyst, "two ltd") != []


def test_a_map_reads_the_entrys_name_before_it_took_the_tenants(db):
    w = two_lars(db)
    operator, analyst = w.actors["operator@first.example"], w.actors["analyst@first.example"]
    entry = w.reseller(w.first, "Iron Networks", "ops@iron.example", status="Unmapped")
    tenant = w.reseller_tenant("Pioneer Solutions", "ops@iron.example")
    map_reseller(db, operator, entry, tenant, now=w.now)
    [row] = list_activity(db, analyst, GridQuery(search="iron")).rows
    assert (row["action"], row["reseller"]) == ("Map", "Iron Networks (now Pioneer Solutions)")
    assert "Organization name: Iron Networks → Pioneer Solutions" in row["change"]
    assert list_activity(db, analyst, GridQuery(search="pioneer")).total == 1
