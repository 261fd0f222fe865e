"""What a server-paged grid asks for, and the SQL pieces every grid shares."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from sqlalchemy import func

MAX_PAGE = 500
EXPORT_MAX = 100_000
MAX_SEARCH = 200  # characters: a longer search is no search anyone types
MAX_CHOICES = 1000  # values of one filter


@dataclass(frozen=True)
class GridQuery:
    search: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: tuple[tuple[str, str], ...] = ()
    start: int = 0
    end: int = 100
    cap: int = MAX_PAGE

    def bounds(self) -> tuple[int, int]:
        """(offset, limit), clamped: the browser's numbers are not trusted."""
        start = max(0, int(self.start))
        end = min(max(start, int(self.end)), start + self.cap)
        return start, end - start

    def for_export(self) -> GridQuery:
        """Every row the search and filters select, in the same order, up to EXPORT_MAX."""
        return replace(self, start=0, end=EXPORT_MAX, cap=EXPORT_MAX)

    @property
    def narrowed(self) -> bool:
        """A search or a filter is on: the grid shows some of its rows."""
        return bool(self.search.strip()) or any(self.filters.values())

    def is_set(self, key: str) -> bool:
        """The filter has values. Callers filter on chosen(...) whenever it is set, so a filter set
        only to values no row can have (a hand-made link) matches nothing, never everything."""
        return bool((self.filters or {}).get(key))

    def chosen(self, key: str, allowed=None) -> list[str]:
        values = [str(v) for v in (self.filters or {}).get(key, ()) or ()]
        return [v for v in values if allowed is None or v in allowed]


@dataclass
class GridPage:
    rows: list[dict] = field(default_factory=list)
    total: int = 0
    detail: str = ""  # said after the row count, e.g. "2 expired"
    of: int | None = None  # all the rows, when a search or filter narrowed them: "0 of 3 pools"


def clean_text(value, limit: int) -> str:
    """Text from the browser as a database can take it: a string, no NUL or lone surrogate
    (PostgreSQL refuses both), at most limit characters."""
    if not isinstance(value, str):
        return "" if value is None or isinstance(value, (list, dict, bool)) else str(value)[:limit]
    return value[:limit].replace("\x00", "").encode("utf-8", "ignore").decode("utf-8")


def search_keywords(text: str) -> list[str]:
    return [k.lower() for k in (text or "").split()][:10]


def keyword_conditions(column, text: str) -> list:
    """Every keyword must appear; % and _ are literal. Lower-cased on both sides."""
    return [func.lower(column).contains(k, autoescape=True) for k in search_keywords(text)]


def order_by(sortable: Mapping, sort, tiebreak) -> list:
    """sortable: {column id: a column, or a tuple of columns sorted together in one direction}."""
    order = []
    for col_id, direction in sort or ():
        chosen = sortable.get(col_id)
        for column in chosen if isinstance(chosen, tuple) else (chosen,) if chosen is not None else ():
            order.append(column.desc() if direction == "desc" else column.asc())
    order.append(tiebreak.asc())  # a stable order makes paging deterministic
    return order


def day(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""
