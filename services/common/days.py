"""Days as the browser sends them (a date picker, a link, a chart's week): untrusted until they
are a real day that the app's date arithmetic can take."""
from __future__ import annotations

from datetime import date

# A week or a month after the last day must still be a date (the calendar ends at 9999-12-31,
# and a Renewals week of 9999-12-27 overflowed): anything later names no day anyone plans for.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9998, 12, 31)


def browser_day(value) -> date | None:
    """The day of YYYY-MM-DD (a time after it is ignored), or None when it is no such day."""
    if not isinstance(value, str):
        return None
    try:
        day = date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None
