"""The Add/Edit pool field checks as pure functions: what the browser may send, and the message."""
from datetime import datetime, timedelta

import pytest

from services.pools.form import (
    NOW,
    ON_DATE,
    SAME,
    SubscriptionFacts,
    check_expiration,
    check_new_pool,
    check_quantity,
    sources_for,
    whole_number,
)

TODAY = datetime(2026, 11, 30, 15, 0)
FACTS = SubscriptionFacts(id=1, service="Insights", name="Insights 2026", unit="user seats", source="Trial",
                          expires_at=datetime(2027, 3, 1), available=40)


@pytest.mark.parametrize("value,expected", [
    (1, 1), ("12", 12), (" 1,200 ", 1200), (3.0, 3), ("0", None), (0, None), (-1, None), ("-1", None), (1.5, None),
    ("1.5", None), ("1e3", None), ("abc", None), (True, None), (None, None), ("", None), ([1], None), ({"a": 1}, None),
    ("١٢", None),  # Arabic-Indic digits are digits to str.isdigit, not to us
])
def test_whole_number_takes_only_positive_whole_numbers(value, expected):
    assert whole_number(value) == expected


def test_quantity_messages_say_what_is_wrong():
    for value, message in ((0, "Enter a whole number of user seats, 1 or more."),
                           ("1.5", "Enter a whole number of user seats, 1 or more."),
                           (41, "More than available: only 40 user seats can come from Insights 2026."),
                           ("9" * 30, "More than available: no subscription holds that many.")):
        errors = {}
        check_quantity(value, FACTS, errors)
        assert errors == {"quantity": message}
    capacity = SubscriptionFacts(**{**FACTS.__dict__, "unit": "capacity"})
    errors = {}
    check_quantity("x", capacity, errors)
    assert errors["quantity"] == "Enter a whole number of GB, 1 or more."
    errors = {}
    assert check_quantity(5, FACTS, errors, at_least=8) == 5 and "At least 8 user seats" in errors["quantity"]
    errors = {}
    assert check_quantity(400, FACTS, errors, holds_seats=False) == 400 and errors == {}  # an expired pool


def test_expiration_choices_and_their_bounds():
    errors = {}
    assert check_expiration(SAME, None, FACTS, TODAY, errors) == (SAME, None) and not errors
    assert check_expiration(NOW, None, FACTS, TODAY, errors) == (NOW, TODAY) and not errors
    assert check_expiration(ON_DATE, "2027-03-01", FACTS, TODAY, errors) == (ON_DATE, datetime(2027, 3, 1))
    assert not errors
    for day, message in (("2026-11-30", "after today"), ("2026-01-01", "after today"),
                         ("2027-03-02", "no later than the subscription's expiration, 2027-03-01"),
                         (None, "Choose a date."), ("soon", "Choose a date.")):
        errors = {}
        check_expiration(ON_DATE, day, FACTS, TODAY, errors)
        assert message in errors["expiration_date"]
    for bad in ("later", ["date"], None):
        errors = {}
        check_expiration(bad, None, FACTS, TODAY, errors)
        assert errors == {"expiration": "Choose when this pool expires."}


def test_a_trial_subscription_gives_trial_pools_only():
    assert sources_for("Purchased") == ("Purchased", "Trial", "Not for resale")
    assert sources_for("Trial") == ("Trial",)
    request = {"source": "Purchased", "payment_type": "Free", "quantity": 2, "expiration": SAME}
    errors, fields = check_new_pool(request, FACTS, TODAY)
    assert fields is None and errors == {"source": "A Trial subscription gives Trial pools only."}
    errors, fields = check_new_pool({**request, "source": "Trial"}, FACTS, TODAY)
    assert errors == {} and fields.quantity == 2 and fields.expires_at is None


def test_an_expired_subscription_is_refused_by_name():
    gone = SubscriptionFacts(**{**FACTS.__dict__, "expires_at": TODAY - timedelta(days=1)})
    errors, _ = check_new_pool({"source": "Trial", "payment_type": "Free", "quantity": 1, "expiration": SAME},
                               gone, TODAY)
    assert errors["subscription"] == "Insights 2026 expired on 2026-11-29: choose another."
