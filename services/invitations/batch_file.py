"""Reading a Batch invite spreadsheet: the template, and uploads as Excel and LibreOffice really
write them (XLSX with extra sheets or trailing empty rows; CSV in UTF-8 with or without BOM or
cp1252, comma-, semicolon- or tab-separated). A bad file gets one clear message."""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook, load_workbook

from services.common.errors import DomainError
from services.common.names import NAME_LIMIT, unfit_character

COLUMNS = ("Organization name", "Email address")
EXAMPLE = ("Example Reseller Ltd", "owner@example-reseller.example")  # .example: never a real address
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_UNZIPPED = 40 * 1024 * 1024  # an XLSX that inflates past this is refused unread (a zip bomb)
# The template has two columns. Far more is not a list of resellers, and reading a sheet
# 100,000 columns wide took over a minute of CPU: such files are refused before parsing.
MAX_COLUMNS = 20
TOO_WIDE = (f"The file has more than {MAX_COLUMNS} columns. Use the template: "
            "Organization name and Email address.")
LIMITS = f"XLSX or CSV, up to {MAX_ROWS:,} rows and {MAX_BYTES // (1024 * 1024)} MB"
# A spreadsheet formula. Text starting with +, - or @ is kept as text (exports neutralise it):
# "+1@plus.example" is an email address.
FORMULA_STARTS = ("=",)
ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # XLSX, OpenDocument and Word files are zip archives
# Files people pick by mistake, named in the message so they see what they uploaded.
KNOWN_KINDS = ((b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
               (b"%PDF-", "a PDF document"), (b"{\\rtf", "an RTF document"))
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc, and any Office file saved with a password
UTF16 = (b"\xff\xfe", b"\xfe\xff")  # Excel's "Unicode Text": UTF-16 with a byte order mark
ODS = "an OpenDocument spreadsheet"
AGAIN = "Upload the template as XLSX or CSV."


class BadFile(DomainError):
    pass


@dataclass(frozen=True)
class SheetRow:
    number: int  # as the spreadsheet numbers it: the header is row 1
    organization_name: str
    email: str


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(EXAMPLE)
    return out.getvalue().encode("utf-8-sig")  # Excel reads UTF-8 only with a BOM


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet, the active one
    sheet.title = "Resellers"
    sheet.append(COLUMNS)
    sheet.append(EXAMPLE)
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 40
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def shown_name(filename: str) -> str:
    """The upload's own name for a message (shown as text): what cannot stand on one line
    becomes "?", a long one is shortened; "The file" when the browser sent none."""
    if not filename:
        return "The file"
    name = "".join("?" if unfit_character(c) else c for c in filename)
    return name if len(name) <= 100 else name[:100] + "…"


def read_rows(filename: str, content: bytes) -> list[SheetRow]:
    name = shown_name(filename)
    if not content:
        raise BadFile(f"{name} is empty. Fill in the template and upload it again.")
    if len(content) > MAX_BYTES:
        raise BadFile(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. Split it into smaller files.")
    frame = _read_xlsx(content, name) if content.startswith(ZIP) else _read_csv(_text(content, name), name)
    return _rows(frame)


def _not_a_list(name: str, kind: str = "") -> BadFile:
    return BadFile(f"{name} is not an Excel workbook (.xlsx) or a CSV file{': it is ' + kind if kind else ''}. "
                   + AGAIN)


def _text(content: bytes, name: str) -> str:
    """The upload as text, or BadFile saying what it is instead."""
    for magic, kind in KNOWN_KINDS:
        if content.startswith(magic):
            raise _not_a_list(name, kind)
    if content.startswith(OLE2):
        raise BadFile(f"{name} is an older Excel file (.xls) or a password-protected workbook. Save it in Excel as "
                      "Excel Workbook (.xlsx) without a password, or as CSV, and upload it again.")
    unreadable = BadFile(f"The characters of {name} cannot be read. Save it as CSV UTF-8 and upload again.")
    if content.startswith(UTF16):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            raise unreadable from None
    if b"\x00" in content:
        raise _not_a_list(name)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise unreadable


def _zip_kind(archive: zipfile.ZipFile) -> str:
    """"" for an Excel workbook, else what else this zip archive is."""
    names = archive.namelist()
    if any(n.startswith("xl/") for n in names):
        return ""
    if "mimetype" in names:
        mimetype = archive.read("mimetype")[:100]
        return ODS if b"opendocument.spreadsheet" in mimetype else "an OpenDocument file"
    if any(n.startswith("word/") for n in names):
        return "a Word document"
    if any(n.startswith("ppt/") for n in names):
        return "a PowerPoint presentation"
    return "a zip archive"


def _read_xlsx(content: bytes, name: str) -> pd.DataFrame:
    damaged = BadFile(f"{name} cannot be read as an Excel workbook (.xlsx): it may be damaged. Open it in Excel, "
                      "save it again and upload it, or upload it as CSV.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise BadFile("The spreadsheet unpacks to far more than its size says. It was not read.")
            kind = _zip_kind(archive)
    except BadFile:
        raise
    except Exception:  # noqa: BLE001 - a broken archive, whatever the reader's complaint
        raise damaged from None
    if kind == ODS:
        raise BadFile(f"{name} is {ODS}. Save it as Excel Workbook (.xlsx) or CSV and upload "
                      "it again.")
    if kind:
        raise _not_a_list(name, kind)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - any reader error means the same thing to the user
        raise damaged from None
    sheet = book.worksheets[0]
    if (sheet.max_column or 0) > MAX_COLUMNS:  # the sheet's own dimension, when it states one
        raise BadFile(TOO_WIDE)
    values = []
    for row in sheet.iter_rows(max_row=MAX_ROWS + 2):
        if len(row) > MAX_COLUMNS and any(c.value not in (None, "") for c in row[MAX_COLUMNS:]):
            raise BadFile(TOO_WIDE)
        for cell in row[:MAX_COLUMNS]:
            if cell.data_type == "f":
                raise BadFile(f"Cell {cell.coordinate} holds a formula. Enter plain text and upload again.")
        values.append(["" if c.value is None else str(c.value) for c in row[:MAX_COLUMNS]])
    if sheet.max_row and sheet.max_row > MAX_ROWS + 1 and _non_empty_past(sheet, MAX_ROWS + 2):
        raise BadFile(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files.")
    book.close()
    if not any(any(v.strip() for v in row) for row in values):
        raise BadFile("The spreadsheet is empty. Fill in the template and upload it again.")
    # Checked for formulas, width and length above: the values read once become the frame.
    width = max(len(row) for row in values)
    header, *body = [row + [""] * (width - len(row)) for row in values]
    return pd.DataFrame(body, columns=header, dtype=str)


def _non_empty_past(sheet, first_row: int) -> bool:
    return any(any(v not in (None, "") for v in row)
               for row in sheet.iter_rows(min_row=first_row, values_only=True))


def _read_csv(text: str, name: str) -> pd.DataFrame:
    try:  # a short sample: the sniffer's cost grows fast with the length of a line
        delimiter = csv.Sniffer().sniff(text[:2048], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    try:
        if any(len(fields) > MAX_COLUMNS for fields in csv.reader(io.StringIO(text), delimiter=delimiter)):
            raise BadFile(TOO_WIDE)
    except csv.Error:
        raise BadFile(f"{name} is not a well-formed CSV. Use the template.") from None
    try:
        return pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                           skip_blank_lines=False, nrows=MAX_ROWS + 1)  # keeps the row numbers
    except Exception:  # noqa: BLE001 - pandas' parser errors all mean a malformed file
        raise BadFile(f"{name} is not a well-formed CSV. Use the template.") from None


def _column(frame: pd.DataFrame, *names: str) -> str | None:
    wanted = {"".join(n.split()).lower() for n in names}
    for column in frame.columns:
        if "".join(str(column).split()).lower() in wanted:
            return column
    return None


def _rows(frame: pd.DataFrame) -> list[SheetRow]:
    org = _column(frame, "Organization name", "Organisation name", "Organization")
    email = _column(frame, "Email address", "Email", "E-mail address", "E-mail")
    if org is None or email is None:
        raise BadFile("The file needs the columns Organization name and Email address, as in the template's "
                      "header row.")
    rows = []
    for index, (name, address) in enumerate(zip(frame[org].fillna(""), frame[email].fillna(""), strict=True)):
        name, address = str(name).strip(), str(address).strip()
        if not name and not address:
            continue  # trailing or spacer rows
        for value in (name, address):
            if value.startswith(FORMULA_STARTS):
                raise BadFile(f"Row {index + 2} holds a formula ({value[:20]}…). Enter plain text and upload again.")
        # Names over the limit are kept long enough to be refused by name, not cut silently.
        rows.append(SheetRow(index + 2, name[:NAME_LIMIT + 50], address[:254]))
    if len(rows) > MAX_ROWS:
        raise BadFile(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files.")
    if not rows:
        raise BadFile("The file has no rows to invite under its header. Fill in the template and upload again.")
    return rows
