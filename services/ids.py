"""Record ids as the browser sends them: untrusted until they are whole numbers a row can have."""
from __future__ import annotations

MAX_ID = 2**31 - 1  # ids are INTEGER columns (int4 on PostgreSQL): a larger number names no row


def row_id(value) -> int | None:
    """The id, or None when no row can have it (so no query ever sees it)."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) <= 10:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        return None
    return value
