"""Excel workbooks built for the batch invite tests, as a spreadsheet program saves them."""
from __future__ import annotations

import io

from openpyxl import Workbook

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
