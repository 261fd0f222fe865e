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

from services.errors import DomainError

COLUMNS = ("Organization name", "Email address")
EXAMPLE = ("Example Reseller Ltd", "owner@example-reseller.example")  # .example: never a real address
NAME_LIMIT = 200  # the directory's organization name column
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
    sheet.title = "Resellers"
    sheet.append(COLUMNS)
    sheet.append(EXAMPLE)
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 40
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_rows(filename: str, content: bytes) -> list[SheetRow]:
    if not content:
        raise BadFile("The file is empty. Fill in the template and upload it again.")
    if len(content) > MAX_BYTES:
        raise BadFile(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. Split it into smaller files.")
    frame = _read_xlsx(content) if content[:4] == b"PK\x03\x04" else _read_csv(content, filename)
    return _rows(frame)


def _read_xlsx(content: bytes) -> pd.DataFrame:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise BadFile("The spreadsheet unpacks to far more than its size says. It was not read.")
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except BadFile:
        raise
    except Exception:  # noqa: BLE001 - any reader error means the same thing to the user
        raise BadFile("This is not a spreadsheet that can be read. Upload the template as XLSX or CSV.") from None
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
    for row in sheet.iter_rows(min_row=first_row, values_only=True):
        if any(v not in (None, "") for v in row):
            return True
    return False


def _read_csv(content: bytes, filename: str) -> pd.DataFrame:
    if b"\x00" in content:
        raise BadFile("This file is not text: it cannot be a CSV. Upload the template as XLSX or CSV.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BadFile("The file's characters cannot be read. Save it as CSV UTF-8 and upload again.")
    try:  # a short sample: the sniffer's cost grows fast with the length of a line
        delimiter = csv.Sniffer().sniff(text[:2048], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    try:
        if any(len(fields) > MAX_COLUMNS for fields in csv.reader(io.StringIO(text), delimiter=delimiter)):
            raise BadFile(TOO_WIDE)
    except csv.Error:
        raise BadFile(f"{filename or 'The file'} is not a well-formed CSV. Use the template.") from None
    try:
        return pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                           skip_blank_lines=False, nrows=MAX_ROWS + 1)  # keeps the row numbers
    except Exception:  # noqa: BLE001 - pandas' parser errors all mean a malformed file
        raise BadFile(f"{filename or 'The file'} is not a well-formed CSV. Use the template.") from None


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
    for index, (name, address) in enumerate(zip(frame[org].fillna(""), frame[email].fillna(""))):
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
