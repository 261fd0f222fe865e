"""Batch invite rows: the preview's verdict per row, and inviting (twice, stopped) on SQLite and PostgreSQL."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from data.models import DirectoryEntry, Invitation, OutgoingEmail, Tenant
from services.common.errors import PermissionDenied
from services.invitations.batch import (
    PROBLEM,
    SKIPPED,
    WILL_EMAIL,
    WILL_INVITE,
    check_rows,
    invite_rows,
    outcome_csv,
    stopped_outcome,
)
from services.invitations.batch_file import SheetRow, read_rows
from tests.factories import two_lars
from tests.unit.batch_sheets import _xlsx


def _world(db):
    w = two_lars(db)
    w.op = w.actors["operator@first.example"]
    w.registered = w.reseller_tenant("Known Resale", "owner@known.example")
    w.by_domain = w.reseller_tenant("Domain  Match", "boss@matched.example")
    w.reseller(w.first, "Here Already", "here@already.example", status="Invited")
    w.add(Tenant(kind="customer", organization_name="Cust", owner_email="it@cust.example", created_at=w.now))
    return w


ROWS = [
    SheetRow(2, "Known", "Owner@Known.example"),
    SheetRow(3, "New One", "new@one.example"),
    SheetRow(4, "Dup", "new@one.example"),
    SheetRow(5, "Bad", "not-an-email"),
    SheetRow(6, "Here", "here@already.example"),
    SheetRow(7, "LAR", "owner@second.example"),
    SheetRow(8, "Cust", "it@cust.example"),
    SheetRow(9, "domain match", "someone@matched.example"),
]


def test_the_preview_says_what_happens_to_each_row(db):
    w = _world(db)
    checks = {c.number: c for c in check_rows(db, w.op, ROWS, email_unregistered=True)}
    assert checks[2].verdict == WILL_INVITE and checks[2].tenant_id == w.registered
    assert checks[3].verdict == WILL_EMAIL
    assert (checks[4].verdict, checks[4].detail) == (PROBLEM, "Duplicate of row 3")
    assert checks[5].verdict == PROBLEM and checks[5].detail.startswith("Bad email address")
    assert checks[6].detail == "Already in your directory"
    assert checks[7].detail.startswith("A large account reseller")
    assert checks[8].detail.startswith("A customer tenant")
    assert checks[9].verdict == WILL_INVITE and checks[9].tenant_id == w.by_domain
    off = {c.number: c for c in check_rows(db, w.op, ROWS, email_unregistered=False)}
    assert off[3].verdict == SKIPPED and off[2].verdict == WILL_INVITE
    with pytest.raises(PermissionDenied):
        check_rows(db, w.actors["analyst@first.example"], ROWS, True)


def test_inviting_the_valid_rows_and_the_same_file_again_invites_no_one_twice(db):
    w = _world(db)
    checks = check_rows(db, w.op, ROWS, email_unregistered=True)
    seen = []
    outcome = {c.number: c for c in invite_rows(db, w.op, checks, "https://c.example",
                                                progress=lambda d, t, settled: seen.append((d, t, len(settled))),
                                                now=w.now)}
    assert [n for n, c in outcome.items() if c.verdict == "Invited"] == [2, 3, 9]
    assert seen[-1] == (3, 3, len(ROWS))  # every row settled: three invited, five refused
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Invitation)) == 3
        assert s.scalar(select(func.count()).select_from(OutgoingEmail)) == 3
        assert len(set(s.scalars(select(Invitation.batch)).all())) == 1
        statuses = dict(s.execute(select(func.lower(DirectoryEntry.email), DirectoryEntry.status)
                                  .where(DirectoryEntry.lar_id == w.first)).all())
        assert statuses["owner@known.example"] == statuses["new@one.example"] == "Invited"
    # The same rows again, checked before the first run committed: nobody is invited twice.
    again = invite_rows(db, w.op, checks, "https://c.example", now=w.now)
    assert not [c for c in again if c.verdict == "Invited"]
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Invitation)) == 3
    text = outcome_csv(list(outcome.values()))
    assert text.splitlines()[0] == "Row,Organization name,Email address,Outcome,Detail" and "Duplicate of row 3" in text


def test_cancel_stops_between_chunks_and_keeps_what_was_committed(db, monkeypatch):
    w = _world(db)
    monkeypatch.setattr("services.invitations.batch.CHUNK", 2)
    rows = [SheetRow(n, f"Org {n}", f"r{n}@many.example") for n in range(2, 9)]
    checks = check_rows(db, w.op, rows, email_unregistered=True)
    calls = {"n": 0}

    def cancelled():
        calls["n"] += 1
        return calls["n"] > 2  # after two chunks

    outcome = invite_rows(db, w.op, checks, "https://c.example", cancelled=cancelled, now=w.now)
    assert [c.verdict for c in outcome] == ["Invited"] * 4 + [SKIPPED] * 3
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Invitation)) == 4


def test_one_registered_reseller_reached_twice_and_a_rerun_after_a_domain_match(db):
    w = _world(db)
    rows = [SheetRow(2, "Domain Match", "x@matched.example"),      # found by domain and name
            SheetRow(3, "Whatever", "boss@matched.example"),       # the same tenant, by its owner
            SheetRow(4, "Plus", "+1@plus.example")]                # text starting with +: an address, kept
    checks = {c.number: c for c in check_rows(db, w.op, rows, email_unregistered=True)}
    assert checks[2].verdict == WILL_INVITE and checks[2].tenant_id == w.by_domain
    assert (checks[3].verdict, checks[3].detail) == (PROBLEM, "Duplicate of row 2 (the same registered reseller)")
    assert checks[4].verdict == WILL_EMAIL
    invite_rows(db, w.op, list(checks.values()), "https://c.example", now=w.now)
    again = {c.number: c for c in check_rows(db, w.op, rows, email_unregistered=True)}
    assert again[2].verdict == PROBLEM and again[2].detail.startswith("Already in your directory")
    assert again[3].detail == "Already in your directory" and again[4].detail == "Already in your directory"
    with db.reading() as s:
        assert (
            s.scalar(select(func.count()).select_from(DirectoryEntry).where(DirectoryEntry.tenant_id == w.by_domain))
            == 1
        )


def test_after_stop_every_row_has_an_outcome(db, monkeypatch):
    w = _world(db)
    monkeypatch.setattr("services.invitations.batch.CHUNK", 2)
    rows = [SheetRow(n, f"Org {n}", f"r{n}@stop.example") for n in range(2, 8)] + [SheetRow(8, "Bad", "bad")]
    reports = []
    checks = check_rows(db, w.op, rows, email_unregistered=True)
    invite_rows(db, w.op, checks, "https://c.example", progress=lambda d, t, settled: reports.append(settled),
                cancelled=lambda: len(reports) >= 1, now=w.now)  # stopped after the first chunk
    outcome = stopped_outcome(rows, reports[-1])
    assert [c.verdict for c in outcome] == ["Invited", "Invited"] + [SKIPPED] * 4 + [PROBLEM]
    assert outcome[2].detail == "Not invited: stopped before this row was reached"


def test_the_templates_example_row_and_a_name_too_long_are_problems(db):
    """Outside review: the example row was invited, and a 246-character name was cut silently."""
    w = _world(db)
    rows = read_rows("batch.csv", ("Organization name,Email address\r\n"
                                   "Example Reseller Ltd,Owner@Example-Reseller.example\r\n"
                                   f"{'L' * 246},long@new.example\r\n"
                                   f"{'F' * 200},fits@new.example\r\n").encode())
    checks = {c.number: c for c in check_rows(db, w.op, rows, email_unregistered=True)}
    assert (checks[2].verdict, checks[2].detail) == (
        PROBLEM, "The template's example row: it is never invited. Delete it.")
    assert (checks[3].verdict, checks[3].detail) == (PROBLEM, "Organization name is longer than 200 characters")
    assert checks[4].verdict == WILL_EMAIL


def test_names_with_a_line_break_or_control_character_are_row_problems(db):
    """Outside security test (issue 19 finding 5): a line break in a cell (Alt+Enter in Excel,
    a quoted CSV field) made the row's invitation email undeliverable."""
    w = _world(db)
    csv_rows = read_rows("b.csv", (b'Organization name,Email address\r\n"Acme\nLtd",a@acme.example\r\n'
                                   b'"Tab\tCo",t@tab.example\r\nFine Co,f@fine.example\r\n'))
    xlsx_rows = read_rows("b.xlsx", _xlsx([("Acme\r\nLtd", "a@acme.example"), ("Right\u202eLeft", "r@rl.example"),
                                           ("Fine Co", "f@fine.example")]))
    for rows in (csv_rows, xlsx_rows):
        checks = check_rows(db, w.op, rows, email_unregistered=True)
        assert [c.verdict for c in checks] == [PROBLEM, PROBLEM, WILL_EMAIL]
        assert checks[0].detail == "Organization name contains a line break"
    assert check_rows(db, w.op, csv_rows, True)[1].detail == "Organization name contains a tab"
    assert check_rows(db, w.op, xlsx_rows, True)[1].detail == "Organization name contains a text-direction control"
    # Rows the browser sends back are checked again: nothing reaches the outbox.
    outcome = invite_rows(db, w.op, check_rows(db, w.op, [SheetRow(2, "A\rB", "a@ab.example")], True),
                          "https://c.example", now=w.now)
    assert outcome[0].verdict == PROBLEM
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(OutgoingEmail)) == 0


def test_a_name_too_long_in_an_xlsx_is_a_problem_too(db):
    """Issue 20: an XLSX's 246-character name (row 10 of the reviewer's file) was cut and invited."""
    from openpyxl import Workbook
    w = _world(db)
    book = Workbook()
    sheet = book.active
    sheet.append(["Organization name", "Email address"])
    for i in range(8):
        sheet.append([f"Fine {i}", f"fine{i}@new.example"])
    sheet.append(["L" * 246, "long@new.example"])
    out = io.BytesIO()
    book.save(out)
    rows = read_rows("batch.xlsx", out.getvalue())
    checks = {c.number: c for c in check_rows(db, w.op, rows, email_unregistered=True)}
    assert (checks[10].verdict, checks[10].detail) == (PROBLEM, "Organization name is longer than 200 characters")
    assert all(checks[n].verdict == WILL_EMAIL for n in range(2, 10))
