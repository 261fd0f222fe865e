"""Batch invite: every row of an uploaded file checked before anything is written (a preview),
then the valid rows invited in chunks, each chunk one transaction, so what was committed stays
committed and running the same file again invites no one twice."""
from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select

from data.db import Database
from data.models import AuditAction, DirectoryEntry, Tenant, TenantKind
from services.access.policy import Action, require
from services.access.principal import Principal
from services.access.scopes import LarScope
from services.activity import audit
from services.common.email_address import check_email
from services.common.errors import DomainError
from services.common.exports import neutralise
from services.common.names import NAME_LIMIT, unfit_character
from services.invitations.batch_file import EXAMPLE, SheetRow
from services.invitations.invite import invitation_email, lar_name, name_key, new_invitation

CHUNK = 250
WILL_INVITE, WILL_EMAIL, SKIPPED, PROBLEM = "Will invite", "Will email a sign-up link", "Skipped", "Problem"


@dataclass(frozen=True)
class RowCheck:
    number: int
    organization_name: str
    email: str
    verdict: str  # WILL_INVITE, WILL_EMAIL, SKIPPED or PROBLEM
    detail: str
    tenant_id: int | None = None

    @property
    def valid(self) -> bool:
        return self.verdict in (WILL_INVITE, WILL_EMAIL)

    def as_dict(self) -> dict:
        return {"row": self.number, "organization_name": self.organization_name, "email": self.email,
                "verdict": self.verdict, "detail": self.detail, "tenant_id": self.tenant_id}


def check_rows(db: Database, actor: Principal, rows: list[SheetRow], email_unregistered: bool) -> list[RowCheck]:
    """Rules 2 and 3 for every row at once: a few queries, whatever the number of rows."""
    require(actor, Action.INVITE_SEND)
    emails = {row.number: check_email(row.email) for row in rows}
    wanted = sorted({e for e, _ in emails.values() if e})
    domains = {e.rsplit("@", 1)[1] for e in wanted}
    with db.reading() as session:
        owners: dict[str, list[Tenant]] = {}
        if wanted:
            for tenant in session.scalars(select(Tenant).where(func.lower(Tenant.owner_email).in_(wanted))):
                owners.setdefault(tenant.owner_email.lower(), []).append(tenant)
        by_domain: dict[tuple[str, str], list[int]] = {}
        for tenant_id, owner, name in session.execute(
                select(Tenant.id, Tenant.owner_email, Tenant.organization_name).where(Tenant.kind == "reseller")):
            domain = owner.lower().rsplit("@", 1)[-1]
            if domain in domains:
                by_domain.setdefault((domain, name_key(name)), []).append(tenant_id)
        entries = session.execute(select(DirectoryEntry.tenant_id, func.lower(DirectoryEntry.email))
                                  .where(LarScope(actor).entries())).all()
    in_directory = {t for t, _ in entries if t is not None} | {e for _, e in entries}
    first_seen: dict[str, int] = {}
    tenant_rows: dict[int, int] = {}  # a registered reseller reached by two rows is invited once
    checks = []
    for row in rows:
        email, why = emails[row.number]
        check = RowCheck(row.number, row.organization_name, row.email, PROBLEM, "")
        if email is None:
            checks.append(replace(check, detail=f"Bad email address: {why}"))
            continue
        if email == EXAMPLE[1] and name_key(row.organization_name) == name_key(EXAMPLE[0]):
            checks.append(replace(check, detail="The template's example row: it is never invited. Delete it."))
            continue
        if len(row.organization_name) > NAME_LIMIT:
            checks.append(replace(check, detail=f"Organization name is longer than {NAME_LIMIT} characters"))
            continue
        unfit = unfit_character(row.organization_name)
        if unfit:
            checks.append(replace(check, detail=f"Organization name contains {unfit}"))
            continue
        if email in first_seen:
            checks.append(replace(check, detail=f"Duplicate of row {first_seen[email]}"))
            continue
        first_seen[email] = row.number
        kinds = {t.kind for t in owners.get(email, [])}
        resellers = [t for t in owners.get(email, []) if t.kind == "reseller"]
        if TenantKind.LAR in kinds:
            checks.append(replace(check, detail="A large account reseller: cannot be invited"))
        elif email in in_directory or any(t.id in in_directory for t in resellers):
            checks.append(replace(check, detail="Already in your directory"))
        elif resellers and resellers[0].id in tenant_rows:
            checks.append(replace(check, detail=f"Duplicate of row {tenant_rows[resellers[0].id]} "
                                                f"(the same registered reseller)"))
        elif resellers:
            tenant_rows[resellers[0].id] = row.number
            checks.append(replace(check, verdict=WILL_INVITE, detail=f"Registered: {resellers[0].organization_name}",
                                  tenant_id=resellers[0].id))
        elif "customer" in kinds:
            checks.append(replace(check, detail="A customer tenant: only resellers can be invited"))
        else:
            matches = by_domain.get((email.rsplit("@", 1)[1], name_key(row.organization_name)), []) \
                if row.organization_name else []
            if matches and all(m in in_directory for m in matches):
                checks.append(replace(check, detail="Already in your directory (the registered reseller of this "
                                                    "domain and name)"))
            elif len(matches) == 1 and matches[0] in tenant_rows:
                checks.append(replace(check, detail=f"Duplicate of row {tenant_rows[matches[0]]} "
                                                    f"(the same registered reseller)"))
            elif len(matches) == 1:
                tenant_rows[matches[0]] = row.number
                checks.append(replace(check, verdict=WILL_INVITE, detail="Registered (by domain and name)",
                                      tenant_id=matches[0]))
            elif len(matches) > 1:
                checks.append(replace(check, detail="Several registered resellers match: use Single invite"))
            elif email_unregistered:
                checks.append(replace(check, verdict=WILL_EMAIL, detail="Not registered: an email invites them to "
                                                                        "sign up"))
            else:
                checks.append(replace(check, verdict=SKIPPED, detail="Not registered, and emails to unregistered "
                                                                     "accounts are off"))
        checks[-1] = replace(checks[-1], email=email)
    return checks


def invite_rows(db: Database, actor: Principal, checks: list[RowCheck], base_url: str,
                progress: Callable[[int, int, list[RowCheck]], None] | None = None,
                cancelled: Callable[[], bool] | None = None, *, now: datetime,
                batch: str | None = None) -> list[RowCheck]:
    """Invite the valid rows, CHUNK rows a transaction. Each row is checked again inside its
    transaction, so a file sent twice (or two operators at once) invites no one twice.
    progress(done, total, settled): after each committed chunk, with the rows settled so far."""
    require(actor, Action.INVITE_SEND)
    batch = batch or uuid.uuid4().hex
    todo = [c for c in checks if c.valid]
    outcome = {c.number: c for c in checks}
    done = 0
    for start in range(0, len(todo), CHUNK):
        if cancelled and cancelled():
            for c in todo[start:]:
                outcome[c.number] = replace(c, verdict=SKIPPED, detail="Cancelled before it was invited")
            break
        with db.unit_of_work() as session:
            settled = _invite_chunk(session, actor, todo[start:start + CHUNK], base_url, batch, now)
        for c in settled:
            outcome[c.number] = c
        done += len(settled)
        if progress:
            progress(done, len(todo), [c for c in outcome.values() if not c.valid])
    return [outcome[c.number] for c in checks]


def _invite_chunk(session, actor: Principal, chunk: list[RowCheck], base_url: str, batch: str,
                  now: datetime) -> list[RowCheck]:
    """One transaction: each kind of row written in one batched INSERT. Rows checked again here:
    what another run committed meanwhile is not invited twice."""
    emails = [c.email for c in chunk]
    tenant_ids = [c.tenant_id for c in chunk if c.tenant_id]
    present = session.execute(select(DirectoryEntry.tenant_id, func.lower(DirectoryEntry.email)).where(
        LarScope(actor).entries(),
        func.lower(DirectoryEntry.email).in_(emails) | DirectoryEntry.tenant_id.in_(tenant_ids))).all()
    taken = {t for t, _ in present if t is not None} | {e for _, e in present}
    tenants = {t.id: t for t in session.scalars(select(Tenant).where(Tenant.id.in_(tenant_ids)))} if tenant_ids else {}
    results, invited = [], []
    for c in chunk:
        tenant = tenants.get(c.tenant_id)
        if c.email in taken or (tenant is not None and (tenant.id in taken or tenant.owner_email.lower() in taken)):
            results.append(replace(c, verdict=PROBLEM, detail="Already in your directory"))
            continue
        name = (tenant.organization_name if tenant else c.organization_name) or c.email.rsplit("@", 1)[1]
        entry = DirectoryEntry(
            lar_id=LarScope(actor).lar_id,
            tenant_id=tenant.id if tenant else None,
            organization_name=name[:200],
            email=tenant.owner_email.lower() if tenant else c.email,
            status="Invited",
            customer_visibility=True,
            invited_at=now,
        )
        taken |= {entry.email, *([tenant.id] if tenant else [])}
        invited.append((c, entry, tenant))
        results.append(replace(c, verdict="Invited", detail="Invitation email queued"))
    session.add_all([entry for _, entry, _ in invited])
    session.flush()
    letters = [(new_invitation(actor, entry, tenant, now, batch), entry) for _, entry, tenant in invited]
    session.add_all([invitation for (invitation, _token), _entry in letters])
    session.flush()
    lar = lar_name(session, actor)
    session.add_all([invitation_email(lar, invitation, token, base_url, now) for (invitation, token), _ in letters])
    for _, entry, _ in invited:
        audit.record(session, actor, AuditAction.RESELLER_INVITE, f"reseller:{entry.id}", now=now, email=entry.email,
                     batch=batch)
    return results


def stopped_outcome(rows: list[SheetRow], settled: list[RowCheck]) -> list[RowCheck]:
    """After Stop: the rows the job had settled (its committed chunks and the refused rows), the
    others not invited."""
    known = {c.number: c for c in settled}
    return [known.get(r.number) or RowCheck(r.number, r.organization_name, r.email, SKIPPED,
                                            "Not invited: stopped before this row was reached") for r in rows]


def outcome_csv(checks: list[RowCheck]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("Row", "Organization name", "Email address", "Outcome", "Detail"))
    for c in checks:
        writer.writerow([c.number, *(neutralise(v) for v in (c.organization_name, c.email, c.verdict, c.detail))])
    return out.getvalue()


def require_rows(checks: list[RowCheck]) -> None:
    if not any(c.valid for c in checks):
        raise DomainError("No row can be invited: correct the rows with problems and upload the file again.")
