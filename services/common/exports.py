"""CSV and XLSX files of a grid's rows, safe to open in a spreadsheet."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from services.common.units import UNIT_ORDER, parse_quantities

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
FORMATS = ("csv", "xlsx")
# Names Windows keeps for devices: a file called so cannot be saved there.
RESERVED_NAMES = {"con", "prn", "aux", "nul",
                  *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def looks_like_formula(value) -> bool:
    """Spreadsheets skip leading white space and line breaks before a formula's sign."""
    return isinstance(value, str) and (value.startswith(FORMULA_STARTS)
                                       or value.lstrip(" \t\r\n").startswith(("=", "+", "-", "@")))


def neutralise(value):
    """For CSV: a cell a spreadsheet would read as a formula gets a leading apostrophe."""
    return "'" + value if looks_like_formula(value) else value


def _stem(requested, fmt: str) -> str:
    """ASCII letters, digits, dot, dash, underscore and space only (no superscript digits:
    Windows reads COM¹ as COM1); never a path."""
    requested = requested if isinstance(requested, str) else ""
    stem = re.sub(r"[^\w .-]+", "", requested.strip(), flags=re.ASCII).strip(" .")[:100]
    return re.sub(rf"\.{fmt}$", "", stem, flags=re.IGNORECASE)


def is_reserved(requested, fmt: str) -> bool:
    """A name Windows keeps for a device (con, nul, com1, …): no file can be saved under it."""
    return _stem(requested, fmt).split(".")[0].strip().lower() in RESERVED_NAMES


def file_name(requested: str | None, default: str, fmt: str) -> str:
    stem = _stem(requested, fmt)
    if not stem or is_reserved(requested, fmt):
        stem = default
    return f"{stem}.{fmt}"


def to_csv(rows: list[dict], columns: list[tuple[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(header) for _, header in columns])
    for row in rows:
        writer.writerow([neutralise(_cell(row.get(field))) for field, _ in columns])
    return out.getvalue()


UNIT_HEADERS = {"user seats": "user seats", "objects": "objects", "capacity": "GB"}
MAX_WIDTH = 60


def to_xlsx(rows: list[dict], columns: list[tuple[str, str]], kinds: dict[str, str] | None = None) -> bytes:
    """A sheet to compute with: quantities as numbers, one column per unit, with the unit in the
    header (kind "quantities"); ISO dates as dates (kind "date"); widths fitted; header frozen.
    Every other string is a text cell, formula-like ones included: shown as typed (no
    apostrophe), never evaluated. Excel's quotePrefix keeps them text when edited."""
    header, table, formats = _xlsx_table(rows, columns, kinds or {})
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Export")
    sheet.freeze_panes = "A2"
    for i, column in enumerate(zip(header, *table, strict=True), start=1):
        longest = max(len(str(v)) if not isinstance(v, date) else 10 for v in column)
        sheet.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, longest + 2)
    sheet.append([_text_cell(sheet, h) for h in header])
    for values in table:
        sheet.append([_typed_cell(sheet, v, f) for v, f in zip(values, formats, strict=True)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_table(rows: list[dict], columns: list[tuple[str, str]], kinds: dict[str, str]
                ) -> tuple[list[str], list[list[Any]], list[str | None]]:
    """(header, rows of values, a number format per column)."""
    header: list[str] = []
    getters: list[Callable[..., Any]] = []  # (row index, row) -> value
    formats: list[str | None] = []
    for field, title in columns:
        kind = kinds.get(field)
        parsed = _every_quantity(rows, field) if kind == "quantities" else None
        if parsed is not None:
            units = [u for u in UNIT_ORDER if any(u in p for p in parsed)] or [UNIT_ORDER[0]]
            for unit in units:
                header.append(f"{title} ({UNIT_HEADERS[unit]})" if title.lower() != UNIT_HEADERS[unit] else title)
                getters.append(lambda i, row, unit=unit, parsed=parsed: parsed[i].get(unit) if parsed[i] else 0)
                formats.append("#,##0")
        elif kind == "number":
            header.append(title)
            getters.append(lambda i, row, field=field: _as_number(row.get(field)))
            formats.append("0.0")
        elif kind == "date":
            header.append(title)
            getters.append(lambda i, row, field=field: _as_date(row.get(field)))
            formats.append("yyyy-mm-dd")
        else:
            header.append(title)
            getters.append(lambda i, row, field=field: _cell(row.get(field)))
            formats.append(None)
    table = [[get(i, row) for get in getters] for i, row in enumerate(rows)]
    return header, table, formats


def _every_quantity(rows: list[dict], field: str) -> list[dict[str, int]] | None:
    """Each row's field as quantities per unit; None unless every row's holds quantities."""
    parsed = [parse_quantities(_cell(row.get(field))) for row in rows]
    whole = [p for p in parsed if p is not None]
    return whole if len(whole) == len(parsed) else None


def _as_number(value):
    """A figure, or one shown as text ("23.7", "23.7%": the column's title says %); "—" (no figure)
    becomes an empty cell."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    try:
        return float(value.strip().removesuffix("%")) if isinstance(value, str) and value.strip() not in ("", "—") \
            else None
    except ValueError:
        return _cell(value)


def _as_date(value):
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    return _cell(value)


def _typed_cell(sheet, value, number_format):
    if number_format and isinstance(value, (int, float, date)) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet)
        cell.value = value  # as WriteOnlyCell(sheet, value=value) does; its stub takes no date
        cell.number_format = number_format
        return cell
    return _text_cell(sheet, value)


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
