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
