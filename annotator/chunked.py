"""Reads of the rows of many ids, a chunk of ids a query: one IN list stays within what every
backend takes (SQLite's bound parameters), and a read never holds the whole list at once."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVarTuple

from sqlalchemy import Row, Select
from sqlalchemy.orm import Session

CHUNK = 500
Columns = TypeVarTuple("Columns")


def rows_in_chunks(
    session: Session,
    query_of: Callable[[Sequence[Any]], Select[*Columns]],
    ids: Sequence[Any],
    size: int = CHUNK,
) -> Iterator[Row[*Columns]]:
    """The rows of ``query_of(part)`` for each part of ``ids`` (``size`` ids a query), in order."""
    for i in range(0, len(ids), size):
        yield from session.execute(query_of(ids[i : i + size]))
