"""The demo's made-up names: organizations, their customers, and the slugs of their addresses."""
from __future__ import annotations

_ADJECTIVES = (
    "Blue", "Bright", "Cedar", "Coastal", "Crimson", "Delta", "Evergreen", "Falcon", "Granite",
    "Harbor", "Iron", "Juniper", "Keystone", "Lumen", "Maple", "Nimbus", "Northern", "Orchid",
    "Pioneer", "Quartz", "Redwood", "Silver", "Summit", "Tidal", "Unity", "Vertex", "Willow",
)
_NOUNS = (
    "Networks", "Systems", "Solutions", "Technologies", "Partners", "Digital", "Cloudworks",
    "Consulting", "IT Services", "Data", "Logic", "Labs", "Integrations", "Computing",
)
# Customers' names: a word and a trade, numbered per reseller (no two of a reseller's customers
# share a name; names need no digits, which would sort as text: "10" before "2").
_CLIENT_WORDS = (
    "Acorn", "Beacon", "Birch", "Cobalt", "Copper", "Dune", "Ember", "Fern", "Glacier", "Hazel",
    "Indigo", "Jasper", "Kestrel", "Lark", "Meadow", "Nova", "Oak", "Pebble", "Quill", "Raven",
    "Sage", "Thistle", "Umber", "Vale", "Wren", "Yarrow", "Zephyr",
)
_CLIENT_TRADES = (
    "Dental", "Bakery", "Law Group", "Architects", "Clinic", "Logistics", "Accounting", "Realty",
    "Studio", "Foods", "Engineering", "Hotels", "Pharmacy", "Academy", "Motors", "Insurance",
    "Florists", "Brewing", "Printing", "Outfitters",
)
FIRST_NAMES = ("alex", "sam", "jordan", "taylor", "morgan", "casey", "riley", "jamie", "drew", "kim")


def org_name(i: int) -> str:
    adjective = _ADJECTIVES[i % len(_ADJECTIVES)]
    noun = _NOUNS[(i // len(_ADJECTIVES)) % len(_NOUNS)]
    cycle = i // (len(_ADJECTIVES) * len(_NOUNS))
    return f"{adjective} {noun}" + (f" {cycle + 1}" if cycle else "")


def client_name(reseller_id: int, number: int) -> str:
    """Distinct for numbers 1..540 of one reseller; each reseller starts at its own place."""
    combos = len(_CLIENT_WORDS) * len(_CLIENT_TRADES)
    k = (reseller_id * 37 + number * 41) % combos  # 41 is prime to 540: a new word and trade each time
    cycle = (number - 1) // combos
    name = f"{_CLIENT_WORDS[k % len(_CLIENT_WORDS)]} {_CLIENT_TRADES[k // len(_CLIENT_WORDS)]}"
    return name + (f" {cycle + 1}" if cycle else "")


def slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-").replace("--", "-")
