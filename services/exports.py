"""CSV and XLSX files of a grid's rows, safe to open in a spreadsheet."""
from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
FORMATS = ("csv", "xlsx")
# Names Windows keeps for devices: a file called so cannot be saved there.
RESERVED_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def looks_like_formula(value) -> bool:
    """Spreadsheets skip leading white space and line breaks before a formula's sign."""
    return isinstance(value, str) and (value.startswith(FORMULA_STARTS)
                                       or value.lstrip(" \t\r\n").startswith(("=", "+", "-", "@")))


def neutralise(value):
    """For CSV: a cell a spreadsheet would read as a formula gets a leading apostrophe."""
    return "'" + value if looks_like_formula(value) else value


def file_name(requested: str | None, default: str, fmt: str) -> str:
    """Letters, digits, dot, dash, underscore and space only; never a path."""
    requested = requested if isinstance(requested, str) else ""
    stem = re.sub(r"[^\w .-]+", "", requested.strip()).strip(" .")[:100] or default
    stem = re.sub(rf"\.{fmt}$", "", stem, flags=re.IGNORECASE)
    if stem.split(".")[0].strip().lower() in RESERVED_NAMES:
        stem = default
    return f"{stem}.{fmt}"


def to_csv(rows: list[dict], columns: list[tuple[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(header) for _, header in columns])
    for row in rows:
        writer.writerow([neutralise(_cell(row.get(field))) for field, _ in columns])
    return out.getvalue()


def to_xlsx(rows: list[dict], columns: list[tuple[str, str]]) -> bytes:
    """Every string is a text cell, formula-like ones included: shown as typed (no apostrophe),
    never evaluated. Excel's quotePrefix keeps them text when edited."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Export")
    sheet.append([_text_cell(sheet, header) for _, header in columns])
    for row in rows:
        sheet.append([_text_cell(sheet, _cell(row.get(field))) for field, _ in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text_cell(sheet, value):
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
    if looks_like_formula(value):
        cell.quotePrefix = True
    return cell


def _cell(value):
    if isinstance(value, bool):
        return "On" if value else "Off"
    return "" if value is None else value
