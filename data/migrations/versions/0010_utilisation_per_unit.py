"""reseller_figures.utilisation: the highest of the units' own utilisations

Revision ID: 0010
Revises: 0009

Utilisation % used to add seats, objects and GB together (issue 20). The directory now sorts
it by the unit nearest to running out; every stored row is marked stale (valid_until in 1970),
so the next sorted read recomputes it the new way.
"""
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE reseller_figures SET valid_until = '1970-01-01 00:00:00'")


def downgrade() -> None:
    op.execute("UPDATE reseller_figures SET valid_until = '1970-01-01 00:00:00'")
