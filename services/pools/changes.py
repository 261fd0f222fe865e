"""Add pool and Edit pool: the panels' choices and the writes behind them (rules 5 to 7, 11).

Each save is one transaction: every pool of an Add pool wizard is created, or none is.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from sqlalchemy import func, select

from data.catalog import PAYMENT_TYPES, SERVICE_UNITS, SERVICES
from data.db import Database
from data.models import AllocationEvent, AuditAction, CustomerAssignment, DirectoryEntry, ResellerPool, Subscription
from services.access.policy import Action, require
from services.access.principal import Principal
from services.access.scopes import LarScope
from services.activity import audit
from services.common.errors import Conflict, DomainError, InvalidForm, NotFound
from services.common.ids import row_id
from services.common.units import format_quantity
from services.directory.entries import own_reseller
from services.pools.allocation import (
    NotEnoughSeats,
    free_quantity,
    give_back_seats,
    lock_subscriptions,
    reclaim_expired,
    take_seats,
)
from services.pools.form import (
    NOW,
    ON_DATE,
    SAME,
    PoolFields,
    check_choice,
    check_expiration,
    check_new_pool,
    check_quantity,
    more_than_available,
    whole_number,
)
from services.pools.state import pool_expires, reseller_pool_labels
from services.subscriptions.choices import availability, subscription_facts

MAPPED_ONLY = "Only mapped resellers can receive pools."


CHANGED = "This pool changed since you opened it. Close the panel and open it again to see the changes."


class EntryName(TypedDict):
    id: int
    organization_name: str


class ServiceChoice(TypedDict):
    name: str
    unit: str
    about: str
    subscriptions: list[dict]  # services/subscriptions/choices.availability's rows, unexpired


class AddPoolChoices(TypedDict):
    """The wizard's content, kept in its Store as it is (a TypedDict: it goes to the browser)."""
    reseller: EntryName
    services: list[ServiceChoice]


@dataclass(frozen=True)
class AddedPool:
    """A pool the Add pool wizard created, as its notice names it."""
    id: int
    service: str
    expired: bool  # expired at once, as chosen
    quantity: str  # formatted, with its unit
    name: str  # its label among the reseller's pools


@dataclass(frozen=True)
class EditPoolForm:
    """What the Edit pool panel shows for one pool, with the version its save must match."""
    pool_id: int
    version: int
    reseller_id: int
    label: str
    service: str
    unit: str
    subscription: dict  # the subscription's availability row (services/subscriptions/choices.py)
    payment_type: str
    payment_locked: str  # why the payment type cannot change, or ""
    quantity: int
    min_quantity: int
    max_quantity: int
    expiration: str  # SAME, NOW or ON_DATE
    expiration_date: str | None
    expired: bool
    customers: int  # customers holding seats of it
    assigned: int  # what they hold


@dataclass(frozen=True)
class EditedPool:
    id: int
    name: str
    expired: bool  # expired now, by this save or its date


def require_mapped(reseller: DirectoryEntry) -> None:
    if reseller.status != "Mapped":
        raise DomainError(f"{MAPPED_ONLY} {reseller.organization_name} is {reseller.status}.")


def add_pool_choices(db: Database, actor: Principal, reseller_id, *, now: datetime) -> AddPoolChoices:
    """The wizard's content: the 15 services, each with this LAR's unexpired Subscriptions."""
    require(actor, Action.POOL_ADD)
    with db.reading() as session:
        reseller = own_reseller(session, actor, reseller_id)
        require_mapped(reseller)
        subscriptions = availability(session, LarScope(actor).lar_id, now)
    by_service: dict[str, list[dict]] = {}
    for row in subscriptions:
        by_service.setdefault(row["service"], []).append(row)
    return AddPoolChoices(
        reseller=EntryName(id=reseller.id, organization_name=reseller.organization_name),
        services=[ServiceChoice(name=name, unit=unit, about=about, subscriptions=by_service.get(name, []))
                  for name, unit, about in SERVICES],
    )


def add_pools(db: Database, actor: Principal, reseller_id, requests: Sequence[Mapping],
              *, now: datetime) -> list[AddedPool]:
    """One reseller pool per request, all in one transaction, each Pending acceptance.

    requests: {service, subscription_id, source, payment_type, quantity, expiration,
    expiration_date} as the browser sent them. Raises InvalidForm {service: {field: message}}."""
    require(actor, Action.POOL_ADD)
    requests = [r for r in requests or () if isinstance(r, Mapping)]
    if not requests:
        raise DomainError("Choose at least one service.")
    services = [str(r.get("service", "")) for r in requests]
    if any(s not in SERVICE_UNITS for s in services) or len(set(services)) != len(services):
        raise DomainError("Choose each service once, from the list.")
    wanted = {s: row_id(r.get("subscription_id")) for s, r in zip(services, requests, strict=True)}
    with db.unit_of_work(now=now) as session:
        reseller = own_reseller(session, actor, reseller_id, lock=True)
        require_mapped(reseller)
        subs = lock_subscriptions(session, LarScope(actor).lar_id, [i for i in wanted.values() if i])
        for sub in subs.values():
            reclaim_expired(session, sub, now)
        # After the reclaim the counter holds exactly the live pools: no need to sum them.
        free = {sub_id: free_quantity(session, sub_id) for sub_id in subs}
        errors: dict[str, dict] = {}
        accepted: list[tuple[str, Subscription, PoolFields]] = []
        for service, request in zip(services, requests, strict=True):
            wanted_id = wanted[service]
            chosen = subs.get(wanted_id) if wanted_id is not None else None
            if chosen is not None and chosen.service != service:
                chosen = None  # another service's subscription: as good as none
            known = subscription_facts(chosen, free.get(chosen.id, 0)) if chosen is not None else None
            field_errors, fields = check_new_pool(request, known, now)
            if field_errors:
                errors[service] = field_errors
            else:
                # No errors: check_new_pool refuses a missing subscription and returns every field.
                assert chosen is not None and fields is not None
                accepted.append((service, chosen, fields))
        if errors:
            raise InvalidForm(errors)
        created: list[tuple[int, str, bool, str]] = []  # (pool id, service, expired at once, quantity)
        for service, sub, fields in accepted:
            try:
                take_seats(session, sub, fields.quantity if fields.expiration != NOW else 0, now)
            except NotEnoughSeats as short:
                raise InvalidForm({service: {"quantity": more_than_available(sub.unit, short.available, sub.name)}}) \
                    from None
            pool = ResellerPool(
                reseller_id=reseller.id, subscription_id=sub.id, source=fields.source,
                payment_type=fields.payment_type, quantity=fields.quantity, assigned_quantity=0,
                expires_at=fields.expires_at, status="Pending acceptance", created_at=now,
                seats_held=fields.expiration != NOW, version=1,
            )
            session.add(pool)
            session.flush()
            session.add(AllocationEvent(at=now, reseller_pool_id=pool.id, purchased_delta=fields.quantity,
                                        allocated_delta=0, actor_user_id=actor.user_id))
            audit.record(session, actor, AuditAction.POOL_ADD, f"pool:{pool.id}", now=now, reseller_id=reseller.id,
                         subscription_id=sub.id, service=service, quantity=fields.quantity, source=fields.source,
                         payment_type=fields.payment_type, expiration=fields.expiration,
                         expires_at=fields.expires_at)
            created.append((pool.id, service, fields.expiration == NOW, format_quantity(sub.unit, fields.quantity)))
        labels = reseller_pool_labels(session, reseller.id)
        return [AddedPool(id=pool_id, service=service, expired=expired, quantity=quantity, name=labels[pool_id])
                for pool_id, service, expired, quantity in created]


def edit_pool_form(db: Database, actor: Principal, reseller_id, pool_id, *, now: datetime) -> EditPoolForm:
    """What the Edit pool panel shows for one pool, with the version its save must match."""
    require(actor, Action.POOL_EDIT)
    with db.reading() as session:
        reseller = own_reseller(session, actor, reseller_id)
        pool, sub = _pool_of(session, reseller, pool_id)
        [details] = availability(session, LarScope(actor).lar_id, now, ids=[sub.id], unexpired_only=False)
        label = reseller_pool_labels(session, reseller.id)[pool.id]
        in_use = _assigned(session, pool.id, now)
    live = pool_expires(pool.expires_at, sub.expires_at) > now
    own = pool.quantity if live else 0
    if pool.expires_at is None:
        choice, day = SAME, None
    elif pool.expires_at <= now:
        choice, day = NOW, None
    else:
        choice, day = ON_DATE, pool.expires_at.date().isoformat()
    return EditPoolForm(
        pool_id=pool.id, version=pool.version, reseller_id=reseller.id,
        label=label, service=sub.service, unit=sub.unit,
        subscription=details, payment_type=pool.payment_type,
        payment_locked=(f"Locked: the reseller has assigned this pool to {in_use} customer"
                        f"{'s' if in_use != 1 else ''}.") if in_use else "",
        quantity=pool.quantity, min_quantity=max(1, pool.assigned_quantity),
        max_quantity=own + details["available"],
        expiration=choice, expiration_date=day, expired=not live,
        customers=in_use, assigned=pool.assigned_quantity,
    )


def edit_pool(db: Database, actor: Principal, reseller_id, pool_id, version, changes: Mapping,
              *, now: datetime) -> EditedPool:
    """Payment type, quantity and expiration of one pool, if nobody changed it since `version`.

    changes: {payment_type, quantity, expiration, expiration_date}. Raises InvalidForm
    {field: message}, or Conflict when the pool moved on."""
    require(actor, Action.POOL_EDIT)
    with db.unit_of_work(now=now) as session:
        reseller = own_reseller(session, actor, reseller_id, lock=True)
        pool, sub = _pool_of(session, reseller, pool_id)
        sub = lock_subscriptions(session, LarScope(actor).lar_id, [sub.id])[sub.id]
        session.refresh(pool, with_for_update=True)
        if whole_number(version) != pool.version:
            raise Conflict(CHANGED)
        reclaim_expired(session, sub, now)
        session.refresh(pool)
        errors: dict[str, str] = {}
        held = pool.quantity if pool.seats_held else 0
        known = subscription_facts(sub, free_quantity(session, sub.id) + held)
        payment_type = check_choice(changes.get("payment_type"), PAYMENT_TYPES, "payment_type", "payment type", errors)
        if payment_type and payment_type != pool.payment_type and _assigned(session, pool.id, now):
            errors["payment_type"] = ("The payment type cannot change: the reseller has assigned this pool "
                                      "to customers.")
        choice, expires_at = check_expiration(changes.get("expiration"), changes.get("expiration_date"), known,
                                              now, errors)
        live_after = pool_expires(expires_at, sub.expires_at) > now
        quantity = check_quantity(changes.get("quantity"), known, errors, at_least=pool.assigned_quantity,
                                  holds_seats=live_after)
        if errors:
            raise InvalidForm(errors)
        before = {"payment_type": pool.payment_type, "quantity": pool.quantity, "expires_at": pool.expires_at}
        need = quantity if live_after else 0
        try:
            if need > held:
                take_seats(session, sub, need - held, now)
            elif need < held:
                give_back_seats(session, sub.id, held - need)
        except NotEnoughSeats as short:
            raise InvalidForm({"quantity": more_than_available(sub.unit, short.available + held, sub.name)}) from None
        if quantity != pool.quantity:
            session.add(AllocationEvent(at=now, reseller_pool_id=pool.id, purchased_delta=quantity - pool.quantity,
                                        allocated_delta=0, actor_user_id=actor.user_id))
        pool.payment_type, pool.quantity, pool.expires_at = payment_type, quantity, expires_at
        pool.seats_held = live_after
        pool.version += 1
        after = {"payment_type": payment_type, "quantity": quantity, "expires_at": expires_at}
        audit.record(session, actor, AuditAction.POOL_EDIT, f"pool:{pool.id}", now=now, reseller_id=reseller.id,
                     subscription_id=pool.subscription_id, expiration=choice,
                     before={k: v for k, v in before.items() if after[k] != v},
                     after={k: v for k, v in after.items() if before[k] != v})
        return EditedPool(id=pool.id, name=reseller_pool_labels(session, reseller.id)[pool.id], expired=not live_after)


def _pool_of(session, reseller: DirectoryEntry, pool_id) -> tuple[ResellerPool, Subscription]:
    number = row_id(pool_id)
    row = session.execute(
        select(ResellerPool, Subscription)
        .join(Subscription, Subscription.id == ResellerPool.subscription_id)
        .where(ResellerPool.id == number, ResellerPool.reseller_id == reseller.id)
    ).first() if number else None
    if row is None:
        raise NotFound("Pool")
    return row[0], row[1]


def _assigned(session, pool_id: int, now: datetime) -> int:
    """How many customers hold an unended assignment from the pool."""
    return session.scalar(
        select(func.count(func.distinct(CustomerAssignment.customer_tenant_id)))
        .where(CustomerAssignment.reseller_pool_id == pool_id,
               (CustomerAssignment.ends_at.is_(None)) | (CustomerAssignment.ends_at > now))
    ) or 0
