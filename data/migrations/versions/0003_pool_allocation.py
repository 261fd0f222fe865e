"""pool allocation: expiry from dates alone, seats_held, version, never-reused pool ids

Revision ID: 0003
Revises: 0002

A pool stored as 'Expired' becomes a pool whose expiration date has passed (now, if its
date said otherwise), its stored status the acceptance state, and its seats no longer held.
SQLite rebuilds reseller_pools with AUTOINCREMENT (foreign keys are off during migrations,
see env.py, so the rebuild cascades nothing); both databases then start the next pool id
above every id the pools table or the ledger has seen.
"""
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _old_pools_table() -> sa.Table:
    return sa.Table(
        "reseller_pools", sa.MetaData(),
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reseller_id", sa.Integer(), sa.ForeignKey("resellers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("subscription_id", sa.Integer(), sa.ForeignKey("subscriptions.id"), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("payment_type", sa.String(40), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("assigned_quantity", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("seats_held", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.CheckConstraint("status IN ('Pending acceptance', 'Active', 'Expired')", name="pool_status"),
        sa.CheckConstraint("quantity > 0", name="pool_quantity_positive"),
        sa.CheckConstraint("assigned_quantity >= 0 AND assigned_quantity <= quantity", name="pool_not_over_assigned"),
        sa.Index("ix_reseller_pools_reseller_id", "reseller_id"),
        sa.Index("ix_reseller_pools_subscription_id", "subscription_id"),
    )


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column("reseller_pools", sa.Column("seats_held", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("reseller_pools", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    now = datetime.now(UTC).replace(tzinfo=None)
    op.get_bind().execute(sa.text(
        "UPDATE reseller_pools SET seats_held = :no, "
        "expires_at = CASE WHEN expires_at IS NULL OR expires_at > :now THEN :now ELSE expires_at END, "
        "status = CASE WHEN accepted_at IS NULL THEN 'Pending acceptance' ELSE 'Active' END "
        "WHERE status = 'Expired'"
    ), {"now": now, "no": False})
    batch: dict[str, Any] = dict(recreate="always", copy_from=_old_pools_table(),
                                 table_kwargs={"sqlite_autoincrement": True}) if sqlite else {}
    with op.batch_alter_table("reseller_pools", **batch) as pools:
        pools.drop_constraint("pool_status", type_="check")
        pools.create_check_constraint("pool_acceptance", "status IN ('Pending acceptance', 'Active')")
    op.create_index("ix_reseller_pools_held", "reseller_pools", ["subscription_id", "seats_held", "expires_at"])
    highest = "(SELECT MAX(m) FROM (SELECT MAX(id) AS m FROM reseller_pools " \
              "UNION ALL SELECT MAX(reseller_pool_id) FROM allocation_events) AS ids)"
    if sqlite:
        op.execute("DELETE FROM sqlite_sequence WHERE name = 'reseller_pools'")
        op.execute(f"INSERT INTO sqlite_sequence (name, seq) SELECT 'reseller_pools', COALESCE({highest}, 0)")
    else:
        op.execute(f"SELECT setval(pg_get_serial_sequence('reseller_pools', 'id'), COALESCE({highest}, 0) + 1, false)")


def downgrade() -> None:
    op.drop_index("ix_reseller_pools_held", table_name="reseller_pools")
    with op.batch_alter_table("reseller_pools") as pools:
        pools.drop_constraint("pool_acceptance", type_="check")
        pools.create_check_constraint("pool_status", "status IN ('Pending acceptance', 'Active', 'Expired')")
        pools.drop_column("version")
        pools.drop_column("seats_held")
