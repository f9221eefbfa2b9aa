"""An export reads one moment of the database, on PostgreSQL as on SQLite.

On SQLite a read transaction is a snapshot already: what the export reads first and last is the
database at one moment. PostgreSQL's default, READ COMMITTED, gives each statement its own
snapshot, so a long export (one chunk of documents after another) could write a change committed
halfway through into its second half only. There the export's reads run in one REPEATABLE READ,
READ ONLY transaction, and the second process of an export in two halves imports its snapshot
(``pg_export_snapshot()``, ``SET TRANSACTION SNAPSHOT``: ``annotator.export_halves``), so both
halves read the same moment. The transaction stays open until the caller ends its session, as a
SQLite read transaction does: several exports in one session read one moment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.orm import Session

REPEATABLE = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
_SNAPSHOT_ID = re.compile(r"[0-9A-Fa-f-]+")


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


@contextmanager
def one_moment(session: Session) -> Iterator[None]:
    """Run the export's reads in one snapshot (PostgreSQL; SQLite reads one already).

    A transaction the session began before without writing anything is ended first (the export's
    reads begin the snapshot); one that wrote stays as it is: the export sees its own changes,
    which no other transaction can (``annotator.export_halves`` then checks the moment as on
    SQLite).
    """
    if is_postgres(session) and not _repeatable(session):
        if session.in_transaction():
            if _wrote(session):
                yield
                return
            session.commit()  # nothing to write: this only ends the earlier reads' transaction
        session.connection(execution_options=REPEATABLE)
    yield


def _repeatable(session: Session) -> bool:
    """The session's transaction is a snapshot already (an earlier export in it began one)."""
    if not session.in_transaction():
        return False
    level = session.scalar(text("SELECT current_setting('transaction_isolation')"))
    return level in ("repeatable read", "serializable")


def _wrote(session: Session) -> bool:
    """The session has changes of its own: pending objects, or rows its transaction wrote."""
    if session.new or session.dirty or session.deleted:
        return True
    return session.scalar(text("SELECT txid_current_if_assigned()")) is not None


def shared_snapshot(session: Session) -> str | None:
    """The id of the session's snapshot for a second process to read the same moment, or None
    (not PostgreSQL, or not one snapshot: the transaction wrote, see ``one_moment``; a second
    process would not see those changes in the snapshot)."""
    if not is_postgres(session) or not _repeatable(session) or _wrote(session):
        return None
    return str(session.scalar(text("SELECT pg_export_snapshot()")))


def read_snapshot(session: Session, snapshot: str) -> None:
    """Begin the session's transaction at ``snapshot`` (its first statement: PostgreSQL's rule)."""
    if not _SNAPSHOT_ID.fullmatch(snapshot):
        raise ValueError(f"not a snapshot id: {snapshot!r}")
    session.connection(execution_options=REPEATABLE)
    session.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
