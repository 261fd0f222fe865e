import csv
import io

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from services.common.exports import (
    FORMULA_STARTS,
    file_name,
    is_reserved,
    looks_like_formula,
    neutralise,
    to_csv,
    to_xlsx,
)

COLUMNS = [("name", "Organization name"), ("qty", "Quantity")]
NASTY = ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "plain", "1,250 user seats"]


def test_formula_cells_are_neutralised_in_csv():
    text = to_csv([{"name": n, "qty": 1} for n in NASTY], COLUMNS)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Organization name", "Quantity"]
    for row, original in zip(rows[1:], NASTY, strict=True):
        assert not row[0].startswith(FORMULA_STARTS)
        assert row[0].lstrip("'") == original


def test_formula_cells_are_strings_in_xlsx():
    book = load_workbook(io.BytesIO(to_xlsx([{"name": n, "qty": 2} for n in NASTY], COLUMNS)))
    sheet = book.active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells)
    # Shown as typed: text cells, no apostrophe in the value, quotePrefix where it looks like a formula.
    assert [c.value for c in cells] == [n.replace("\r", "\n") for n in NASTY]  # XML keeps a CR as a LF
    assert all(c.quotePrefix for c in cells if looks_like_formula(c.value))
    assert [c.value for c in sheet[1]] == ["Organization name", "Quantity"]


@given(st.text())
def test_no_exported_string_starts_like_a_formula(value):
    assert not str(neutralise(value)).startswith(FORMULA_STARTS)


def test_a_line_break_before_a_formula_is_caught():
    for value in ("\n=1+1", " \r\n=cmd|' /C calc'!A0", "  +1", "\t@SUM(A1)"):
        assert neutralise(value) == "'" + value


def test_reserved_device_names_are_not_file_names():
    assert file_name("COM¹", "pools", "csv") == "COM.csv"  # Windows reads COM¹ as COM1: never kept
    assert file_name("lpt²", "pools", "csv") == "lpt.csv"
    for name in ("con", "NUL", "com1", "Lpt9.csv", "aux.xlsx", "com0", "LPT0.txt"):
        assert file_name(name, "pools", "csv").lower() in ("pools.csv",), name
        assert is_reserved(name, "csv")
    assert file_name("console", "pools", "csv") == "console.csv"


def test_file_names_are_never_paths():
    assert file_name("../../etc/passwd", "pools", "csv") == "etcpasswd.csv"
    assert file_name("  ", "pools", "xlsx") == "pools.xlsx"
    assert file_name("My pools.CSV", "pools", "csv") == "My pools.csv"


def test_xlsx_quantities_are_numbers_per_unit_dates_are_dates_and_the_sheet_is_readable():
    from datetime import datetime
    rows = [{"name": "Blue", "total": "1,250 user seats · 40 objects", "day": "2026-12-04"},
            {"name": "Cedar", "total": "1 user seat · 500 GB", "day": ""},
            {"name": "=Iron", "total": "0", "day": "2027-01-31"}]
    columns = [("name", "Organization name"), ("total", "Total"), ("day", "Mapped")]
    sheet = load_workbook(io.BytesIO(to_xlsx(rows, columns, {"total": "quantities", "day": "date"}))).active
    assert [c.value for c in sheet[1]] == ["Organization name", "Total (user seats)", "Total (objects)",
                                           "Total (GB)", "Mapped"]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert values == [["Blue", 1250, 40, None, datetime(2026, 12, 4)],
                      ["Cedar", 1, None, 500, None],
                      ["=Iron", 0, 0, 0, datetime(2027, 1, 31)]]
    assert sheet["B2"].number_format == "#,##0" and sheet["E2"].number_format == "yyyy-mm-dd"
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == len("Organization name") + 2
    assert sheet["A4"].data_type == "s" and sheet["A4"].quotePrefix


def test_a_quantity_column_that_is_not_one_stays_text():
    sheet = load_workbook(io.BytesIO(to_xlsx([{"q": "lots"}], [("q", "Quantity")], {"q": "quantities"}))).active
    assert [c.value for c in sheet[2]] == ["lots"]


@given(st.dictionaries(st.sampled_from(["user seats", "objects", "capacity"]), st.integers(1, 10**9)))
def test_quantities_read_back_as_written(by_unit):
    from services.common.units import format_quantities, parse_quantities
    assert parse_quantities(format_quantities(by_unit)) == by_unit
