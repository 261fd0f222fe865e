"""A grid's view (search, filters, sort, page) in the page's query string, so reload,
Back/Forward and a shared link show the same rows. The browser writes it
(assets/grid_url.js, with history.replaceState); the page's layout reads it back here.

Parameters are namespaced by the grid's prefix: dir_q=systems&dir_status=Mapped,Invited&
dir_sort=organization_name.desc&dir_page=2. Anything malformed is dropped, never an error.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from services.common.grid_query import MAX_CHOICES, MAX_SEARCH, clean_text

MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class GridView:
    search: str = ""
    filters: dict = field(default_factory=dict)  # key -> [values]
    sort: tuple = ()  # ((column, "asc" | "desc"),)
    page: int = 1

    @property
    def query(self) -> dict:
        """What the grid's query Store holds."""
        return {"search": self.search, "filters": self.filters}

    def sorted_columns(self, column_defs: list[dict]) -> list[dict]:
        """Column definitions opening with this view's sort (initialSort). Not AG Grid's
        initialState: given one, the grid took its columns' visibility and widths from it too
        (hidden columns shown, widths reset). The page is opened by assets/grid_url.js once
        rows arrive: the infinite row model ignores a page given up front."""
        sort = dict(self.sort)
        return [{**c, "initialSort": sort[c["field"]]} if c["field"] in sort else c for c in column_defs]


def _text(value) -> str:
    if isinstance(value, list):
        value = value[-1] if value else ""
    return value if isinstance(value, str) else ""


def view_from_url(prefix: str, params: dict, filter_options: dict[str, list[str]], sortable: set[str]) -> GridView:
    """params: the page's query parameters as Dash Pages passes them to layout()."""
    params = params or {}
    search = clean_text(_text(params.get(f"{prefix}_q")).strip(), MAX_SEARCH)
    filters = {}
    for key, allowed in filter_options.items():
        canonical = {str(v).lower(): v for v in allowed}  # a hand-typed "mapped" is "Mapped"
        chosen = [canonical[v.lower()] for v in _text(params.get(f"{prefix}_{key}")).split(",")
                  if v.lower() in canonical][:MAX_CHOICES]
        if chosen:
            filters[key] = list(dict.fromkeys(chosen))
    sort = ()
    column, _, direction = _text(params.get(f"{prefix}_sort")).partition(".")
    if column in sortable and direction in ("asc", "desc"):
        sort = ((column, direction),)
    page = _text(params.get(f"{prefix}_page"))
    page = int(page) if page.isascii() and page.isdigit() and 0 < len(page) <= 7 and 0 < int(page) <= MAX_PAGE else 1
    return GridView(search=search, filters=filters, sort=sort, page=page)
