"""Batch invite of 5,000 rows on SQLite: reading the file, checking every row, inviting the
valid ones (entries, invitations and queued emails), against raw SQL writing the same rows.

    python -m bench.batch_invite

Target (DESIGN.md): under 10 s for 5,000 rows. The file mixes registered resellers, new
addresses, duplicates and bad addresses, as a real upload would.
"""
from __future__ import annotations

import csv
import hashlib
import io
import time
from pathlib import Path

from sqlalchemy import select, text

from data.db import Database
from data.demo import load_demo
from data.migrate import upgrade
from data.models import DirectoryEntry, Tenant
from services.access.console_user import load_principal
from services.common.clock import SystemClock
from services.invitations.batch import check_rows, invite_rows
from services.invitations.batch_file import read_rows

DATA = Path(__file__).parent / "data"
ROWS = 5000


def _database(name: str) -> Database:
    DATA.mkdir(exist_ok=True)
    path = DATA / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    upgrade(url)
    db = Database(url)
    load_demo(db, now=SystemClock().now(), resellers=2000)
    return db


def _file(db: Database) -> bytes:
    with db.reading() as s:
        taken = select(DirectoryEntry.tenant_id).where(
            DirectoryEntry.lar_id == 1, DirectoryEntry.tenant_id.is_not(None)
        )
        registered = s.execute(select(Tenant.organization_name, Tenant.owner_email)
                               .where(Tenant.kind == "reseller", Tenant.id.not_in(taken)).limit(80)).all()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("Organization name", "Email address"))
    for i in range(ROWS):
        if i < len(registered):
            writer.writerow(registered[i])
        elif i % 50 == 0:
            writer.writerow((f"Broken {i}", f"broken-{i}"))
        elif i % 40 == 0:
            writer.writerow((f"Twice {i}", f"owner{i - 1}@new-{i - 1}.example"))
        else:
            writer.writerow((f"New Reseller {i}", f"owner{i}@new-{i}.example"))
    return out.getvalue().encode("utf-8")


def _raw(db: Database, rows: int) -> float:
    """The same writes as raw SQL: an entry, an invitation and a queued email a row."""
    now = SystemClock().now()
    began = time.perf_counter()
    with db.engine.execution_options(write=True).begin() as conn:
        for i in range(rows):
            rid = conn.execute(text(
                "INSERT INTO resellers (lar_id, tenant_id, organization_name, email, status, customer_visibility, "
                "invited_at) VALUES (1, NULL, :n, :e, 'Invited', :yes, :now) RETURNING id"),
                {"n": f"Raw {i}", "e": f"raw{i}@raw.example", "yes": True, "now": now}).scalar()
            iid = conn.execute(text(
                "INSERT INTO invitations (lar_id, reseller_id, email, organization_name, token, status, batch, "
                "sent_at, expires_at) VALUES (1, :r, :e, :n, :t, 'Sent', 'raw', :now, :now) RETURNING id"),
                {"r": rid, "e": f"raw{i}@raw.example", "n": f"Raw {i}",
                 "t": hashlib.sha256(str(i).encode()).hexdigest(), "now": now}).scalar()
            conn.execute(text(
                "INSERT INTO outgoing_emails (\"to\", subject, body, html_body, status, attempts, created_at, "
                "next_attempt_at, about) VALUES (:e, 's', 'b', 'h', 'Queued', 0, :now, :now, :a)"),
                {"e": f"raw{i}@raw.example", "now": now, "a": f"invitation:{iid}"})
    return time.perf_counter() - began


def main() -> None:
    db = _database("batch_invite.db")
    operator = load_principal(db, 2)
    content = _file(db)
    began = time.perf_counter()
    rows = read_rows("bench.csv", content)
    read_s = time.perf_counter() - began
    checks = check_rows(db, operator, rows, email_unregistered=True)
    check_s = time.perf_counter() - began - read_s
    outcome = invite_rows(db, operator, checks, "https://console.example", now=SystemClock().now())
    total = time.perf_counter() - began
    invite_s = total - read_s - check_s
    invited = sum(1 for c in outcome if c.verdict == "Invited")
    raw_s = _raw(db, invited)
    print(f"Batch invite, SQLite, {len(rows):,} rows ({invited:,} invited, "
          f"{len(rows) - invited:,} refused or skipped):")
    print(f"  read {read_s:.2f} s, check {check_s:.2f} s, invite {invite_s:.2f} s; total {total:.2f} s (target < 10 s)")
    print(f"  raw SQL writing the same {invited:,} entries, invitations and emails: {raw_s:.2f} s; "
          f"invite / raw {invite_s / raw_s:.2f}x")
    db.dispose()


if __name__ == "__main__":
    main()
