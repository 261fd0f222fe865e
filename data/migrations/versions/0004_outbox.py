"""outbox: HTML body, retry schedule, delivery claim, sent time, what a message is about

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outgoing_emails") as emails:
        emails.add_column(sa.Column("html_body", sa.Text(), nullable=True))
        emails.add_column(sa.Column("next_attempt_at", sa.DateTime(), nullable=True))
        emails.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
        emails.add_column(sa.Column("sent_at", sa.DateTime(), nullable=True))
        emails.add_column(sa.Column("about", sa.String(64), nullable=True))
        emails.create_check_constraint("email_status", "status IN ('Queued', 'Sent', 'Failed')")
    op.create_index("ix_outgoing_emails_about", "outgoing_emails", ["about"])
    op.create_index("ix_outgoing_emails_due", "outgoing_emails", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_outgoing_emails_due", table_name="outgoing_emails")
    op.drop_index("ix_outgoing_emails_about", table_name="outgoing_emails")
    with op.batch_alter_table("outgoing_emails") as emails:
        emails.drop_constraint("email_status", type_="check")
        for column in ("about", "sent_at", "locked_until", "next_attempt_at", "html_body"):
            emails.drop_column(column)
