"""Record ids as the browser sends them: untrusted until they are whole numbers a row can have.
Every id from the browser (a selection, a Store, a filter, a form's choice) is read here."""
from __future__ import annotations

from collections.abc import Iterable

from services.common.errors import DomainError, NotFound

MAX_ID = 2**31 - 1  # ids are INTEGER columns (int4 on PostgreSQL): a larger number names no row
MAX_SELECTION = 1000  # rows of one selection


def row_id(value) -> int | None:
    """The id, or None when no row can have it (so no query ever sees it)."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) <= 10:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        return None
    return value


def row_ids(values: Iterable) -> list[int]:
    """The ids among values (a filter's choices), each once; those no row can have are left out."""
    return list(dict.fromkeys(i for i in map(row_id, values) if i is not None))


def parse_ids(raw, noun: str) -> list[int]:
    """A selection from the browser (the ids of a grid's selected rows, each a `noun`: "reseller",
    "pool"): whole numbers a row can have, each once. Counted before anything is read, so a huge
    list costs nothing."""
    values = list(raw) if isinstance(raw, (list, tuple)) else None
    if values is None:
        raise NotFound(noun.capitalize())
    if len(values) > MAX_SELECTION:
        raise DomainError(f"Select at most {MAX_SELECTION:,} {noun}s at a time.")
    ids = [row_id(v) for v in values]
    whole = [i for i in ids if i is not None]
    if len(whole) != len(ids):
        raise NotFound(noun.capitalize())
    return list(dict.fromkeys(whole))
