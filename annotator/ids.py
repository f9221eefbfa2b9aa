"""Ids are never handed out twice: what bulk paths that pick ids themselves must respect.

The tables whose ids the audit log, undo and scripts refer to are AUTOINCREMENT on SQLite (and
use sequences on PostgreSQL), so the database never reuses an id. A bulk import that numbers new
rows itself (to link relations without reading spans back) must start above the highest id ever
used, which SQLite keeps in ``sqlite_sequence``, not above today's highest row.
"""

from __future__ import annotations

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Connection


def next_sqlite_id(conn: Connection, table: Table) -> int:
    """The next id SQLite's AUTOINCREMENT would give a row of ``table`` (the caller holds the write lock)."""
    used = conn.execute(text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": table.name}).scalar()
    highest = conn.execute(select(func.max(table.c.id))).scalar()
    return max(used or 0, highest or 0) + 1
