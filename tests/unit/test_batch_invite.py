"""Batch invite: files as spreadsheet programs write them, one per kind of bad input, the
preview's verdict per row, and inviting (twice) on SQLite and PostgreSQL."""
from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook
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
from services.invitations.batch_file import MAX_ROWS, BadFile, SheetRow, read_rows, template_csv, template_xlsx
from tests.factories import two_lars

HEADER = ("Organization name", "Email address")


def _xlsx(rows, extra_sheet=False, trailing_empty=0, formula=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    for _ in range(trailing_empty):
        sheet.append(["", ""])
    if formula:
        sheet["A3"] = formula
    if extra_sheet:
        book.create_sheet("Notes").append(["not", "read"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_templates_read_back_as_their_example_row():
    for name, content in (("t.xlsx", template_xlsx()), ("t.csv", template_csv())):
        [row] = read_rows(name, content)
        assert (row.number, row.organization_name, row.email) == (2, "Example Reseller Ltd",
                                                                  "owner@example-reseller.example")


@pytest.mark.parametrize("content", [
    "Organization name,Email address\r\nCafé Zürich,a@cafe.example\r\n".encode("utf-8-sig"),
    "Organization name,Email address\nCafé Zürich,a@cafe.example\n".encode(),
    "Organization name;Email address\r\nCafé Zürich;a@cafe.example\r\n".encode("cp1252"),
    "Organization name\tEmail address\nCafé Zürich\ta@cafe.example\n".encode(),
    " organization  NAME ,EMAIL address\nCafé Zürich,a@cafe.example\n,\n,\n".encode(),
])
def test_csv_as_excel_and_libreoffice_write_it(content):
    assert read_rows("r.csv", content) == [SheetRow(2, "Café Zürich", "a@cafe.example")]


def test_xlsx_with_an_extra_sheet_and_trailing_empty_rows():
    rows = read_rows("r.xlsx", _xlsx([("A Co", "a@a.example"), ("", ""), ("B Co", "b@b.example")],
                                     extra_sheet=True, trailing_empty=30))
    assert rows == [SheetRow(2, "A Co", "a@a.example"), SheetRow(4, "B Co", "b@b.example")]  # numbered as Excel does


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize("name,content,message", [
    ("e.csv", b"", "empty"),
    ("e.csv", b"Organization name,Email address\n", "no rows"),
    ("w.csv", b"Name,Mail\nA,a@a.example\n", "needs the columns"),
    ("b.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "b.csv is not an Excel workbook"),
    ("f.csv", b"Organization name,Email address\n=HYPERLINK(\"x\"),a@a.example\n", "formula"),
    ("f.xlsx", None, "formula"),
    ("z.xlsx", b"PK\x03\x04 not really a zip", "z.xlsx cannot be read as an Excel workbook"),
    ("bomb.xlsx", "bomb", "unpacks"),
    ("big.csv", b"x" * (2 * 1024 * 1024 + 1), "larger than"),
    ("many.csv", ("Organization name,Email address\n" + "A,a@a.example\n" * (MAX_ROWS + 1)).encode(), "more than"),
])
def test_bad_files_get_one_clear_message(name, content, message):
    if content is None:
        content = _xlsx([("A Co", "a@a.example"), ("B Co", "b@b.example")], formula="=1+1")
    elif content == "bomb":
        content = _zip_bomb()
    with pytest.raises(BadFile, match=message):
        read_rows(name, content)


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


def test_plus_and_at_cells_are_text_but_equals_is_a_formula():
    rows = read_rows("p.csv", b"Organization name,Email address\n@Co,+1@plus.example\n-2+3,a@a.example\n")
    assert [(r.organization_name, r.email) for r in rows] == [("@Co", "+1@plus.example"), ("-2+3", "a@a.example")]
    with pytest.raises(BadFile, match="formula"):
        read_rows("f.csv", b"Organization name,Email address\n=1+1,a@a.example\n")


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


@pytest.mark.parametrize("content", [
    b"a," * 100_000 + b"\n",  # a header 100,000 columns wide (82 s of CPU before the cap)
    b"Organization name,Email address\nAcme,owner@acme.example" + b",x" * 900_000 + b"\n",
])
def test_a_file_far_wider_than_the_template_is_refused_before_it_is_parsed(content):
    import time
    began = time.process_time()
    with pytest.raises(BadFile, match="more than 20 columns"):
        read_rows("wide.csv", content)
    print(f"refused in {time.process_time() - began:.2f} s of CPU")


def test_a_sheet_far_wider_than_the_template_is_refused():
    book = Workbook()
    sheet = book.active
    sheet.append(["Organization name", "Email address"])
    for _ in range(30):
        sheet.append(["Acme", "owner@acme.example"] + ["x"] * 2_000)
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(BadFile, match="more than 20 columns"):
        read_rows("wide.xlsx", out.getvalue())


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


def _zip(members: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
DOCX = _zip({"[Content_Types].xml": '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
                                    'wordprocessingml.document.main+xml" PartName="/word/document.xml"/></Types>',
             "word/document.xml": "<w:document/>"})
ODS = _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<office:document/>"})
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize("name,content,message", [
    # Outside security test (issue 19 finding 9): a PNG renamed .xlsx was "not text: it cannot be a CSV".
    ("photo.xlsx", PNG, "photo.xlsx is not an Excel workbook (.xlsx) or a CSV file: it is a PNG image. "),
    ("report.xlsx", DOCX, "report.xlsx is not an Excel workbook (.xlsx) or a CSV file: it is a Word document. "),
    ("list.csv", PDF, "list.csv is not an Excel workbook (.xlsx) or a CSV file: it is a PDF document. "),
    ("data.zip", _zip({"a.txt": "x"}), "data.zip is not an Excel workbook (.xlsx) or a CSV file: it is a zip "
                                       "archive. "),
    ("tool.csv", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 40, "tool.csv is not an Excel workbook (.xlsx) or a CSV "
                                                             "file. "),
    ("old.xls", OLE2, "old.xls is an older Excel file (.xls) or a password-protected workbook. "),
    ("sheet.ods", ODS, "sheet.ods is an OpenDocument spreadsheet. "),
    ("empty.xlsx", b"", "empty.xlsx is empty. "),
    ("", b"", "The file is empty. "),
])
def test_a_file_that_is_not_a_list_says_what_it_is(name, content, message):
    with pytest.raises(BadFile) as refused:
        read_rows(name, content)
    assert refused.value.message.startswith(message), refused.value.message


def test_the_files_name_in_a_message_is_its_text_without_control_characters():
    with pytest.raises(BadFile) as refused:
        read_rows("<b>x</b>\u202egnp.xlsx\n", PNG)
    assert refused.value.message.startswith("<b>x</b>?gnp.xlsx? is not an Excel workbook")
    with pytest.raises(BadFile) as refused:
        read_rows("a" * 300 + ".xlsx", PNG)
    assert refused.value.message.startswith("a" * 100 + "… is not an Excel workbook")


def test_a_csv_saved_as_unicode_text_is_read():
    """Excel's "Unicode Text" is UTF-16 with a BOM, tab-separated: text, not a binary file."""
    content = "Organization name\tEmail address\r\nCafé Zürich\ta@cafe.example\r\n".encode("utf-16")
    assert read_rows("list.txt", content) == [SheetRow(2, "Café Zürich", "a@cafe.example")]


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
