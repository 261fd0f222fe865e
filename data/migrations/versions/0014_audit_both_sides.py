"""audit_events: the reseller's tenant an action concerns; lar_id may be empty

Revision ID: 0014
Revises: 0013

Issue 21 makes room for reseller users: both sides of one action must be able to list it. The
LAR side reads lar_id (now "the LAR the record belongs to", empty for a reseller's action that
concerns no LAR); the reseller side reads reseller_tenant_id. Earlier rows get the tenant of
the directory entry they name, else the reseller tenant that acted (a sign-up, an acceptance).
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("reseller_tenant_id", sa.Integer(), nullable=True))
        batch.alter_column("lar_id", existing_type=sa.Integer(), nullable=True)
    op.execute("UPDATE audit_events SET reseller_tenant_id = "
               "(SELECT resellers.tenant_id FROM resellers WHERE resellers.id = audit_events.reseller_id) "
               "WHERE reseller_id IS NOT NULL")
    op.execute("UPDATE audit_events SET reseller_tenant_id = actor_tenant_id "
               "WHERE reseller_tenant_id IS NULL AND actor_tenant_id IS NOT NULL AND actor_tenant_id <> lar_id")
    op.create_index("ix_audit_events_reseller_tenant_at", "audit_events", ["reseller_tenant_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_reseller_tenant_at", table_name="audit_events")
    op.execute("DELETE FROM audit_events WHERE lar_id IS NULL")
    with op.batch_alter_table("audit_events") as batch:
        batch.alter_column("lar_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("reseller_tenant_id")
