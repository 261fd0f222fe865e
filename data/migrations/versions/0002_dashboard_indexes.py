"""covering indexes for the dashboard's ledger and customer queries

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_allocation_events_reseller_pool_id", table_name="allocation_events")
    op.create_index("ix_allocation_events_pool_ledger", "allocation_events",
                    ["reseller_pool_id", "at", "purchased_delta", "allocated_delta"])
    op.drop_index("ix_customer_assignments_reseller_pool_id", table_name="customer_assignments")
    op.create_index("ix_customer_assignments_pool_customer", "customer_assignments",
                    ["reseller_pool_id", "customer_tenant_id"])


def downgrade() -> None:
    op.drop_index("ix_customer_assignments_pool_customer", table_name="customer_assignments")
    op.create_index("ix_customer_assignments_reseller_pool_id", "customer_assignments", ["reseller_pool_id"])
    op.drop_index("ix_allocation_events_pool_ledger", table_name="allocation_events")
    op.create_index("ix_allocation_events_reseller_pool_id", "allocation_events", ["reseller_pool_id"])
