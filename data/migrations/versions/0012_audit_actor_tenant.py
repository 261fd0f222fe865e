"""audit_events: the acting tenant, and actions by someone without an account

Revision ID: 0012
Revises: 0011

A reseller signing up or accepting an invitation is recorded in its LAR's Activity (issue 20):
the actor is then the reseller's tenant, and for an accepted link possibly no user at all (the
link's holder). Every earlier row was a LAR user's action: its actor tenant is its LAR.
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("actor_tenant_id", sa.Integer(), nullable=True))
        batch.alter_column("actor_user_id", existing_type=sa.Integer(), nullable=True)
    op.execute("UPDATE audit_events SET actor_tenant_id = lar_id")


def downgrade() -> None:
    op.execute("DELETE FROM audit_events WHERE actor_user_id IS NULL")
    with op.batch_alter_table("audit_events") as batch:
        batch.alter_column("actor_user_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("actor_tenant_id")
