"""The spans of a document as plain integer tuples: the article and review views' hot reads.

A project's long documents hold tens of thousands of spans; these reads skip the ORM and even
SQLAlchemy's row processing so that opening such a document stays instant (see BENCHMARKS.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from annotator.model import Annotation, Annotator, Label

__all__ = ["SpanDetail", "SpanTuple", "span_detail", "span_table", "span_tuples"]

SpanTuple = tuple[int, int, int, int, int, int]
"""A span as ``(start, end, id, label_id, annotator_id, version)``: tuples sort in text order."""


@dataclass(frozen=True, slots=True)
class SpanDetail:
    """What a tooltip says about a span: who made it and when."""

    id: int
    label: str
    annotator: str
    created_at: Any
    updated_at: Any
    version: int


def _raw(session: Session, query: ClauseElement) -> list[tuple[Any, ...]]:
    """Run ``query`` on the DBAPI cursor, skipping SQLAlchemy's per-row processing.

    Worth it for plain integer columns in bulk: 50,000 spans load in ~25 ms instead of ~55 ms.
    """
    conn = session.connection()
    compiled = cast(
        SQLCompiler, query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    )
    params: Any = compiled.params
    if compiled.positional:
        params = tuple(compiled.params[name] for name in compiled.positiontup or ())
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(compiled.string, params)
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        cursor.close()


# The columns of a SpanTuple, in order (reads that need more add columns after these).
SPAN_COLUMNS = (
    Annotation.start,
    Annotation.end,
    Annotation.id,
    Annotation.label_id,
    Annotation.annotator_id,
    Annotation.version,
)


def span_table(
    session: Session,
    document_id: int,
    annotator_ids: Sequence[int] | None = None,
    *,
    start_before: int | None = None,
) -> list[SpanTuple]:
    """The spans of one document as ``SpanTuple`` in text order: the article view's load.

    ``start_before`` keeps only spans starting before that offset (an index range scan), so the
    first screen of a long document can be shown before all its spans are read. Sorting in Python
    is cheaper than SQLite's temporary B-tree for the (start, end, id) order.
    """
    query = select(*SPAN_COLUMNS).where(Annotation.document_id == document_id)
    if start_before is not None:
        query = query.where(Annotation.start < start_before)
    rows: list[Any] = _raw(session, query)
    if annotator_ids is not None:
        wanted = set(annotator_ids)
        rows = [row for row in rows if row[4] in wanted]
    rows.sort()
    return rows


def span_tuples(session: Session, ids: Sequence[int]) -> list[SpanTuple]:
    """The given spans as ``SpanTuple`` in text order (missing ids are left out)."""
    if not ids:
        return []
    rows: list[Any] = []
    for chunk in range(0, len(ids), 500):
        part = list(ids[chunk : chunk + 500])
        rows.extend(_raw(session, select(*SPAN_COLUMNS).where(Annotation.id.in_(part))))
    rows.sort()
    return rows


def span_detail(session: Session, span_id: int) -> SpanDetail | None:
    row = session.execute(
        select(
            Annotation.id,
            Label.name,
            Annotator.name,
            Annotation.created_at,
            Annotation.updated_at,
            Annotation.version,
        )
        .join(Label, Label.id == Annotation.label_id)
        .join(Annotator, Annotator.id == Annotation.annotator_id)
        .where(Annotation.id == span_id)
    ).first()
    return SpanDetail(*row) if row is not None else None
