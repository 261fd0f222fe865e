"""CSV and XLSX files of a grid's rows, safe to open in a spreadsheet."""
from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")


def neutralise(value):
    """A cell a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def file_name(requested: str | None, default: str, fmt: str) -> str:
    """Letters, digits, dot, dash, underscore and space only; never a path."""
    stem = re.sub(r"[^\w .-]+", "", (requested or "").strip()).strip(" .")[:100] or default
    stem = re.sub(rf"\.{fmt}$", "", stem, flags=re.IGNORECASE)
    return f"{stem}.{fmt}"


def to_csv(rows: list[dict], columns: list[tuple[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(header) for _, header in columns])
    for row in rows:
        writer.writerow([neutralise(_cell(row.get(field))) for field, _ in columns])
    return out.getvalue()


def to_xlsx(rows: list[dict], columns: list[tuple[str, str]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Export")
    sheet.append([neutralise(header) for _, header in columns])
    for row in rows:
        # Strings are written as strings (data_type "s"), never as formulas.
        sheet.append([neutralise(_cell(row.get(field))) for field, _ in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value):
    if isinstance(value, bool):
        return "On" if value else "Off"
    return "" if value is None else value
