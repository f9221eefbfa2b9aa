"""Bulk inserts on SQLite are multi-row INSERT statements (``annotator.bulk``): rows are split to
fit the driver's variable limit and read back as the ORM would have written them."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, String, Table, create_engine, select

from annotator.bulk import bulk_insert


def test_rows_past_the_variable_limit_go_in_several_statements_and_read_back_as_written() -> None:
    table = Table(
        "t",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("name", String(20)),
        Column("data", JSON),
        Column("at", DateTime),
    )
    engine = create_engine("sqlite://")
    table.metadata.create_all(engine)
    when = datetime(2026, 12, 4, 21, 0, 0, 123456)
    rows = [(i, f"n{i} ✓", {"i": i, "x": ["東京"]} if i % 2 else None, when) for i in range(1, 8)]
    statements: list[str] = []
    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 9)  # two rows of four columns a statement
        raw.set_trace_callback(statements.append)
        bulk_insert(conn, table, ("id", "name", "data", "at"), rows)
        raw.set_trace_callback(None)
    inserts = [s for s in statements if s.startswith("INSERT")]
    assert len(inserts) == 4  # 2 + 2 + 2 + 1 rows
    with engine.connect() as conn:
        back = [tuple(r) for r in conn.execute(select(table).order_by(table.c.id))]
    assert back == [(i, name, data, at) for i, name, data, at in rows]
