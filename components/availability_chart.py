"""The Available licenses chart: one line per reseller pool, hidden or shown by checkbox."""
from __future__ import annotations

import html
import math
from datetime import date, timedelta

import dash_mantine_components as dmc
import plotly.graph_objects as go
from dash import dcc

from services.common.units import format_quantity

# One colour per pool, the same on its line and its checkbox.
PALETTE = ("#4263eb", "#e8590c", "#2f9e44", "#ae3ec9", "#1098ad", "#f08c00", "#d6336c", "#5c940d", "#495057", "#7048e8")
def pool_colours(series: list[dict]) -> dict[int, str]:
    """Colours by order of creation (pool id): a newer pool never changes an older one's colour,
    and a reseller's pools differ while there are fewer than ten."""
    return {pool_id: PALETTE[i % len(PALETTE)] for i, pool_id in enumerate(sorted(s["pool_id"] for s in series))}


# Ticks closer than this share one line and collide ("Dec 1" and "Dec 7" at 1440 px).
CLOSE_TICK_DAYS = 14
# One hover box per date for every pool shown (the document: "for each pooled subscription at
# that time"), which also tells apart lines drawn on top of each other (two pools at 100 %).
HOVER = ("<b>%{fullData.name}</b>: Available: %{y:.1f}% · Purchased: %{customdata[0]} · "
         "Allocated: %{customdata[1]}%{customdata[2]}<extra></extra>")


def y_range(series: list[dict]) -> list[float]:
    """Fitted to the data, so lines between 85 % and 100 % are not flat: from 5 points under
    the lowest value (rounded down to a multiple of 5, at least 0) to 100 % (markers on the
    edge are drawn whole: cliponaxis is off)."""
    return fitted_range(p["available_pct"] for s in series for p in s["points"])


def fitted_range(values) -> list[float]:
    low = min((v for v in values if v is not None), default=0)
    return [max(0, math.floor((low - 5) / 5) * 5), 100]


def availability_figure(series: list[dict], dates: list[date]) -> go.Figure:
    figure = go.Figure()
    colours = pool_colours(series)
    for s in series:
        figure.add_trace(go.Scatter(
            x=[p["date"] for p in s["points"]],
            y=[p["available_pct"] for p in s["points"]],
            # Quantities as the grids write them ("50 GB", "1,250 user seats").
            customdata=[[format_quantity(s["unit"], p["purchased"]), format_quantity(s["unit"], p["allocated"]),
                         " · <i>Expired</i>" if p["ended"] else ""] for p in s["points"]],
            # Plotly reads a few HTML tags in names; escaped, a pool name stays text.
            name=html.escape(s["name"]),
            mode="lines+markers",
            cliponaxis=False,
            line={"color": colours[s["pool_id"]], "width": 2},
            hovertemplate=HOVER,
            meta=s["pool_id"],
        ))
    # dates: always the last six months (services.metrics.dashboard.trend_dates), months without points
    # included, so charts compare.
    figure.update_layout(
        margin={"l": 50, "r": 20, "t": 10, "b": 40}, height=320, showlegend=False,
        yaxis={"title": "Available", "ticksuffix": "%", "range": y_range(series), "gridcolor": "#eef0f2"},
        xaxis={"tickmode": "array", "tickvals": dates, "ticktext": tick_labels(dates), "tickangle": 0,
               "hoverformat": "%b %-d, %Y",
               "gridcolor": "#f5f6f7",
               "range": [dates[0] - timedelta(days=6), dates[-1] + timedelta(days=6)]},
        plot_bgcolor="white", paper_bgcolor="white", hovermode="x unified",
    )
    return figure


def tick_labels(dates: list[date]) -> list[str]:
    """"Dec 1", …; today's label goes a line lower when it would touch the month's before it."""
    labels = [f"{d:%b} {d.day}" for d in dates]
    if len(dates) > 1 and (dates[-1] - dates[-2]).days < CLOSE_TICK_DAYS:
        labels[-1] = "<br>" + labels[-1]
    return labels


def nothing_shown_note() -> dict:
    """Said on the empty chart when every pool is unticked, instead of bare axes."""
    return {"text": "Tick a pool on the left to draw its line.", "xref": "paper", "yref": "paper", "x": 0.5,
            "y": 0.5, "showarrow": False, "font": {"size": 14, "color": "#868e96"}}


def availability_panel(series: list[dict], dates: list[date], reseller_id: int):
    colours = pool_colours(series)
    if not series:
        return dmc.Paper(
            dmc.Stack([dmc.Title("Available licenses", order=4),
                       dmc.Text("This reseller has no pooled subscriptions yet, so there is no trend to show.",
                                c="dimmed", size="sm", id="trend-empty")], gap="xs"),
            withBorder=True, radius="md", p="md",
        )
    return dmc.Paper(
        dmc.Stack([
            dmc.Title("Available licenses", order=4),
            dmc.Text("Share of each pooled subscription still available, on the first day of each of the "
                     "last six months and today.", size="sm", c="dimmed"),
            dmc.Grid([
                dmc.GridCol(dmc.CheckboxGroup(
                    id="trend-pools",
                    value=[str(s["pool_id"]) for s in series],
                    # The boxes a user unticked stay unticked when the page is reloaded (per reseller).
                    persistence=f"reseller-{reseller_id}", persistence_type="local",
                    # The grid's label as it is; an expired pool says so underneath.
                    children=dmc.Stack([dmc.Checkbox(label=s["name"], description="Expired" if s["expired"] else None,
                                                     value=str(s["pool_id"]), color=colours[s["pool_id"]])
                                        for s in series], gap=6),
                ), span=3, className="trend-legend"),
                dmc.GridCol(dcc.Graph(id="trend-graph", figure=availability_figure(series, dates),
                                      config={"displayModeBar": False}), span=9),
            ]),
        ], gap="xs"),
        withBorder=True, radius="md", p="md",
    )
