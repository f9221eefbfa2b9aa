"""Bulk inserts at the speed of the database driver.

SQLAlchemy's executemany spends most of its time building parameters row by row; for the
hundreds of thousands of spans an import writes, on SQLite we hand tuples straight to the
driver instead (multi-row INSERTs, same transaction); PostgreSQL through psycopg takes COPY. Other databases take the Core path, whose batched
"insertmanyvalues" is already near the driver's speed there.
"""

from __future__ import annotations

import gc
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache, partial
from itertools import chain
from typing import Any

from sqlalchemy import JSON, DateTime, Table, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

# SQLAlchemy's own storage format for SQLite DATETIME, so ORM reads see the same values.
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"
ROWS_PER_STATEMENT = 2000  # SQLite: rows a multi-row INSERT (see bulk_insert), within the variable limit


@lru_cache(maxsize=8)
def _sqlite_datetime(value: Any) -> str | None:
    return None if value is None else value.strftime(SQLITE_DATETIME)


# What json.dumps writes for the values most rows hold (no metadata, no tokens): a look-up, not
# a call through the encoder (30,000 calls for 10,000 documents, ~0.1 s).
_PLAIN_JSON = {type(None): "null", dict: "{}", list: "[]"}


def _json(value: Any) -> str:
    if not value and (plain := _PLAIN_JSON.get(type(value))) is not None:
        return plain
    return json.dumps(value, ensure_ascii=False)


def _converter(kind: Any) -> Callable[[Any], Any] | None:
    if isinstance(kind, DateTime):
        return _sqlite_datetime
    if isinstance(kind, JSON):
        return _json
    return None


def bulk_insert(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    binary: bool = False,
    later: Callable[[Callable[[], None]], None] | None = None,
) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``.

    On SQLite as multi-row INSERT statements of up to ``ROWS_PER_STATEMENT`` rows rather than an
    executemany of one statement a row: SQLite updates an AUTOINCREMENT table's sequence at the
    end of every statement, and FTS5 (the ``document`` table's triggers) flushes its pending
    terms into a new index segment at the end of every statement that wrote it, so an
    executemany made a tiny segment per document and merged them all again (20,000 documents:
    2.4 s against 1.1 s; spans and relations: a third less CPU).

    ``binary``: on PostgreSQL, COPY in binary form, typed by the columns' own types; only for
    rows whose values are already of those types (ints, str, naive datetimes, None; no JSON),
    as the importer's spans and relations are: ~20 % less client CPU than the text form.

    ``later``: the statements are handed to it (a ``sqlite_rows`` or ``copy_rows`` call to make)
    instead of run here: ``annotator.import_writer`` runs them on a thread while the import goes
    on (SQLite, and PostgreSQL's COPY).
    """
    if not rows:
        return
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg" and _copy_allowed(conn, table):
        copy = partial(
            copy_rows, conn.connection.driver_connection, _copy_plan(conn, table, columns, binary), rows
        )
        if later is not None:
            later(copy)
        else:
            copy()
        return
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    names = ", ".join(conn.dialect.identifier_preparer.quote(name) for name in columns)
    # A column whose first value is already a str (see ``stamp``) needs no conversion.
    converters = [
        (i, f)
        for i, name in enumerate(columns)
        if (f := _converter(table.c[name].type)) and not isinstance(rows[0][i], str)
    ]
    data: Sequence[tuple[Any, ...]] = rows
    if converters:
        converted = []
        for row in rows:
            values = list(row)
            for i, f in converters:
                values[i] = f(values[i])
            converted.append(tuple(values))
        data = converted
    raw: Any = conn.connection.driver_connection
    per = max(1, min(ROWS_PER_STATEMENT, raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(columns)))
    if later is not None:
        hide = conn.engine.hide_parameters
        wrap = partial(DBAPIError.instance, dbapi_base_err=sqlite3.Error, dialect=conn.dialect, ismulti=False)
        wrap = partial(wrap, hide_parameters=hide)
        later(partial(sqlite_rows, raw, table.name, names, len(columns), per, data, wrap))
        return
    for sql, params in _statements(table.name, names, len(columns), per, data):
        conn.exec_driver_sql(sql, params)


def _statements(
    table: str, names: str, width: int, per: int, data: Sequence[tuple[Any, ...]]
) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """The multi-row INSERTs of ``bulk_insert`` on SQLite and their values, ``per`` rows each."""
    one = f"({', '.join('?' * width)})"
    full = f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * per)}"
    for begin in range(0, len(data), per):
        part = data[begin : begin + per]
        sql = (
            full
            if len(part) == per
            else f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(part))}"
        )
        yield sql, tuple(chain.from_iterable(part))


def sqlite_rows(
    raw: Any,
    table: str,
    names: str,
    width: int,
    per: int,
    data: Sequence[tuple[Any, ...]],
    wrap: Callable[..., Exception],
) -> None:
    """``bulk_insert``'s statements on the driver's connection itself (``annotator.import_writer``
    runs them on its thread, where SQLAlchemy's connection is not touched); a driver error is
    raised as ``wrap`` (SQLAlchemy's own wrapping, as its connection would have raised it)."""
    for sql, values in _statements(table, names, width, per, data):
        try:
            raw.execute(sql, values)
        except sqlite3.Error as exc:
            raise wrap(sql, values, exc) from exc


def _memo(conn: Connection) -> dict[Any, Any]:
    """A cache for the current transaction of ``conn``: what the server says about a table's
    COPY (allowed, column types) holds until the transaction ends, and asking again costs a
    round trip, and, with ``annotator.import_writer``, a wait for the inserts handed over."""
    txn = conn.get_transaction()
    if txn is None:  # not begun yet: nothing to tie a cache to
        return {}
    kept = conn.info.get("bulk_memo")
    if kept is None or kept[0] is not txn:
        kept = conn.info["bulk_memo"] = (txn, {})
    memo: dict[Any, Any] = kept[1]
    return memo


def _copy_allowed(conn: Connection, table: Table) -> bool:
    """Whether COPY may write ``table``: PostgreSQL refuses COPY FROM where row-level security
    applies to the login (a teammate's on a team database: ``audit``, ``annotation``, ...);
    there the rows go by INSERT, checked by the policies."""
    memo = _memo(conn)
    key = ("copy allowed", table.name)
    if key not in memo:
        active = conn.execute(text("SELECT row_security_active(CAST(:t AS regclass))"), {"t": table.name})
        memo[key] = not active.scalar()
    return bool(memo[key])


def _column_types(conn: Connection, table: Table, columns: Sequence[str]) -> list[int]:
    """The type OIDs of ``columns`` of ``table`` as the server has them (for a binary COPY)."""
    memo = _memo(conn)
    key = ("types", table.name)
    if key not in memo:
        query = text(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = CAST(:t AS regclass) AND attnum > 0"
        )
        memo[key] = {str(name): int(oid) for name, oid in conn.execute(query, {"t": table.name})}
    types: dict[str, int] = memo[key]
    return [types[name] for name in columns]


CopyPlan = tuple[str, list[int], list[int]]  # the COPY statement, binary column types, JSON columns


def _copy_plan(conn: Connection, table: Table, columns: Sequence[str], binary: bool) -> CopyPlan:
    """How ``copy_rows`` writes ``columns`` of ``table``: asked of the server here, in the
    importer's thread, so the COPY itself needs nothing but the driver's connection."""
    json_columns = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, JSON)]
    names = ", ".join(conn.dialect.identifier_preparer.quote(name) for name in columns)
    binary = binary and not json_columns
    types = _column_types(conn, table, columns) if binary else []
    form = " (FORMAT BINARY)" if binary else ""
    return f"COPY {table.name} ({names}) FROM STDIN{form}", types, json_columns


def copy_rows(raw: Any, plan: CopyPlan, rows: Sequence[tuple[Any, ...]]) -> None:
    """PostgreSQL's COPY through psycopg, in the session's own transaction: several times faster
    than INSERT for bulk rows. On the driver's connection itself (``annotator.import_writer``
    runs it on its thread, where SQLAlchemy's connection is not touched)."""
    sql, types, json_columns = plan
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        if types:
            copy.set_types(types)
        for row in rows:
            if json_columns:
                values = list(row)
                for i in json_columns:
                    values[i] = _json(values[i])  # None as JSON null, as SQLAlchemy writes it
                row = tuple(values)
            copy.write_row(row)


def reserve_ids(conn: Connection, table: Table, count: int) -> list[int]:
    """``count`` new ids of ``table`` from its id sequence (PostgreSQL) in one round trip, in the
    order a bulk insert would have drawn them: the caller then knows its rows' ids without
    reading them back (a query of every new row)."""
    # The sequence's name first, then a constant regclass: asked inside the series, the name was
    # looked up again for every id (two thirds of the query's time on 60,000 ids).
    sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar()
    query = text("SELECT nextval(CAST(:s AS regclass)) FROM generate_series(1, :n) ORDER BY 1")
    return list(conn.execute(query, {"s": sequence, "n": count}).scalars())


def ids_by_key(conn: Connection, table: Table, column: str, keys: set[Any], **fixed: Any) -> dict[Any, int]:
    """The ids of ``table``'s rows whose ``column`` is one of ``keys`` (and whose ``fixed``
    columns have those values), by key.

    On PostgreSQL one probe of the index on (``fixed``..., ``column``) per key. In the middle of
    an import the planner goes by statistics from before the import's own rows and chose to read
    every row of the project through a shorter index instead, each chunk again: quadratic.
    """
    if not keys:
        return {}
    if conn.dialect.name != "postgresql":
        query = select(table.c[column], table.c.id).where(
            table.c[column].in_(keys), *(table.c[name] == value for name, value in fixed.items())
        )
        return {key: ident for key, ident in conn.execute(query)}
    quote = conn.dialect.identifier_preparer.quote
    kind = table.c[column].type.compile(dialect=conn.dialect)
    where = "".join(f" AND t.{quote(name)} = :{name}" for name in fixed)
    probes = text(
        f"SELECT k.v, x.id FROM unnest(CAST(:keys AS {kind}[])) AS k(v) CROSS JOIN LATERAL "
        f"(SELECT t.id FROM {quote(table.name)} t WHERE t.{quote(column)} = k.v{where} LIMIT 1) x"
    )
    return {key: ident for key, ident in conn.execute(probes, {"keys": list(keys), **fixed})}


def stamp(conn: Connection, value: datetime) -> datetime | str:
    """A timestamp ready for ``bulk_insert`` on this connection: converted once, not once per row."""
    if conn.dialect.name == "sqlite":
        return value.strftime(SQLITE_DATETIME)
    return value


def bulk_insert_dicts(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """``bulk_insert`` for rows given as dicts that all have the same keys in the same order."""
    if rows:
        bulk_insert(conn, table, list(rows[0]), [tuple(row.values()) for row in rows])


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector during bulk work.

    Reading and writing a large corpus makes hundreds of thousands of small objects that the
    collector would scan again and again (about 40% of an import's time); none of them form
    cycles, so collection can wait until the work is done.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
