"""Quantities of different units are shown side by side, never summed."""
from __future__ import annotations

from collections.abc import Mapping

UNIT_ORDER = ("user seats", "objects", "capacity")


def format_quantity(unit: str, quantity: int) -> str:
    if unit == "capacity":
        return f"{quantity:,} GB"
    if quantity == 1:
        unit = unit[:-1]  # "1 user seat", "1 object"
    return f"{quantity:,} {unit}"


def format_quantities(by_unit: Mapping[str, int]) -> str:
    """{'user seats': 1250, 'objects': 40} -> '1,250 user seats · 40 objects'."""
    parts = [format_quantity(u, by_unit[u]) for u in UNIT_ORDER if by_unit.get(u)]
    return " · ".join(parts) if parts else "0"


def format_percent(value: float | None) -> str:
    """One decimal and the sign everywhere ("25.0%", "6.5%"); "—" when there is no figure."""
    return "—" if value is None else f"{value:.1f}%"


def format_utilisation(by_unit: Mapping[str, float]) -> str:
    """Utilisation of each unit apart (services/metrics/figures.utilisation_by_unit), each named
    the same way whether a reseller holds one unit or several: "9.2% seats", "2.7% seats · 16.0% GB";
    "—" when nothing was given."""
    return " · ".join(f"{format_percent(by_unit[u])} {UNIT_WORDS[u]}" for u in UNIT_ORDER if u in by_unit) or "—"


UNIT_WORDS = {"user seats": "seats", "objects": "objects", "capacity": "GB"}  # short: a grid cell holds three
_SHOWN_UNIT = {"user seat": "user seats", "user seats": "user seats", "object": "objects", "objects": "objects",
               "GB": "capacity"}


def parse_quantities(text: str) -> dict[str, int] | None:
    """The inverse of format_quantities (and of format_quantity): for exports that need the
    numbers back. None when text is not a quantity this module wrote."""
    if text == "0":
        return {}
    found: dict[str, int] = {}
    for part in str(text).split(" · "):
        number, _, unit = part.partition(" ")
        if unit not in _SHOWN_UNIT or not number.replace(",", "").isdigit():
            return None
        found[_SHOWN_UNIT[unit]] = int(number.replace(",", ""))
    return found
