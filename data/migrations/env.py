"""Alembic environment; run through data.migrate.upgrade(url)."""
from alembic import context
from sqlalchemy import create_engine, pool

from data.models import Base

url = context.config.get_main_option("sqlalchemy.url")


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    if url is None:
        raise RuntimeError("No sqlalchemy.url in the Alembic config: migrate through data.migrate.upgrade(url).")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Rebuilding a table drops the old one; with foreign keys on, that would cascade
            # into the rows that point at it. The pragma only works outside a transaction.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
