"""health_probe: the row /healthz writes and commits

Revision ID: 0011
Revises: 0010

The health check used to roll back an UPDATE that rewrote a value in place: it never reached
the disk, so /healthz said ok on a full disk while every write failed. Each probe now inserts a
row larger than a page, deletes the older ones, and commits (data/db.py).
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "health_probe",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("health_probe")
