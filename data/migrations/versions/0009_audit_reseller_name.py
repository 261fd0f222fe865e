"""audit_events.reseller_name: the reseller's name when the action was recorded

Revision ID: 0009
Revises: 0008

Activity keeps a deleted reseller's history under its name (searchable, filterable): the
directory row is gone, the name stays with each event. Filled for the events already recorded
from the directory or, for a reseller already deleted, from its deletion event's details.
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("reseller_name", sa.String(200), nullable=True))
    events = sa.table("audit_events", sa.column("id", sa.Integer), sa.column("details", sa.Text),
                      sa.column("action", sa.String), sa.column("reseller_id", sa.Integer),
                      sa.column("reseller_name", sa.String))
    resellers = sa.table("resellers", sa.column("id", sa.Integer), sa.column("organization_name", sa.String))
    bind = op.get_bind()
    bind.execute(events.update().where(events.c.reseller_id.is_not(None)).values(
        reseller_name=sa.select(resellers.c.organization_name).where(resellers.c.id == events.c.reseller_id)
        .scalar_subquery()))
    deleted = {}
    for reseller_id, details in bind.execute(sa.select(events.c.reseller_id, events.c.details).where(
            events.c.action == "reseller.delete", events.c.reseller_id.is_not(None))).all():
        try:
            deleted[reseller_id] = json.loads(details or "{}").get("organization_name")
        except ValueError:
            continue
    for reseller_id, name in deleted.items():
        if isinstance(name, str):
            bind.execute(events.update().where(events.c.reseller_id == reseller_id,
                                               events.c.reseller_name.is_(None)).values(reseller_name=name[:200]))


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("reseller_name")
