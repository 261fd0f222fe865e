import csv
import io

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from services.exports import FORMULA_STARTS, file_name, neutralise, to_csv, to_xlsx

COLUMNS = [("name", "Organization name"), ("qty", "Quantity")]
NASTY = ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "plain", "1,250 user seats"]


def test_formula_cells_are_neutralised_in_csv():
    text = to_csv([{"name": n, "qty": 1} for n in NASTY], COLUMNS)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Organization name", "Quantity"]
    for row, original in zip(rows[1:], NASTY):
        assert not row[0].startswith(FORMULA_STARTS)
        assert row[0].lstrip("'") == original


def test_formula_cells_are_strings_in_xlsx():
    book = load_workbook(io.BytesIO(to_xlsx([{"name": n, "qty": 2} for n in NASTY], COLUMNS)))
    sheet = book.active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells)
    assert all(not str(c.value).startswith(FORMULA_STARTS) for c in cells)
    assert [c.value for c in sheet[1]] == ["Organization name", "Quantity"]


@given(st.text())
def test_no_exported_string_starts_like_a_formula(value):
    assert not str(neutralise(value)).startswith(FORMULA_STARTS)


def test_file_names_are_never_paths():
    assert file_name("../../etc/passwd", "pools", "csv") == "etcpasswd.csv"
    assert file_name("  ", "pools", "xlsx") == "pools.xlsx"
    assert file_name("My pools.CSV", "pools", "csv") == "My pools.csv"
