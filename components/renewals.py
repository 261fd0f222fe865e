"""The Renewals page's pieces: its cards, the expiry chart, the grid and Return to pool."""
from __future__ import annotations

from datetime import date, timedelta

import dash_mantine_components as dmc
import plotly.graph_objects as go
from dash import dcc, html
from plotly.subplots import make_subplots

from components.grid_section import GridSpec
from components.kpi_card import kpi_card
from data.catalog import SERVICE_NAMES
from services.common.days import browser_day
from services.common.units import format_quantities, format_quantity
from services.pools.renewals import OWN_SUBSCRIPTIONS_DAYS, PENDING_VIEW, VIEWS, WEEKS, WINDOWS

RENEWALS = GridSpec(
    prefix="ren",
    name="renewals",
    columns=[
        {"field": "reseller", "headerName": "Reseller", "sortable": True, "cellRenderer": "ResellerLink",
         "cellRendererParams": {"idField": "reseller_id"}, "minWidth": 100, "flex": 1.1, "cellClass": "wrap-2"},
        {"field": "service", "headerName": "Service", "sortable": True, "minWidth": 108, "flex": 1,
         "cellClass": "wrap-2"},
        {"field": "pool", "headerName": "Pool", "sortable": True, "tooltipField": "pool", "minWidth": 114,
         "flex": 1.3, "cellClass": "wrap-2"},
        {"field": "quantity", "headerName": "Quantity", "sortable": True, "width": 96, "cellClass": "wrap-2 units"},
        {"field": "allocated", "headerName": "Allocated", "sortable": True, "width": 96, "cellClass": "wrap-2 units"},
        {"field": "utilisation", "headerName": "Utilisation %", "sortable": True, "width": 82, "type": "numericColumn"},
        {"field": "expires_at", "headerName": "Expiration", "sortable": True, "width": 96,
         "headerTooltip": "The pool's own date, or its subscription's when that comes first."},
        {"field": "days_left", "headerName": "Days left", "sortable": True, "width": 66, "type": "numericColumn"},
        {"field": "status", "headerName": "Status", "cellRenderer": "StatusBadge", "sortable": True, "width": 152},
        {"field": "waiting_since", "headerName": "Waiting since", "sortable": True, "width": 94,
         "headerTooltip": "When a pool still waiting for the reseller's acceptance was added."},
    ],
    default_visible=["reseller", "service", "pool", "quantity", "allocated", "utilisation", "expires_at",
                     "days_left", "status", "waiting_since"],
    search_placeholder="Search by reseller",
    kept=("reseller",),
    export_kinds={"quantity": "quantities", "allocated": "quantities", "utilisation": "number",
                  "expires_at": "date", "days_left": "number", "waiting_since": "date"},
    row_px=76,  # four lines for the longest pool labels ("… · added 2026-06-28")
    header_px=50,
    noun=("pool", "pools"),
    empty_none="No reseller pool expires in this window (or, for Pending acceptance, waits to be accepted).",
    empty_match="No pools match. Change the search, the window or remove a filter.",
    height="600px",
)
FILTER_NAMES = {"service": "Service", "status": "Status", "week": "Week"}


def week_options(weeks: list[str]) -> list[dict]:
    """The chart's weeks as filter values (ISO dates) with the label its chip shows."""
    starts = [date.fromisoformat(w) for w in weeks]
    return [{"value": w, "label": f"{start:%b %-d}–{start + timedelta(days=6):%b %-d}"}
            for w, start in zip(weeks, starts, strict=True)]


VIEW_LABELS = {**{str(n): f"{n} days" for n in WINDOWS}, PENDING_VIEW: "Pending acceptance"}


def card_id(view: str) -> dict:
    """A card that lists its pools in the grid below when clicked."""
    return {"type": "ren-card", "view": view}


def renewal_cards(figures: dict, view: str | None = None):
    """The figures; each card of pools is a button that shows them in the grid (view: the grid's
    current one, whose card reads as pressed); the low card opens the Subscriptions page so."""
    wait = figures["oldest_wait_days"]
    cards = [
        (f"ren-kpi-{n}", f"Expiring in {n} days", format_quantities(figures[f"expiring_{n}"]),
         f"Quantity in your resellers' pools whose expiration falls within the next {n} days. Click to list them.",
         str(n))
        for n in WINDOWS
    ] + [
        ("ren-kpi-pending", "Pending acceptance", format_quantities(figures["pending"]),
         "Quantity in pools your resellers have not accepted yet. Click to list them, longest wait first.",
         PENDING_VIEW),
        ("ren-kpi-wait", "Oldest wait", "—" if wait is None else f"{wait:,} day{'s' if wait != 1 else ''}",
         "How long the longest-waiting pool has waited for acceptance. Click to list the pools waiting.",
         PENDING_VIEW),
    ]
    buttons = [_card_button(kpi_card(*card[:4]), card[4], card[4] == view, card[0]) for card in cards]
    low = figures["low_subscriptions"]
    buttons.append(dcc.Link(kpi_card("ren-kpi-low", "Below threshold", f"{low:,} subscription{'s' if low != 1 else ''}",
                                     "Your subscriptions whose free quantity is below the threshold set on the "
                                     "Subscriptions page. Click to see them there."),
                            href="/subscriptions?subs_status=Low", className="kpi-button"))
    return dmc.SimpleGrid(buttons, cols={"base": 2, "md": 3, "xl": 6}, spacing="sm")


def _card_button(card, view: str, pressed: bool, name: str):
    key = name.removeprefix("ren-kpi-")
    return html.Button(card, id={**card_id(view), "card": key}, n_clicks=0, className="kpi-button",
                       **{"aria-pressed": "true" if pressed else "false"})


def own_subscriptions(rows: list[dict]):
    """The LAR's own subscriptions ending soon (the alert emails remind of them too)."""
    title = dmc.Title(f"Your subscriptions ending within {OWN_SUBSCRIPTIONS_DAYS} days", order=4)
    if not rows:
        return dmc.Paper(dmc.Stack([title, dmc.Text("None of your own subscriptions ends in that time.", size="sm",
                                                     c="dimmed")], gap="xs"),
                         withBorder=True, radius="md", p="md", id="ren-own")
    head = dmc.TableThead(dmc.TableTr([dmc.TableTh(t) for t in
                                       ("Subscription", "Service", "Purchased", "Given to resellers", "Expiration",
                                        "Days left")]))
    body = dmc.TableTbody([dmc.TableTr([dmc.TableTd(r[k]) for k in
                                        ("name", "service", "purchased", "given", "expires_at")]
                                       + [dmc.TableTd(f"{r['days_left']:,}")]) for r in rows])
    return dmc.Paper(dmc.Stack([
        title,
        dmc.Text("When one ends, every reseller pool it feeds ends with it.", size="sm", c="dimmed"),
        dmc.Table([head, body], striped=True, verticalSpacing="xs", fz="sm"),
    ], gap="xs"), withBorder=True, radius="md", p="md", id="ren-own")


# One colour per service of the catalogue (fifteen), the same in every week and on every visit.
SERVICE_COLOURS = ("#4263eb", "#e8590c", "#2f9e44", "#ae3ec9", "#1098ad", "#f08c00", "#d6336c", "#5c940d",
                   "#495057", "#7048e8", "#0b7285", "#c2255c", "#a9e34b", "#ffa8a8", "#74c0fc")


def service_colour(service: str) -> str:
    index = SERVICE_NAMES.index(service) if service in SERVICE_NAMES else len(SERVICE_NAMES)
    return SERVICE_COLOURS[index % len(SERVICE_COLOURS)]


def stored_chart(data) -> dict | None:
    """The chart's figures as the page holds them (ren-chart-data, written by
    services.pools.renewals.expiring_by_week), or None when a hand-made request sent anything else."""
    if not isinstance(data, dict) or not isinstance(data.get("weeks"), list) \
            or not isinstance(data.get("series"), list) or len(data["weeks"]) > WEEKS:
        return None
    weeks = [browser_day(w) for w in data["weeks"]]
    series = [entry for entry in data["series"]
              if isinstance(entry, dict) and isinstance(entry.get("service"), str)
              and isinstance(entry.get("unit"), str)
              and isinstance(entry.get("quantities"), list) and len(entry["quantities"]) == len(weeks)
              and all(isinstance(q, int) and not isinstance(q, bool) for q in entry["quantities"])]
    if None in weeks or len(series) != len(data["series"]):
        return None
    return {"weeks": [w.isoformat() for w in weeks], "series": series}


# Each unit's row of bars is titled with it: quantities of different units are never added.
UNIT_AXIS_TITLES = {"user seats": "User seats expiring", "objects": "Objects expiring", "capacity": "GB expiring"}
ROW_PX = 105  # one unit's bars: tall enough to read a bar of a few seats beside one of thousands
ROW_GAP = 0.1  # between two units' rows, as a share of the plotting height


def chart_units(chart: dict) -> list[str]:
    """The units present, in the order the series come (services.common.units.UNIT_ORDER)."""
    return list(dict.fromkeys(entry["unit"] for entry in chart["series"]))


def unit_axis_title(unit: str) -> str:
    return UNIT_AXIS_TITLES.get(unit) or f"{unit[:1].upper()}{unit[1:]} expiring"


def expiry_figure(chart: dict, chosen_week: str | None = None) -> go.Figure:
    """Quantity expiring per week: one row of bars per unit present (user seats, objects, GB),
    sharing the week axis, each with its own y-axis titled with its unit; within a row the bars
    stack by service. No bar adds different units. The chosen week is outlined."""
    weeks = [date.fromisoformat(w) for w in chart["weeks"]]
    labels = [f"{w:%b %-d}" for w in weeks]
    units = chart_units(chart) or [None]
    figure = make_subplots(rows=len(units), cols=1, shared_xaxes=True,
                           vertical_spacing=ROW_GAP if len(units) > 1 else 0)
    in_legend: set[str] = set()
    for entry in chart["series"]:
        service, unit = entry["service"], entry["unit"]
        figure.add_bar(
            x=labels, y=entry["quantities"], name=service, legendgroup=service,
            showlegend=service not in in_legend, marker_color=service_colour(service),
            # The week (the chart's click filters the grid to it) and the quantity with its unit.
            customdata=[[w.isoformat(), format_quantity(unit, q)]
                        for w, q in zip(weeks, entry["quantities"], strict=True)],
            hovertemplate=f"<b>{_escape(service)}</b><br>Week of %{{x}}<br>%{{customdata[1]}}<extra></extra>",
            # The chosen week outlined where it has a bar (an outlined nothing reads as a bar).
            marker_line_width=[3 if w.isoformat() == chosen_week and q else 0
                               for w, q in zip(weeks, entry["quantities"], strict=True)],
            marker_line_color="#212529",
            row=units.index(unit) + 1, col=1,
        )
        in_legend.add(service)
    plotting = ROW_PX * len(units) / (1 - ROW_GAP * (len(units) - 1))
    figure.update_layout(
        barmode="stack", margin={"l": 60, "r": 10, "t": 10, "b": 40}, height=round(plotting) + 90,
        clickmode="event", plot_bgcolor="white", paper_bgcolor="white",
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yanchor": "bottom", "yref": "container"},
        font={"family": "-apple-system, 'Segoe UI', Roboto, sans-serif"},
    )
    figure.update_xaxes(title=None, type="category", categoryorder="array", categoryarray=labels)
    for row, unit in enumerate(units, start=1):
        figure.update_yaxes(title={"text": unit_axis_title(unit) if unit else None, "font": {"size": 12}},
                            gridcolor="#e9ecef", rangemode="tozero", tickformat=",d", row=row, col=1)
    return figure


def _escape(text: str) -> str:
    """Service names go into Plotly's hover template, which reads HTML-like tags and %{…}."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("%", "%%")


def expiry_chart(chart: dict, chosen_week: str | None = None):
    empty = not chart["series"]
    return dmc.Paper([
        dmc.Group([dmc.Title("Expiring per week", order=4),
                   dmc.Text("Next 13 weeks, by service: one row per unit (user seats, objects, GB), never added "
                            "together. Click a bar, or choose a week in Filter, to list that week's pools.",
                            size="sm", c="dimmed")], justify="space-between"),
        dmc.Text("Nothing expires in the next 13 weeks.", size="sm", c="dimmed", id="ren-chart-empty",
                 display="block" if empty else "none"),
        dcc.Graph(id="ren-chart", figure=expiry_figure(chart, chosen_week), config={"displayModeBar": False},
                  style={"display": "none" if empty else "block"}),
    ], withBorder=True, radius="md", p="md")


def window_control(view: str, week: str | None):
    return dmc.Group([
        dmc.Text("Show", size="sm", fw=500, id="ren-window-label"),
        dmc.SegmentedControl(id="ren-window", value=view, disabled=bool(week),
                             data=[{"value": v, "label": VIEW_LABELS[v]} for v in VIEWS],
                             **{"aria-labelledby": "ren-window-label"}),
        dmc.Button("Show the whole window", id="ren-week-clear", variant="subtle", size="xs",
                   display="inline-block" if week else "none"),
    ], gap="sm")


def renewal_actions(can_act: bool):
    why = "" if can_act else "Your role can view but not change pools."
    return [dmc.Tooltip(html.Span(dmc.Button("Return to pool", id="ren-return", variant="default", disabled=True),
                                  className="tooltip-target"),
                        id="ren-return-why", label=why or "Select pools in Pending acceptance to return them.",
                        multiline=True, w=260)]


def alerts_switch(receives: bool, is_admin: bool):
    return dmc.Switch(
        id="ren-alerts", checked=receives, disabled=is_admin,
        label="Email me alerts and the weekly digest",
        description="Admins always receive them." if is_admin else "Low availability, expiry reminders (30, 7 and "
                                                                   "1 day before) and a Monday summary.",
    )
