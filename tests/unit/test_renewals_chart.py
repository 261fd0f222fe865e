"""The Renewals page's "Expiring per week" chart: quantities of different units are never
added (design rule), so each unit has its own row of bars and its own y-axis."""
from __future__ import annotations

from datetime import date, timedelta

from components.renewals import expiry_chart, expiry_figure, stored_chart
from services.common.units import parse_quantities

WEEKS = [(date(2026, 11, 30) + timedelta(days=7 * i)).isoformat() for i in range(13)]


def _quantities(**by_week: int) -> list[int]:
    """Thirteen weeks, zero but for the ones named w0 … w12."""
    return [by_week.get(f"w{i}", 0) for i in range(13)]


# The reviewer's week of Dec 21 (w3): Cloud Management's user seats and Cloud Archiving's GB.
CHART = {"weeks": WEEKS, "series": [
    {"service": "Cloud Management", "unit": "user seats", "quantities": _quantities(w3=25, w5=1)},
    {"service": "Insights", "unit": "user seats", "quantities": _quantities(w3=5)},
    {"service": "Cloud Backup for Salesforce®", "unit": "objects", "quantities": _quantities(w3=40)},
    {"service": "Cloud Archiving", "unit": "capacity", "quantities": _quantities(w3=500, w12=2)},
]}


def _unit_of(trace) -> str:
    """The one unit a trace's points are in, read back from the quantity its hover writes."""
    units = set()
    for (_week, quantity), y in zip(trace.customdata, trace.y, strict=True):
        [(unit, number)] = parse_quantities(quantity).items()
        assert number == y
        units.add(unit)
    [unit] = units
    return unit


def test_no_bar_adds_different_units_each_unit_has_its_own_axis():
    figure = expiry_figure(stored_chart(CHART))
    assert figure.layout.barmode == "stack"
    units_on_axis: dict[str, set[str]] = {}
    for trace in figure.data:
        units_on_axis.setdefault(trace.yaxis, set()).add(_unit_of(trace))
    # Stacked bars add the traces of one y-axis: each axis holds one unit, each unit one axis.
    assert all(len(units) == 1 for units in units_on_axis.values()), units_on_axis
    assert sorted(u for units in units_on_axis.values() for u in units) == ["capacity", "objects", "user seats"]
    titles = {figure.layout["yaxis" + axis[1:]].title.text: units.pop() for axis, units in units_on_axis.items()}
    assert titles == {"User seats expiring": "user seats", "Objects expiring": "objects", "GB expiring": "capacity"}
    # One week axis, in the service's order, rows top to bottom as UNIT_ORDER lists the units.
    assert [a for a in units_on_axis] == ["y", "y2", "y3"]
    for trace in figure.data:
        assert list(trace.x) == [f"{date.fromisoformat(w):%b %-d}" for w in WEEKS]
    assert {figure.layout[f"xaxis{n}"].matches for n in ("", "2")} == {"x3"}


def test_a_service_in_two_units_is_two_series_with_one_legend_entry():
    chart = {"weeks": WEEKS, "series": [
        {"service": "Cloud Backup for Microsoft 365", "unit": "user seats", "quantities": _quantities(w0=10)},
        {"service": "Cloud Backup for Microsoft 365", "unit": "objects", "quantities": _quantities(w0=60)}]}
    seats, objects = expiry_figure(chart).data
    assert (seats.yaxis, objects.yaxis) == ("y", "y2")
    assert (seats.showlegend, objects.showlegend) == (True, False)
    assert seats.legendgroup == objects.legendgroup and seats.marker.color == objects.marker.color


def test_the_hover_and_the_click_carry_the_week_and_the_quantity_with_its_unit():
    figure = expiry_figure(CHART, chosen_week=WEEKS[3])
    archive = next(t for t in figure.data if t.name == "Cloud Archiving")
    assert list(archive.customdata[3]) == [WEEKS[3], "500 GB"]  # not "500 capacity"
    assert [c[0] for c in archive.customdata] == WEEKS  # what a click gives the week filter
    assert "%{customdata[1]}" in archive.hovertemplate
    assert list(archive.marker.line.width) == [3 if w == WEEKS[3] else 0 for w in WEEKS]
    salesforce = next(t for t in expiry_figure(CHART, chosen_week=WEEKS[5]).data if t.name.startswith("Cloud Backup"))
    assert set(salesforce.marker.line.width) == {0}  # nothing of it that week: no outline on the axis


def test_the_chart_grows_a_row_per_unit_and_is_empty_without_any():
    one = expiry_figure({"weeks": WEEKS, "series": CHART["series"][:2]})
    three = expiry_figure(CHART)
    assert one.layout.yaxis.title.text == "User seats expiring" and "yaxis2" not in one.layout
    assert three.layout.height > one.layout.height
    empty = {"weeks": WEEKS, "series": []}
    assert expiry_figure(empty).data == ()
    paper = expiry_chart(empty)
    graph = paper.children[-1]
    assert graph.style == {"display": "none"} and paper.children[1].display == "block"


def test_the_stored_chart_is_what_the_service_writes_or_nothing():
    assert stored_chart(CHART) == CHART
    assert stored_chart({"weeks": WEEKS, "services": {"Insights": {"unit": "user seats",
                                                                   "quantities": _quantities()}}}) is None
    assert stored_chart({"weeks": WEEKS, "series": [{"service": "Insights", "quantities": _quantities()}]}) is None
    assert stored_chart({"weeks": WEEKS, "series": [{"service": "Insights", "unit": "user seats",
                                                     "quantities": [True] * 13}]}) is None
    assert stored_chart({"weeks": ["x"], "series": []}) is None
