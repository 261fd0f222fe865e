"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 03:26:05.299140
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('allocation_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('reseller_pool_id', sa.Integer(), nullable=False),
    sa.Column('purchased_delta', sa.Integer(), nullable=False),
    sa.Column('allocated_delta', sa.Integer(), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('allocation_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allocation_events_reseller_pool_id'), ['reseller_pool_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('lar_id', sa.Integer(), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_lar_id'), ['lar_id'], unique=False)

    op.create_table('outgoing_emails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('sign_in_throttle',
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(), nullable=True),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('email')
    )
    op.create_table('tenants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('organization_name', sa.String(length=200), nullable=False),
    sa.Column('owner_email', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('large_account_reseller', 'reseller', 'customer')", name='tenant_kind'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenants_owner_email'), ['owner_email'], unique=False)

    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lar_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('organization_name', sa.String(length=200), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('batch', sa.String(length=64), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['lar_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token')
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_lar_id'), ['lar_id'], unique=False)

    op.create_table('resellers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lar_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=True),
    sa.Column('organization_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('customer_visibility', sa.Boolean(), nullable=False),
    sa.Column('invited_at', sa.DateTime(), nullable=True),
    sa.Column('mapped_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('Invited', 'Unmapped', 'Mapped')", name='reseller_status'),
    sa.ForeignKeyConstraint(['lar_id'], ['tenants.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('lar_id', 'tenant_id', name='uq_reseller_lar_tenant')
    )
    with op.batch_alter_table('resellers', schema=None) as batch_op:
        batch_op.create_index('ix_resellers_lar_email', ['lar_id', 'email'], unique=False)
        batch_op.create_index('ix_resellers_lar_org', ['lar_id', 'organization_name'], unique=False)
        batch_op.create_index('ix_resellers_lar_status', ['lar_id', 'status', 'email'], unique=False)

    op.create_table('subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lar_id', sa.Integer(), nullable=False),
    sa.Column('service', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('purchased_quantity', sa.Integer(), nullable=False),
    sa.Column('allocated_quantity', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("unit IN ('user seats', 'objects', 'capacity')", name='subscription_unit'),
    sa.CheckConstraint('allocated_quantity >= 0 AND allocated_quantity <= purchased_quantity',
                       name='subscription_not_over_allocated'),
    sa.CheckConstraint('purchased_quantity >= 0', name='subscription_purchased_nonneg'),
    sa.ForeignKeyConstraint(['lar_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscriptions_lar_id'), ['lar_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'operator', 'analyst')", name='user_role'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    op.create_table('reseller_pools',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reseller_id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('payment_type', sa.String(length=40), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('assigned_quantity', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('Pending acceptance', 'Active', 'Expired')", name='pool_status'),
    sa.CheckConstraint('assigned_quantity >= 0 AND assigned_quantity <= quantity', name='pool_not_over_assigned'),
    sa.CheckConstraint('quantity > 0', name='pool_quantity_positive'),
    sa.ForeignKeyConstraint(['reseller_id'], ['resellers.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscriptions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reseller_pools', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reseller_pools_reseller_id'), ['reseller_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reseller_pools_subscription_id'), ['subscription_id'], unique=False)

    op.create_table('user_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'key')
    )
    op.create_table('customer_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reseller_pool_id', sa.Integer(), nullable=False),
    sa.Column('customer_tenant_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('quantity > 0', name='assignment_quantity_positive'),
    sa.ForeignKeyConstraint(['customer_tenant_id'], ['tenants.id'], ),
    sa.ForeignKeyConstraint(['reseller_pool_id'], ['reseller_pools.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('customer_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_assignments_customer_tenant_id'), ['customer_tenant_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_customer_assignments_reseller_pool_id'), ['reseller_pool_id'],
                              unique=False)



def downgrade() -> None:
    with op.batch_alter_table('customer_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_assignments_reseller_pool_id'))
        batch_op.drop_index(batch_op.f('ix_customer_assignments_customer_tenant_id'))

    op.drop_table('customer_assignments')
    op.drop_table('user_preferences')
    with op.batch_alter_table('reseller_pools', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reseller_pools_subscription_id'))
        batch_op.drop_index(batch_op.f('ix_reseller_pools_reseller_id'))

    op.drop_table('reseller_pools')
    op.drop_table('users')
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscriptions_lar_id'))

    op.drop_table('subscriptions')
    with op.batch_alter_table('resellers', schema=None) as batch_op:
        batch_op.drop_index('ix_resellers_lar_status')
        batch_op.drop_index('ix_resellers_lar_org')
        batch_op.drop_index('ix_resellers_lar_email')

    op.drop_table('resellers')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_lar_id'))

    op.drop_table('invitations')
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenants_owner_email'))

    op.drop_table('tenants')
    op.drop_table('sign_in_throttle')
    op.drop_table('outgoing_emails')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_lar_id'))

    op.drop_table('audit_events')
    with op.batch_alter_table('allocation_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allocation_events_reseller_pool_id'))

    op.drop_table('allocation_events')
