"""Activity: every recorded action of the LAR's users (layout only; callbacks/activity.py)."""
import dash
import dash_mantine_components as dmc

from callbacks.context import actor, db
from components.activity_grid import ACTIVITY
from components.grid_section import grid_section
from components.shell import notifications
from services.activity.feed import activity_filter_options, reseller_names
from services.common.days import browser_day
from services.identity.preferences import visible_columns

dash.register_page(__name__, path="/activity", title="Activity · Reseller Console")


def _day(value) -> str | None:
    day = browser_day(value)
    return day.isoformat() if day else None


def layout(**query):
    acting = actor()
    visible = visible_columns(db(), acting, ACTIVITY.name, ACTIVITY.fields, ACTIVITY.default_visible, ACTIVITY.kept)
    since, until = _day(query.get("act_from")), _day(query.get("act_to"))
    asked = query.get("act_reseller") if isinstance(query.get("act_reseller"), str) else ""
    names = reseller_names(db(), acting, asked.split(","))
    # The dates (from their picker) and a reseller (from its dashboard's link) are kept in the
    # grid's query and the URL beside Filter's user and action.
    kept = [("from", "From", [since] if since else []), ("to", "To", [until] if until else []),
            ("reseller", "Reseller", [{"value": k, "label": v} for k, v in names.items()])]
    return dmc.Stack([
        dmc.Group([
            dmc.Stack([dmc.Title("Activity", order=2),
                       dmc.Text("Loading…", id="act-count", size="sm", c="dimmed")], gap=2),
            dmc.DatePickerInput(id="act-dates", type="range", label="Dates", placeholder="Any date",
                                clearable=True, valueFormat="YYYY-MM-DD", w=260,
                                value=[since, until]),  # a range picker wants a pair, even empty
        ], justify="space-between", align="flex-end"),
        grid_section(ACTIVITY, visible, True, [], activity_filter_options(db(), acting), url_params=query,
                     kept_filters=kept),
        notifications(),
    ], gap="md")
