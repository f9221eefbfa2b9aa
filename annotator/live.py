"""Changes pushed at once on PostgreSQL: every write transaction ends with a NOTIFY, and a
listening connection wakes the reader, who then reads the audit log as a poll would.

Polling stays the fallback (and the only way on SQLite, which has no notifications): a missed
notification costs at most one poll interval, never a change. The payload is the writing
store's client id, so a window is not woken by its own writes.
"""

from __future__ import annotations

import contextlib
import select
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

CHANNEL = "annotator_changes"


def announce(session: Session, client: str) -> None:
    """Queue the notification in the writer's transaction: PostgreSQL delivers it at commit,
    and not at all if the transaction rolls back."""
    session.execute(text("SELECT pg_notify(:channel, :client)"), {"channel": CHANNEL, "client": client})


def conninfo(url: str) -> str:
    """A libpq connection string for a SQLAlchemy PostgreSQL URL (driver name dropped)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class ChangeListener:
    """A dedicated autocommit connection LISTENing for other clients' writes.

    ``fileno`` is what to wait on (a Qt socket notifier, ``select``); ``drain`` reads what
    arrived and says whether any of it came from another client.
    """

    def __init__(self, url: str, client: str, *, connect_timeout: int = 5) -> None:
        import psycopg

        self.client = client
        self._conn: Any = psycopg.connect(conninfo(url), autocommit=True, connect_timeout=connect_timeout)
        self._conn.execute(f"LISTEN {CHANNEL}")

    def fileno(self) -> int:
        return int(self._conn.pgconn.socket)

    def drain(self) -> bool:
        """Consume pending notifications; True when another client wrote. Raises
        ``ConnectionError`` when the connection is gone (the caller falls back to polling)."""
        pgconn = self._conn.pgconn
        try:
            pgconn.consume_input()
        except Exception as exc:  # psycopg.OperationalError: the server or the network went away
            raise ConnectionError(str(exc) or "the notification connection was lost") from exc
        ours = self.client.encode()
        others = False
        while (note := pgconn.notifies()) is not None:
            others = others or note.extra != ours
        return others

    def wait(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds for another client's write (scripts, benchmarks)."""
        ready, _, _ = select.select([self.fileno()], [], [], timeout)
        return bool(ready) and self.drain()

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing a dead connection must not raise in cleanup
            self._conn.close()
