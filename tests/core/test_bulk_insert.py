"""Bulk inserts on SQLite are multi-row INSERT statements (``annotator.bulk``): rows are split to
fit the driver's variable limit and read back as the ORM would have written them. Look-ups by
key find the same rows on both backends."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, String, Table, create_engine, select

from annotator.bulk import bulk_insert, ids_by_key
from annotator.model import Document
from annotator.ops.projects import create_project
from annotator.store import Store
from tests.core.helpers import add_doc


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


def test_ids_by_key_finds_the_rows_of_the_given_keys_and_fixed_values_on_both_backends(store: Store) -> None:
    """``ids_by_key`` (the import's look-up of texts already there; one index probe per key on
    PostgreSQL): another project's document with the same text is not found, nor a key absent."""
    with store.transaction() as tx:
        mine, other = create_project(tx, "Mine").id, create_project(tx, "Other").id
    here = add_doc(store, mine, "The bridge opens in May.")
    also = add_doc(store, other, "The bridge opens in May.")
    there = add_doc(store, other, "Prices will fall by spring.")
    with store.session() as s:
        hashes = {d: h for d, h in s.execute(select(Document.id, Document.content_hash))}
    table: Table = Document.__table__  # type: ignore[assignment]
    keys = {*hashes.values(), "0" * 64}
    with store.engine.connect() as conn:
        assert ids_by_key(conn, table, "content_hash", keys, project_id=mine) == {hashes[here]: here}
        found = ids_by_key(conn, table, "content_hash", keys, project_id=other)
        assert found == {hashes[also]: also, hashes[there]: there}
        assert ids_by_key(conn, table, "content_hash", {hashes[there]}, project_id=mine) == {}
        assert ids_by_key(conn, table, "content_hash", set(), project_id=mine) == {}
