"""The Available licenses chart's hover names quantities as the grids do."""
from __future__ import annotations

from datetime import date

from components.availability_chart import availability_figure, tick_labels


def test_the_hover_writes_quantities_with_their_unit():
    series = [{"pool_id": 1, "name": "Archive <b>", "unit": "capacity", "expired": False,
               "points": [{"date": date(2026, 11, 1), "available_pct": 84.0, "purchased": 50, "allocated": 8,
                           "ended": False}]},
              {"pool_id": 2, "name": "Seats", "unit": "user seats", "expired": False,
               "points": [{"date": date(2026, 11, 1), "available_pct": 99.0, "purchased": 1250, "allocated": 1,
                           "ended": True}]}]
    archive, seats = availability_figure(series, [date(2026, 6, 1), date(2026, 11, 30)]).data
    assert list(archive.customdata[0]) == ["50 GB", "8 GB", ""]
    assert list(seats.customdata[0]) == ["1,250 user seats", "1 user seat", " · <i>Expired</i>"]
    assert archive.name == "Archive &lt;b&gt;"


def test_todays_label_drops_a_line_when_it_would_touch_the_months_first():
    """Issue 20: "Dec 1" and "Dec 7" overlapped."""
    months = [date(2026, m, 1) for m in range(7, 13)]
    assert tick_labels([*months, date(2026, 12, 7)])[-2:] == ["Dec 1", "<br>Dec 7"]
    assert tick_labels([*months[:-1], date(2026, 11, 28)])[-2:] == ["Nov 1", "Nov 28"]  # far enough apart
    figure = availability_figure([], [*months, date(2026, 12, 7)])
    assert list(figure.layout.xaxis.ticktext)[-1] == "<br>Dec 7"
