"""Renewals, alerts and Activity (issue 13)

Revision ID: 0008
Revises: 0007

- subscriptions.low_threshold / low_threshold_kind: below how many free seats ("count") or what
  share free ("percent") a Subscription counts as low; unset means no alert.
- alerts_sent: one row per alert sent (its key is unique), written in the transaction that
  queues the email, so an alert goes out once however many processes run send-alerts.
- audit_events.reseller_id: which reseller an action concerned, so Activity filters by it;
  filled for the events already recorded from their target ("reseller:N") or details.
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("low_threshold", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("low_threshold_kind", sa.String(8), nullable=True))
        batch.create_check_constraint(
            "subscription_low_threshold",
            "(low_threshold IS NULL AND low_threshold_kind IS NULL) OR "
            "(low_threshold_kind = 'count' AND low_threshold >= 0) OR "
            "(low_threshold_kind = 'percent' AND low_threshold BETWEEN 0 AND 100)",
        )
    op.create_table(
        "alerts_sent",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("lar_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(160), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
    )
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("reseller_id", sa.Integer(), nullable=True))
    op.create_index("ix_audit_events_lar_at", "audit_events", ["lar_id", "at"])
    op.create_index("ix_audit_events_lar_reseller", "audit_events", ["lar_id", "reseller_id"])
    events = sa.table("audit_events", sa.column("id", sa.Integer), sa.column("target", sa.String),
                      sa.column("details", sa.Text), sa.column("reseller_id", sa.Integer))
    bind = op.get_bind()
    for event_id, target, details in bind.execute(sa.select(events.c.id, events.c.target, events.c.details)).all():
        reseller_id = _reseller_of(target, details)
        if reseller_id is not None:
            bind.execute(events.update().where(events.c.id == event_id).values(reseller_id=reseller_id))


def _reseller_of(target: str, details: str):
    if target and target.startswith("reseller:") and target[9:].isdigit():
        return int(target[9:])
    try:
        value = json.loads(details or "{}").get("reseller_id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


def downgrade() -> None:
    op.drop_index("ix_audit_events_lar_reseller", "audit_events")
    op.drop_index("ix_audit_events_lar_at", "audit_events")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("reseller_id")
    op.drop_table("alerts_sent")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_constraint("subscription_low_threshold", type_="check")
        batch.drop_column("low_threshold_kind")
        batch.drop_column("low_threshold")
