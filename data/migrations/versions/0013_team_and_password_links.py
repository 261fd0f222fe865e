"""password_links: a teammate's invitation and a forgotten password's reset; audit_events.actor_email

Revision ID: 0013
Revises: 0012

Admins invite teammates by email and anyone may reset a forgotten password (issue 20): each is a
single-use link whose token is stored only as its SHA-256. A removed user's past actions keep
the address they were done under (actor_email, filled from the users table for earlier rows).
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "password_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("purpose IN ('invite', 'reset')", name="password_link_purpose"),
    )
    op.create_index("ix_password_links_user", "password_links", ["user_id", "created_at"])
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("actor_email", sa.String(254), nullable=True))
    op.execute("UPDATE audit_events SET actor_email = "
               "(SELECT email FROM users WHERE users.id = audit_events.actor_user_id)")


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("actor_email")
    op.drop_index("ix_password_links_user", "password_links")
    op.drop_table("password_links")
