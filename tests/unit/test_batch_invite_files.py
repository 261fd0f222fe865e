"""Batch invite files as spreadsheet programs write them: what is read, and one clear message per kind of bad file."""
from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from services.invitations.batch_file import MAX_ROWS, BadFile, SheetRow, read_rows, template_csv, template_xlsx
from tests.unit.batch_sheets import _xlsx


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


def test_plus_and_at_cells_are_text_but_equals_is_a_formula():
    rows = read_rows("p.csv", b"Organization name,Email address\n@Co,+1@plus.example\n-2+3,a@a.example\n")
    assert [(r.organization_name, r.email) for r in rows] == [("@Co", "+1@plus.example"), ("-2+3", "a@a.example")]
    with pytest.raises(BadFile, match="formula"):
        read_rows("f.csv", b"Organization name,Email address\n=1+1,a@a.example\n")


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
