"""Fields the Add pool and Edit pool panels share: the subscription expiration choice and the
"View details of available user seats" block. `ids(name)` gives each expiration field's id, so the
wizard can use pattern-matching ids (one form per service) and Edit pool plain ones."""
from __future__ import annotations

from collections.abc import Callable

import dash_mantine_components as dmc

from services.common.units import format_quantity
from services.pools.form import EXPIRATION_CHOICES, SAME


def expiration_fields(ids: Callable[[str], object], choice: str = SAME, day: str | None = None,
                      last_day: str | None = None, first_day: str | None = None):
    return dmc.Stack([
        dmc.RadioGroup(
            dmc.Stack([dmc.Radio(label=label, value=value) for value, label in EXPIRATION_CHOICES.items()],
                      gap=6, mt=6),
            id=ids("exp"), label="Subscription expiration date", value=choice,
        ),
        dmc.DatePickerInput(
            id=ids("date"), label="Expiration date", placeholder="Pick a date", value=day,
            valueFormat="YYYY-MM-DD", minDate=first_day, maxDate=last_day, disabled=choice != "date",
            clearable=False, w=220, popoverProps={"withinPortal": False},
            description="No later than the pooled subscription's own expiration.",
        ),
        dmc.Text("If you do not extend the pooled subscription, this pool expires when it does.",
                 size="xs", c="dimmed"),
    ], gap=6)


def quantity_input(field_id, label: str, value=None, required: bool = False):
    """A plain text box: what the user typed reaches the checks as typed, so 0, -1, 1.5 or 1e3
    get a message instead of being silently rounded or clamped by a number widget."""
    return dmc.TextInput(id=field_id, label=label, value=value, required=required, w=320, placeholder="How many",
                         inputProps={"inputMode": "numeric"}, autoComplete="off")


def details_id(part: str, form) -> dict:
    """Ids of the "View details" block: one toggle callback serves every form (callbacks/panels.py).
    form: the panel's prefix (Edit pool), followed by the service's number in the wizard, so
    two panels on one page never share a block."""
    return {"type": f"pool-details{part}", "service": form}


def details_toggle(form, unit: str, content_id):
    """The button that opens the availability figures of the chosen subscription. content_id: the
    Paper its form's callbacks fill (each form its own: a pattern id must match all of a
    callback's outputs, and the wizard's check has no Edit pool counterpart)."""
    return dmc.Stack([
        dmc.Button(f"View details of available {unit}", id=details_id("-open", form), variant="subtle",
                   size="compact-sm", w="fit-content", px=4),
        dmc.Collapse(dmc.Paper(id=content_id, withBorder=True, p="sm", radius="md"),
                     id=details_id("-box", form), opened=False),
    ], gap=4)


def availability_table(row: dict | None):
    """Purchased, given to resellers, pending acceptance and available for one subscription."""
    if not row:
        return dmc.Text("Choose a pool to see what it still has.", size="sm", c="dimmed")
    unit = row["unit"]
    lines = [("Purchased", row["purchased"]), ("Given to resellers", row["given"]),
             ("Pending acceptance", row["pending"]), ("Available", row["available"])]
    return dmc.Stack([
        dmc.Text(row["name"], fw=600, size="sm"),
        dmc.SimpleGrid([
            dmc.Stack([dmc.Text(label, size="xs", c="dimmed"),
                       dmc.Text(format_quantity(unit, value), size="sm", fw=600 if label == "Available" else 400,
                                className="details-" + label.lower().replace(" ", "-"))], gap=0)
            for label, value in lines
        ], cols=4, spacing="sm"),
        dmc.Text(f"The pooled subscription expires on {row['expires_at'][:10]}.", size="xs", c="dimmed"),
    ], gap=6)
