"""reseller_figures: each reseller's live figures, stored so the directory sorts by them

Revision ID: 0007
Revises: 0006

One row per reseller (a trigger adds it with the reseller). Services rewrite a reseller's row
in the transaction that changes its pools; rows whose figures a date will change (a pool or an
assignment ending) carry that date in valid_until and are recomputed when it has passed.
Rows written here start stale (valid_until in 1970): the first sorted read computes them.
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

FIGURES = ("pools", "customers", "total_quantity", "allocated_quantity", "utilisation")


def upgrade() -> None:
    op.create_table(
        "reseller_figures",
        sa.Column("reseller_id", sa.Integer(), sa.ForeignKey("resellers.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("lar_id", sa.Integer(), nullable=False),
        sa.Column("pools", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("customers", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("total_quantity", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("allocated_quantity", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("utilisation", sa.Float(), nullable=False, server_default="0"),
        sa.Column("valid_until", sa.DateTime(), nullable=True),
    )
    for figure in FIGURES:
        op.create_index(f"ix_reseller_figures_{figure}", "reseller_figures", ["lar_id", figure, "reseller_id"])
    op.create_index("ix_reseller_figures_valid_until", "reseller_figures", ["lar_id", "valid_until"])
    # Utilisation % ascending puts resellers without seats last (services/directory/query.py).
    op.create_index("ix_reseller_figures_utilisation_seated", "reseller_figures",
                    ["lar_id", sa.text("(total_quantity = 0)"), "utilisation", "reseller_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION reseller_figures_row() RETURNS trigger AS $$
            BEGIN
              INSERT INTO reseller_figures (reseller_id, lar_id, valid_until) VALUES (NEW.id, NEW.lar_id, NULL);
              RETURN NEW;
            END $$ LANGUAGE plpgsql""")
        op.execute("CREATE TRIGGER resellers_figures_row AFTER INSERT ON resellers "
                   "FOR EACH ROW EXECUTE FUNCTION reseller_figures_row()")
    else:
        op.execute("""
            CREATE TRIGGER resellers_figures_row AFTER INSERT ON resellers
            BEGIN
              INSERT INTO reseller_figures (reseller_id, lar_id, valid_until) VALUES (NEW.id, NEW.lar_id, NULL);
            END""")
    op.execute("INSERT INTO reseller_figures (reseller_id, lar_id, valid_until) "
               "SELECT id, lar_id, '1970-01-01 00:00:00' FROM resellers")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.execute("DROP TRIGGER resellers_figures_row" + (" ON resellers" if postgresql else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION reseller_figures_row()")
    op.drop_table("reseller_figures")
