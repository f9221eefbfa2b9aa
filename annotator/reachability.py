"""Is this error the database not answering (rather than a refused or broken change)?

The app keeps a change the database could not take because it was unreachable and saves it once it
answers again; any other error is reported or raised as before. The GUI may not import SQLAlchemy
or the drivers, so the question is answered here, from the error and the errors it was raised from.
"""

from __future__ import annotations

import sqlite3

# SQLite: the file (or its folder, disk or network share) cannot be reached. "database is locked"
# is not here: another writer holds it, and waiting for it is annotator.waiting's business.
SQLITE_GONE = ("unable to open database file", "disk i/o error", "no such file or directory")
# PostgreSQL SQLSTATEs of a lost server: class 08 (connection exception) and the shutdowns.
PG_GONE_STATES = ("57P01", "57P02", "57P03")


def is_unreachable(exc: BaseException) -> bool:
    """True when ``exc`` (or an error it was raised from) says the database cannot be reached."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _says_unreachable(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _says_unreachable(exc: BaseException) -> bool:
    from sqlalchemy import exc as sa

    if isinstance(exc, sa.DBAPIError):
        if exc.connection_invalidated:  # SQLAlchemy saw the connection die under the statement
            return True
        return exc.orig is not None and _says_unreachable(exc.orig)
    if isinstance(exc, ConnectionError):  # refused, reset, aborted sockets
        return True
    message = str(exc).lower()
    if isinstance(exc, sqlite3.OperationalError):
        return any(words in message for words in SQLITE_GONE)
    if _is_psycopg(exc, "InterfaceError"):  # "the connection is closed" / "... lost"
        return "closed" in message or "lost" in message
    if _is_psycopg(exc, "OperationalError"):
        state = getattr(exc, "sqlstate", None)  # None: the client lost or never got a connection
        return state is None or state.startswith("08") or state in PG_GONE_STATES
    return False


def _is_psycopg(exc: BaseException, name: str) -> bool:
    """Whether ``exc`` is psycopg's error class ``name`` (without importing psycopg on SQLite)."""
    return any(c.__module__.startswith("psycopg") and c.__name__ == name for c in type(exc).__mro__)


def reason(exc: BaseException) -> str:
    """The driver's first line, for the user ("connection refused", "unable to open database file")."""
    current: BaseException = exc
    orig = getattr(exc, "orig", None)
    if isinstance(orig, BaseException):
        current = orig
    text = str(current).strip().splitlines()
    return text[0] if text else type(current).__name__
