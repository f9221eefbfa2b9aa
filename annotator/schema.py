"""The schema's version and its upgrade: Alembic migrations run once, behind a lock, after a
backup; what cannot be upgraded is a clear error that changed nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from annotator.errors import AnnotatorError, NotPermitted

# The newest migration; a test checks it equals Alembic's head so opening an up-to-date
# database can skip loading Alembic altogether (it costs ~0.2 s of start-up).
SCHEMA_HEAD = "0026"
# Execution option of a connection that writes: on SQLite it begins with BEGIN IMMEDIATE.
WRITE = "annotator_write"

MIGRATION_LOCK = 0x616E6E6F  # "anno": the advisory lock key migrations take on PostgreSQL


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(inspect(conn).get_table_names())


def upgrade(engine: Engine) -> None:
    """Run the packaged Alembic migrations up to head, once, however many processes open the
    database at the same moment.

    The migration holds a lock from its first statement: SQLite's write lock (BEGIN IMMEDIATE),
    PostgreSQL's transaction-level advisory lock. Alembic reads the schema version inside it, so a
    process that waited finds the schema at head and does nothing, instead of creating the tables
    a second time.
    """
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.connect().execution_options(**{WRITE: True}) as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # Rebuilding a table drops it, which with foreign keys on would cascade into the rows
            # referring to it; the pragma cannot change inside a transaction, so it is set before.
            _foreign_keys(conn, on=False)
        try:
            with conn.begin():
                if not sqlite:
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise AnnotatorError(
                        f"{engine.url}: the migration broke a reference; nothing was changed"
                    )
        finally:
            if sqlite:
                _foreign_keys(conn, on=True)


def _foreign_keys(conn: Connection, *, on: bool) -> None:
    """Switch SQLite's foreign key enforcement outside any transaction (on the driver's connection)."""
    raw: Any = conn.connection.driver_connection
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _known(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    try:
        return ScriptDirectory(str(Path(__file__).parent / "migrations")).get_revision(revision) is not None
    except CommandError:
        return False


def migrate_store(engine: Engine, url: str, backup: Callable[[Path], Path], sqlite_file: str | None) -> None:
    """Bring the schema to head; a SQLite file is copied aside first. What cannot be upgraded is a
    clear error that changed nothing: a newer or unknown schema, a backup that cannot be written
    (a full disk), a migration that fails (its transaction is rolled back)."""
    revision = _current_revision(engine)
    if revision == SCHEMA_HEAD:
        return
    if revision is None and _has_tables(engine):
        raise AnnotatorError(f"{url}: has tables but is not an annotator database")
    if revision is not None and not _known(revision):
        if revision > SCHEMA_HEAD:  # revisions are zero-padded numbers
            raise AnnotatorError(
                f"{url}: written by a newer version of annotator (schema {revision}, this version "
                f"knows up to {SCHEMA_HEAD}); update annotator to open it"
            )
        raise AnnotatorError(
            f"{url}: its schema {revision!r} is not one this version of annotator knows (it knows "
            f"0001 to {SCHEMA_HEAD}); it was not changed. Open it with the annotator that wrote it, or "
            "restore a backup"
        )
    kept_copy = None
    if revision is not None and sqlite_file not in (None, "", ":memory:"):
        kept_copy = Path(f"{sqlite_file}.before-{SCHEMA_HEAD}.bak")
        try:
            backup(kept_copy)
        except AnnotatorError as exc:
            raise AnnotatorError(
                f"{url}: could not back up the database before upgrading its schema to "
                f"{SCHEMA_HEAD}, so nothing was changed ({exc}); free some space and open it again"
            ) from None
    try:
        upgrade(engine)
    except Exception as exc:
        from alembic.util.exc import CommandError
        from sqlalchemy.exc import SQLAlchemyError

        if not isinstance(exc, SQLAlchemyError | sqlite3.Error | CommandError | OSError | NotPermitted):
            raise
        reason = exc.orig if isinstance(exc, SQLAlchemyError) and hasattr(exc, "orig") else exc
        kept = f"; a copy made before is {kept_copy}" if kept_copy else ""
        raise AnnotatorError(
            f"{url}: upgrading the schema from {revision or 'nothing'} to {SCHEMA_HEAD} failed, "
            f"and was rolled back ({reason}){kept}"
        ) from None
