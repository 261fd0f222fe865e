"""invitations: the directory entry, the invited tenant, link expiry, acceptance, who invited

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # No invitation was ever written before this revision: the table is empty.
    with op.batch_alter_table("invitations") as invitations:
        invitations.add_column(sa.Column("reseller_id", sa.Integer(), nullable=True))
        invitations.add_column(sa.Column("tenant_id", sa.Integer(), nullable=True))
        invitations.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
        invitations.add_column(sa.Column("accepted_at", sa.DateTime(), nullable=True))
        invitations.add_column(sa.Column("invited_by_user_id", sa.Integer(), nullable=True))
        invitations.create_foreign_key("fk_invitations_reseller", "resellers", ["reseller_id"], ["id"],
                                       ondelete="CASCADE")
        invitations.create_foreign_key("fk_invitations_tenant", "tenants", ["tenant_id"], ["id"])
        invitations.create_check_constraint("invitation_status", "status IN ('Sent', 'Accepted')")
        invitations.create_index("ix_invitations_reseller_id", ["reseller_id"])


def downgrade() -> None:
    with op.batch_alter_table("invitations") as invitations:
        invitations.drop_index("ix_invitations_reseller_id")
        invitations.drop_constraint("invitation_status", type_="check")
        invitations.drop_constraint("fk_invitations_tenant", type_="foreignkey")
        invitations.drop_constraint("fk_invitations_reseller", type_="foreignkey")
        for column in ("invited_by_user_id", "accepted_at", "expires_at", "tenant_id", "reseller_id"):
            invitations.drop_column(column)
