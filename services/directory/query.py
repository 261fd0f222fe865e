"""The Reseller directory as a server-paged query: search, filter, sort and paging in SQL.

Only the page's rows get their pool and customer figures computed, so the cost of a request
follows the rows shown, not the rows stored. Sorting by a figure uses the stored figures
(services/metrics/entry_figures.py); rows a date has changed since are sorted by their live
figures, computed in the same read (nothing is written here).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, literal_column, or_, select

from data.db import Database
from data.models import DirectoryEntry, EntryStatus, ResellerFigures
from services.access.principal import Principal
from services.access.scopes import LarScope
from services.common.grid_query import GridPage, GridQuery, day, order_by, search_keywords
from services.common.units import format_quantities, format_utilisation
from services.metrics.entry_figures import SORTABLE_FIGURES, live_figures, sort_keys
from services.metrics.figures import utilisation_by_unit

SORTABLE = {
    "organization_name": DirectoryEntry.organization_name,
    "email": DirectoryEntry.email,
    "status": DirectoryEntry.status,
    "invited_at": DirectoryEntry.invited_at,
    "mapped_at": DirectoryEntry.mapped_at,
    **SORTABLE_FIGURES,
}


def _where(actor: Principal, query: GridQuery):
    conditions = [LarScope(actor).entries()]
    # The document searches by tenant owner; people also type the organization's name, so each
    # keyword may be in either. Emails are stored lower-case: the plain column needs no lower().
    conditions += [or_(DirectoryEntry.email.contains(k, autoescape=True),
                       func.lower(DirectoryEntry.organization_name).contains(k, autoescape=True))
                   for k in search_keywords(query.search)]
    if query.is_set("status"):
        conditions.append(DirectoryEntry.status.in_(query.chosen("status", list(EntryStatus))))
    return conditions


def list_directory(db: Database, actor: Principal, query: GridQuery, *, now: datetime) -> GridPage:
    offset, limit = query.bounds()
    conditions = _where(actor, query)
    by_figure = any(column in SORTABLE_FIGURES for column, _ in query.sort)
    page = select(
        DirectoryEntry.id,
        DirectoryEntry.organization_name,
        DirectoryEntry.email,
        DirectoryEntry.status,
        DirectoryEntry.customer_visibility,
        DirectoryEntry.invited_at,
        DirectoryEntry.mapped_at,
    )
    if by_figure:  # one row per reseller (a trigger adds it), so an inner join loses none
        page = page.join(ResellerFigures, ResellerFigures.reseller_id == DirectoryEntry.id) \
            .where(LarScope(actor).figures())  # lets the figure's index lead
    with db.reading() as session:
        total = session.scalar(select(func.count()).select_from(DirectoryEntry).where(*conditions))
        of = (
            session.scalar(
                select(func.count()).select_from(DirectoryEntry).where(LarScope(actor).entries())
            )
            if query.narrowed
            else None
        )
        sortable = {**SORTABLE, **sort_keys(session, LarScope(actor).lar_id, now)} if by_figure else SORTABLE
        resellers = session.execute(
            page.where(*conditions)
            .order_by(*_seated_first(query.sort, sortable), *order_by(sortable, query.sort, DirectoryEntry.id))
            .offset(offset)
            .limit(limit)
        ).all()
        figures = live_figures(session, [r.id for r in resellers], now)
    rows = []
    for r in resellers:
        f = figures.get(r.id, {})
        rows.append(
            {
                "id": r.id,
                "organization_name": r.organization_name,
                "email": r.email,
                "status": r.status,
                "pools": f.get("pools", 0),
                "customers": f.get("customers", 0),
                "total_quantity": format_quantities(f.get("total", {})),
                "allocated_quantity": format_quantities(f.get("allocated", {})),
                "utilisation": format_utilisation(utilisation_by_unit(f.get("allocated", {}), f.get("total", {}))),
                "customer_visibility": bool(r.customer_visibility),
                "invited_at": day(r.invited_at),
                "mapped_at": day(r.mapped_at),
            }
        )
    return GridPage(rows=rows, total=total or 0, of=of)


def _seated_first(sort, sortable: dict) -> list:
    """Utilisation % ascending lists resellers without seats (shown "—", stored as 0) last, as
    descending does by itself. Written as index ix_reseller_figures_utilisation_seated reads it."""
    if sort and sort[0] == ("utilisation", "asc"):
        return [sortable["total_quantity"] == literal_column("0")]
    return []

