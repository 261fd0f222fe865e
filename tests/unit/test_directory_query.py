from datetime import timedelta

from services.common.grid_query import GridQuery
from services.directory.query import list_directory
from tests.factories import two_lars


def _names(page):
    return [r["organization_name"] for r in page.rows]


def test_only_the_actors_lar_is_listed(db):
    w = two_lars(db)
    w.reseller(w.first, "Alpha", "ann@alpha.example")
    w.reseller(w.second, "Secret Other", "sam@secret.example")
    page = list_directory(db, w.actors["analyst@first.example"], GridQuery(), now=w.now)
    assert _names(page) == ["Alpha"] and page.total == 1
    other = list_directory(db, w.actors["admin@second.example"], GridQuery(), now=w.now)
    assert _names(other) == ["Secret Other"]


def test_search_matches_every_keyword_of_the_tenant_owner(db):
    w = two_lars(db)
    w.reseller(w.first, "Alpha", "ann@alpha-cloud.example")
    w.reseller(w.first, "Beta", "bob@beta-cloud.example")
    w.reseller(w.first, "Gamma", "ann@gamma.example")
    actor = w.actors["operator@first.example"]
    by_name = GridQuery(search="cloud", sort=(("organization_name", "asc"),))
    assert _names(list_directory(db, actor, by_name, now=w.now)) == ["Alpha", "Beta"]
    assert _names(list_directory(db, actor, GridQuery(search="ANN cloud"), now=w.now)) == ["Alpha"]
    # Every keyword must match; LIKE wildcards are literal.
    assert list_directory(db, actor, GridQuery(search="Gamma zz"), now=w.now).total == 0
    assert list_directory(db, actor, GridQuery(search="%"), now=w.now).total == 0
    assert list_directory(db, actor, GridQuery(search="_"), now=w.now).total == 0


def test_search_finds_organization_names_too(db):
    """Issue 20: "Reselling" and "Ltd" found nothing, since only the owner's address was searched."""
    w = two_lars(db)
    w.reseller(w.first, "Pioneer Reselling Ltd", "ops@pioneer.example")
    w.reseller(w.first, "Blue Networks", "it@bluenet.example")
    w.reseller(w.second, "Other Reselling Ltd", "x@other.example")
    actor = w.actors["operator@first.example"]
    assert _names(list_directory(db, actor, GridQuery(search="Reselling"), now=w.now)) == ["Pioneer Reselling Ltd"]
    assert _names(list_directory(db, actor, GridQuery(search="ltd"), now=w.now)) == ["Pioneer Reselling Ltd"]
    # Each keyword may be in either: a word of the name and a piece of the address.
    assert _names(list_directory(db, actor, GridQuery(search="blue bluenet"), now=w.now)) == ["Blue Networks"]
    assert list_directory(db, actor, GridQuery(search="pioneer zz"), now=w.now).total == 0


def test_filter_by_status_and_sort_and_page(db):
    w = two_lars(db)
    for i, status in enumerate(["Invited", "Unmapped", "Mapped", "Mapped", "Invited"]):
        w.reseller(w.first, f"R{i}", f"r{i}@x.example", status=status)
    actor = w.actors["operator@first.example"]
    page = list_directory(db, actor, GridQuery(filters={"status": ("Invited",)}, sort=(("organization_name", "desc"),)),
                          now=w.now)
    assert _names(page) == ["R4", "R0"] and page.total == 2
    both = list_directory(db, actor, GridQuery(filters={"status": ("Invited", "Unmapped")}), now=w.now)
    assert both.total == 3
    second_page = list_directory(db, actor, GridQuery(sort=(("organization_name", "asc"),), start=2, end=4), now=w.now)
    assert _names(second_page) == ["R2", "R3"] and second_page.total == 5
    # Sort columns from the browser are checked, not trusted: an unknown one is ignored...
    assert list_directory(db, actor, GridQuery(sort=(("password_hash", "asc"),)), now=w.now).total == 5
    # ...while a status filter of no known status matches nothing (issue 19: it listed everything).
    assert list_directory(db, actor, GridQuery(filters={"status": ("Bogus",)}), now=w.now).total == 0


def test_page_figures_count_live_pools_and_keep_units_apart(db):
    w = two_lars(db)
    rid = w.reseller(w.first, "Alpha", "ann@alpha.example")
    seats = w.subscription(w.first, purchased=1000)
    objects = w.subscription(w.first, purchased=100, unit="objects")
    gone = w.subscription(w.first, purchased=100, expires_in_days=-1)
    p1 = w.pool(rid, seats, 300)
    w.pool(rid, seats, 50, status="Pending acceptance")
    w.pool(rid, objects, 40, assigned=4)
    w.pool(rid, seats, 20, status="Expired")
    w.pool(rid, gone, 10)  # its Subscription expired: the pool did too
    w.pool(rid, seats, 5, expires_at=w.now - timedelta(days=1))
    c1, c2 = w.customer("C One"), w.customer("C Two")
    w.assign(p1, c1, 10)
    w.assign(p1, c2, 20)
    [row] = list_directory(db, w.actors["operator@first.example"], GridQuery(), now=w.now).rows
    assert row["pools"] == 3
    assert row["customers"] == 2
    assert row["total_quantity"] == "350 user seats · 40 objects"
    assert row["allocated_quantity"] == "30 user seats · 4 objects"
    assert row["customer_visibility"] is True


def test_page_size_is_bounded(db):
    w = two_lars(db)
    for i in range(3):
        w.reseller(w.first, f"R{i}", f"r{i}@x.example")
    page = list_directory(db, w.actors["operator@first.example"], GridQuery(start=-5, end=10**9), now=w.now)
    assert page.total == 3 and len(page.rows) == 3


def test_analysts_sort_by_pools_customers_totals_and_utilisation(db):
    """Sorted on the server over every reseller, from the stored figures."""
    w = two_lars(db)
    seats = w.subscription(w.first, purchased=10_000)
    objects = w.subscription(w.first, purchased=10_000, unit="objects")
    a = w.reseller(w.first, "Alpha", "a@x.example")  # 2 pools, 300 seats, 30 used: 10 %
    b = w.reseller(w.first, "Beta", "b@x.example")   # 1 pool, 1,000 objects, 900 used: 90 %
    w.reseller(w.first, "Gamma", "c@x.example")      # nothing
    pa = w.pool(a, seats, 100)
    w.pool(a, seats, 200)
    pb = w.pool(b, objects, 1000)
    w.assign(pa, w.customer("One"), 30)
    for i in range(3):
        w.assign(pb, w.customer(f"B{i}"), 300)
    analyst = w.actors["analyst@first.example"]

    def order(column, direction="desc"):
        return _names(list_directory(db, analyst, GridQuery(sort=((column, direction),)), now=w.now))
    assert order("pools") == ["Alpha", "Beta", "Gamma"]
    assert order("customers") == ["Beta", "Alpha", "Gamma"]
    assert order("total_quantity") == ["Beta", "Alpha", "Gamma"]
    assert order("allocated_quantity", "asc") == ["Gamma", "Alpha", "Beta"]
    assert order("utilisation") == ["Beta", "Alpha", "Gamma"]
    assert order("utilisation", "asc") == ["Alpha", "Beta", "Gamma"]  # no seats ("—") last either way
    rows = {r["organization_name"]: r["utilisation"] for r in list_directory(db, analyst, GridQuery(), now=w.now).rows}
    assert rows == {"Alpha": "10.0% seats", "Beta": "90.0% objects", "Gamma": "—"}
    # Filtered and searched like any other sort; another LAR's resellers never appear.
    w.pool(w.reseller(w.second, "Other", "o@x.example"), w.subscription(w.second, purchased=9000), 5000)
    assert _names(list_directory(db, analyst, GridQuery(search="b@", sort=(("pools", "desc"),)), now=w.now)) == ["Beta"]


def test_utilisation_is_per_unit_never_across_units(db):
    """Issue 20: Blue Networks used 2.7 % of its seats and 16 % of its GB and the column said 3.2."""
    w = two_lars(db)
    seats = w.subscription(w.first, purchased=10_000)
    archive = w.subscription(w.first, purchased=10_000, unit="capacity")
    blue = w.reseller(w.first, "Blue Networks", "alex@blue.example")
    other = w.reseller(w.first, "Seats Only", "s@x.example")
    w.assign(w.pool(blue, seats, 1500), w.customer("Wren"), 41)
    w.assign(w.pool(blue, archive, 50), w.customer("Jasper"), 8)
    w.assign(w.pool(other, seats, 100), w.customer("Yarrow"), 10)
    analyst = w.actors["analyst@first.example"]
    rows = {r["organization_name"]: r["utilisation"] for r in list_directory(db, analyst, GridQuery(), now=w.now).rows}
    assert rows == {"Blue Networks": "2.7% seats · 16.0% GB", "Seats Only": "10.0% seats"}
    # Sorted by the unit nearest to running out: Blue's GB (16 %) before the other's seats (10 %).
    ordered = list_directory(db, analyst, GridQuery(sort=(("utilisation", "desc"),)), now=w.now)
    assert _names(ordered) == ["Blue Networks", "Seats Only"]


def test_a_passing_date_re_sorts_the_stored_figures(db):
    w = two_lars(db)
    seats = w.subscription(w.first, purchased=10_000)
    a = w.reseller(w.first, "Alpha", "a@x.example")
    b = w.reseller(w.first, "Beta", "b@x.example")
    w.pool(a, seats, 100, expires_at=w.now + timedelta(days=2))
    w.pool(a, seats, 100, expires_at=w.now + timedelta(days=2))
    w.pool(b, seats, 100)
    analyst = w.actors["analyst@first.example"]
    by_pools = GridQuery(sort=(("pools", "desc"),))
    assert _names(list_directory(db, analyst, by_pools, now=w.now)) == ["Alpha", "Beta"]
    later = w.now + timedelta(days=3)  # Alpha's pools have ended: nobody wrote anything
    assert _names(list_directory(db, analyst, by_pools, now=later)) == ["Beta", "Alpha"]
    assert [r["pools"] for r in list_directory(db, analyst, by_pools, now=later).rows] == [1, 0]


def test_a_narrowed_page_says_of_how_many(db):
    w = two_lars(db)
    for i in range(3):
        w.reseller(w.first, f"R{i}", f"r{i}@x.example", status="Mapped" if i else "Invited")
    w.reseller(w.second, "Theirs", "t@x.example")
    actor = w.actors["analyst@first.example"]
    assert list_directory(db, actor, GridQuery(), now=w.now).of is None
    assert list_directory(db, actor, GridQuery(search="zzz"), now=w.now).of == 3
    assert list_directory(db, actor, GridQuery(filters={"status": ("Mapped",)}), now=w.now).of == 3
    from components.directory_grid import SPEC
    assert SPEC.count_label(0, of=3) == "0 of 3 resellers"
    assert SPEC.count_label(3, of=3) == "3 resellers"



def test_a_sorted_read_writes_nothing_and_the_next_write_refreshes_stale_rows(db, clock):
    """No write inside a read: past a pool's end the sort computes the stale row live, and the
    stored row stays as it was until a unit of work (a write, the alerts run) rewrites it."""
    from sqlalchemy import select

    from data.models import ResellerFigures
    w = two_lars(db)
    seats = w.subscription(w.first, purchased=10_000)
    a = w.reseller(w.first, "Alpha", "a@x.example")
    b = w.reseller(w.first, "Beta", "b@x.example")
    w.pool(a, seats, 300, expires_at=w.now + timedelta(days=2))
    w.pool(b, seats, 100)
    analyst = w.actors["analyst@first.example"]

    def stored():
        with db.reading() as s:
            return dict(s.execute(select(ResellerFigures.reseller_id, ResellerFigures.total_quantity)).all())
    assert stored() == {a: 300, b: 100}
    clock.advance(timedelta(days=3))  # Alpha's pool has ended
    by_total = GridQuery(sort=(("total_quantity", "desc"),))
    assert _names(list_directory(db, analyst, by_total, now=w.now)) == ["Beta", "Alpha"]
    assert stored() == {a: 300, b: 100}  # the read wrote nothing
    w.pool(b, seats, 1)  # any write of the LAR, at its own instant, refreshes what a date made stale
    assert stored() == {a: 0, b: 101}
