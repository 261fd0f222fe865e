"""Organization names end up on one line: an email's Subject (where a line break makes the
message undeliverable), a grid cell, the directory's exports. A character that breaks or
reorders such a line is refused, saying what it is, never removed silently."""
from __future__ import annotations

import unicodedata

NAME_LIMIT = 200  # the directory's organization name column
# What str.splitlines, and so Python's email headers, break a line on.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# Overrides, embeddings and isolates reorder the text around them ("Acme\u202egnp.exe" shows as
# "Acmeexe.png"). The direction marks (U+200E, U+200F, U+061C) and the joiners that Arabic,
# Persian, Indic scripts and emoji need are letters' company, not controls: they stay.
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def unfit_character(text: str) -> str:
    """"" when text can stand on one line of a name and an email header, else what is in the
    way: "a line break", "a tab", "a text-direction control", "a control character" or "a
    character that is not text" (half of a surrogate pair)."""
    for char in text:
        if char in LINE_BREAKS:
            return "a line break"
        if char == "\t":
            return "a tab"
        if char in DIRECTION_CONTROLS:
            return "a text-direction control"
        category = unicodedata.category(char)
        if category == "Cc":
            return "a control character"
        if category == "Cs":
            return "a character that is not text"
    return ""


def name_problem(name: str) -> str:
    """The field message for an organization name (already trimmed), or "" when it is usable."""
    if len(name) > NAME_LIMIT:
        return f"Use at most {NAME_LIMIT} characters for the organization name."
    unfit = unfit_character(name)
    return f"The organization name cannot contain {unfit}." if unfit else ""
