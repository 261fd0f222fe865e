"""The alert schedule with a fixed clock: each alert once, on the right day, to the right
people; the weekly digest's content; Activity's rows and filters (both databases)."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from data.models import OutgoingEmail, Subscription
from services.activity.feed import activity_filter_options, describe_change, list_activity
from services.common.errors import DomainError
from services.common.grid_query import GridQuery
from services.identity.preferences import receives_alerts, set_receives_alerts
from services.notify.alerts import due_stage, send_due_alerts
from services.pools.listing import return_to_pool_across
from services.subscriptions.listing import set_threshold
from tests.factories import two_lars

MONDAY = datetime(2026, 11, 30, 8, 0)  # ISO week 49
pytestmark = pytest.mark.clock(MONDAY)


def _emails(db, since_id: int = 0) -> list[OutgoingEmail]:
    with db.reading() as s:
        return s.scalars(select(OutgoingEmail).where(OutgoingEmail.id > since_id).order_by(OutgoingEmail.id)).all()


def _last_id(db) -> int:
    emails = _emails(db)
    return emails[-1].id if emails else 0


def _world(db, now=MONDAY):
    w = two_lars(db)
    w.alpha = w.reseller(w.first, "Alpha", "a@alpha.example")
    w.seats = w.subscription(w.first, purchased=1000)  # a year left
    w.pool_id = w.pool(w.alpha, w.seats, 100, expires_at=now + timedelta(days=40))
    return w


@pytest.mark.parametrize("days, stage", [(40, None), (30, 30), (29.5, 30), (7, 7), (6, 7), (1, 1), (0.2, 1), (0, None),
                                         (-1, None)])
def test_the_tightest_due_stage(days, stage):
    assert due_stage(MONDAY + timedelta(days=days), MONDAY) == stage


def test_expiry_reminders_go_once_at_30_7_and_1_days_and_again_after_an_extension(db):
    w = _world(db)
    first = send_due_alerts(db, now=MONDAY)  # 40 days left: only the digests (each LAR's admin)
    assert first["alerts"] == 0 and first["digests"] == 2
    sent = {}
    for day in range(1, 45):
        at = MONDAY + timedelta(days=day, hours=1)
        before = _last_id(db)
        send_due_alerts(db, now=at)
        send_due_alerts(db, now=at)  # a second run on the same day sends nothing more
        for email in _emails(db, before):
            if "alerts" in email.subject:
                sent.setdefault(day, []).append(email)
    # Expires on day 40 at 08:00; a run at 09:00 sees 30, 7 and under 1 day left on days 10, 33, 39.
    assert sorted(sent) == [10, 33, 39]
    for day in (10, 33, 39):
        assert [e.to for e in sent[day]] == ["admin@first.example"]
        assert "Alpha: M365 Backup (100 user seats, Active) expires" in sent[day][0].body
    assert "in 30 days" in sent[10][0].body and "tomorrow" in sent[39][0].body  # calendar days
    # Extended: the new date is reminded again.
    from data.models import ResellerPool
    with db.unit_of_work(now=MONDAY + timedelta(days=51)) as s:  # a pool write says when (stored figures)
        s.get(ResellerPool, w.pool_id).expires_at = MONDAY + timedelta(days=80)
    assert send_due_alerts(db, now=MONDAY + timedelta(days=51))["alerts"] == 1


def test_a_subscription_expiring_is_reminded_too(db):
    w = _world(db)
    sub = w.subscription(w.first, purchased=10, expires_in_days=7)
    done = send_due_alerts(db, now=MONDAY + timedelta(hours=1))
    assert done["alerts"] == 1
    body = next(e.body for e in _emails(db) if "alerts" in e.subject)
    assert "Your subscription M365 Backup (10 user seats) expires" in body and sub


def test_low_availability_alerts_once_and_again_after_recovering(db):
    w = _world(db)
    admin = w.actors["admin@first.example"]
    set_threshold(db, admin, w.seats, "count", 950, now=w.now)  # 900 free: low
    assert send_due_alerts(db, now=MONDAY)["alerts"] == 1
    assert send_due_alerts(db, now=MONDAY + timedelta(hours=1))["alerts"] == 0
    body = next(e.body for e in _emails(db) if "alerts" in e.subject)
    assert "M365 Backup: 900 user seats free of 1,000 user seats (under 950 user seats free is the threshold)" in body
    set_threshold(db, admin, w.seats, "count", 800, now=w.now)  # recovered
    assert send_due_alerts(db, now=MONDAY + timedelta(hours=2))["alerts"] == 0
    set_threshold(db, admin, w.seats, "percent", 95, now=w.now)  # 90 % free: low again
    assert send_due_alerts(db, now=MONDAY + timedelta(hours=3))["alerts"] == 1


def test_alerts_and_the_digest_go_to_admins_and_to_users_who_opt_in(db):
    w = _world(db)
    operator, analyst = w.actors["operator@first.example"], w.actors["analyst@first.example"]
    with pytest.raises(DomainError):
        set_receives_alerts(db, w.actors["admin@first.example"], False)
    assert receives_alerts(db, w.actors["admin@first.example"]) and not receives_alerts(db, operator)
    set_receives_alerts(db, operator, True)
    set_receives_alerts(db, analyst, True)
    set_receives_alerts(db, analyst, False)
    send_due_alerts(db, now=MONDAY)
    digests = [e for e in _emails(db) if "digest" in e.subject]
    assert sorted(e.to for e in digests) == ["admin@first.example", "admin@second.example", "operator@first.example"]
    assert all(e.subject == "Reseller Console weekly digest, week of 2026-11-30" for e in digests)
    # The same week: no second digest; the next Monday: one each.
    assert send_due_alerts(db, now=MONDAY + timedelta(days=6))["digests"] == 0
    assert send_due_alerts(db, now=MONDAY + timedelta(days=7))["digests"] == 3
    # The other LAR's admin gets its own digest, about its own resellers only.
    other = next(e.body for e in digests if e.to == "admin@second.example")
    assert "Expiring in 90 days: nothing" in other and "Alpha" not in other


def test_the_digest_says_what_the_renewals_cards_say(db):
    w = _world(db)
    w.pool(w.alpha, w.seats, 25, status="Pending acceptance", created_at=MONDAY - timedelta(days=9))
    w.pool(w.alpha, w.seats, 5, expires_at=MONDAY + timedelta(days=3))
    set_threshold(db, w.actors["admin@first.example"], w.seats, "percent", 90, now=w.now)  # 870 free of 1,000: low
    send_due_alerts(db, now=MONDAY, base_url="https://console.example")
    digest = next(e for e in _emails(db) if e.to == "admin@first.example" and "digest" in e.subject).body
    assert "Expiring in 7 days: 5 user seats" in digest
    assert "Expiring in 30 days: 5 user seats" in digest
    assert "Expiring in 90 days: 105 user seats" in digest
    assert "Pending acceptance: 25 user seats (oldest waiting 9 days)" in digest
    assert "Subscriptions below their availability threshold: 1\n  - M365 Backup" in digest
    assert "Alpha: M365 Backup (5 user seats, Active) expires 2026-12-03, in 3 days." in digest
    # Issue 20: the emails link to the views filtered to what they list.
    assert "Open them: https://console.example/subscriptions?subs_status=Low" in digest
    assert "Every renewal of the next 30 days: https://console.example/renewals?ren_window=30" in digest
    alerts = next(e for e in _emails(db) if e.to == "admin@first.example" and "alerts" in e.subject).body
    assert alerts.count("Open them: https://console.example/subscriptions?subs_status=Low") == 1
    assert alerts.count("Open them: https://console.example/renewals?ren_window=30") == 1


def test_activity_lists_this_lars_actions_with_what_changed(db):
    w = _world(db)
    pending = w.pool(w.alpha, w.seats, 25, status="Pending acceptance")
    admin, operator = w.actors["admin@first.example"], w.actors["operator@first.example"]
    set_threshold(db, admin, w.seats, "count", 10, now=w.now)
    return_to_pool_across(db, operator, [pending], now=w.now)
    page = list_activity(db, w.actors["analyst@first.example"], GridQuery())
    assert [(r["user"], r["action"]) for r in page.rows] == [("operator@first.example", "Return to pool"),
                                                             ("admin@first.example", "Set threshold")]
    returned, threshold = page.rows
    assert returned["reseller"] == "Alpha" and returned["target"] == "Pool M365 Backup"
    assert returned["change"] == "Quantity: 25 user seats"
    assert threshold["change"] == "Threshold: Not set → 10 user seats"
    assert threshold["target"] == "Subscription M365 Backup"
    by_user = list_activity(db, admin, GridQuery(filters={"user": (str(admin.user_id),)}))
    assert [r["action"] for r in by_user.rows] == ["Set threshold"] and by_user.of == 2
    assert list_activity(db, admin, GridQuery(filters={"action": ("pool.return",)})).total == 1
    assert list_activity(db, admin, GridQuery(filters={"reseller": (str(w.alpha),)})).total == 1
    assert list_activity(db, admin, GridQuery(search="alph")).total == 1
    today = w.now.date()
    today_only = GridQuery(filters={"from": (today.isoformat(),), "to": (today.isoformat(),)})
    assert list_activity(db, admin, today_only).total == 2
    assert list_activity(db, admin, GridQuery(filters={"to": ((today - timedelta(days=1)).isoformat(),)})).total == 0
    assert list_activity(db, admin, GridQuery(filters={"from": ("not a date",)})).total == 2
    assert list_activity(db, w.actors["admin@second.example"], GridQuery()).total == 0
    users = dict((key, options) for key, _, options in activity_filter_options(db, admin))["user"]
    assert {o["label"] for o in users} == {"admin@first.example", "operator@first.example", "analyst@first.example"}


def test_what_changed_reads_before_and_after():
    assert describe_change({"before": {"quantity": 100, "expires_at": "2027-01-01 00:00:00"},
                            "after": {"quantity": 150, "expires_at": None}}) == \
        "Expires at: 2027-01-01 → Same as pooled subscription; Quantity: 100 → 150"
    assert describe_change({"email": "x@y.example", "reseller_id": 4}) == "Email: x@y.example"


def test_the_subscription_thresholds_survive_as_the_check_allows(db):
    w = _world(db)
    with pytest.raises(IntegrityError), db.unit_of_work() as s:
        s.get(Subscription, w.seats).low_threshold_kind = "percent"
        s.get(Subscription, w.seats).low_threshold = 150  # the CHECK constraint refuses it


def test_a_deleted_resellers_history_stays_findable_and_odd_dates_are_no_error(db):
    from services.activity.feed import reseller_names
    from services.directory.entries import delete_resellers, set_customer_visibility
    w = _world(db)
    gone = w.reseller(w.first, "Juniper Networks", "j@juniper.example", status="Invited")
    admin, operator = w.actors["admin@first.example"], w.actors["operator@first.example"]
    set_customer_visibility(db, operator, gone, False, now=w.now)
    delete_resellers(db, operator, [gone], "yes", now=w.now)
    rows = list_activity(db, admin, GridQuery(search="juniper")).rows
    assert [(r["action"], r["reseller"], r["reseller_id"]) for r in rows] == [
        ("Delete reseller", "Juniper Networks", None), ("Visibility off", "Juniper Networks", None)]
    assert list_activity(db, admin, GridQuery(filters={"reseller": (str(gone),)})).total == 2
    assert reseller_names(db, admin, [str(gone)]) == {str(gone): "Juniper Networks"}
    assert reseller_names(db, w.actors["admin@second.example"], [str(gone)]) == {}
    for filters in ({"to": ("9999-12-31",)}, {"from": ("9999-12-31",)}, {"from": ("0001-01-01",)}):
        list_activity(db, admin, GridQuery(filters=filters))  # no error
    today = w.now.date()
    swapped = {"from": ((today + timedelta(days=1)).isoformat(),), "to": ((today - timedelta(days=1)).isoformat(),)}
    assert list_activity(db, admin, GridQuery(filters=swapped)).total == 2


def test_an_edited_pool_reads_with_its_subscription_and_units(db):
    from services.pools.changes import edit_pool
    w = _world(db)
    operator = w.actors["operator@first.example"]
    from data.models import ResellerPool
    with db.reading() as s:
        version = s.get(ResellerPool, w.pool_id).version
    edit_pool(db, operator, w.alpha, w.pool_id, version, {"payment_type": "Prepaid", "quantity": 150,
                                                          "expiration": "same", "expiration_date": None}, now=w.now)
    [row] = list_activity(db, operator, GridQuery(filters={"action": ("pool.edit",)})).rows
    assert row["target"] == "Pool M365 Backup"
    assert "Quantity: 100 user seats → 150 user seats" in row["change"]
    assert "→ Same as pooled subscription" in row["change"]
