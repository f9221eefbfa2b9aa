"""The export's read of a project: documents with their spans, relations and values, streamed.

Split from ``annotator.queries`` (files stay under 450 lines). One pass of range scans a chunk of
documents at a time; a native export asks for the columns it carries too (``provenance``), so
that ``annotator.review.carry`` need not read every span again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Row, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from annotator.model import Annotation, Document, DocumentAttribute, Relation
from annotator.queries import SPAN_COLUMNS, RelationRow
from annotator.records import DocRecord, document_fields
from annotator.tokens import unpack

# A span as exports read it: a row (a tuple; a large export reads millions) of these columns,
# the document's id first; a native export's reads add ``SPAN_PROVENANCE`` after them (converted:
# the time a datetime, the sources a list), which ``annotator.export.to_record`` puts in the record.
ExportSpan = Sequence[Any]
EXPORT_SPAN = (
    *("document_id", "id", "start", "end", "label_id", "annotator_id", "text"),
    *("attributes", "fragments", "actor_id"),
)


@dataclass(slots=True)
class ExportDoc:
    """A document with its spans and relations, as exporters stream them."""

    document: Row[Any]  # every column of the document table, by attribute
    spans: list[ExportSpan]
    relations: list[RelationRow]
    attributes: dict[int, dict[str, Any]] = field(default_factory=dict)  # document values by annotator id
    # Read with ``provenance=True`` (a native export, see annotator.review.carry): the relations
    # that have gold provenance as (source id, target id, type id, sources, adjudicator id); the
    # spans' provenance is in their rows (``SPAN_PROVENANCE``).
    gold_relations: list[tuple[Any, ...]] | None = None

    def provenance(self) -> dict[int, tuple[Any, ...]]:
        """Span id → (updated_at, sources, adjudicator id, origin), from rows read with ``provenance``."""
        return {row[1]: tuple(row[10:14]) for row in self.spans}


DOCUMENT_VALUES = (
    DocumentAttribute.document_id,
    DocumentAttribute.annotator_id,
    DocumentAttribute.attributes,
)


# What a native export carries of each span and relation beyond the record (``provenance=True``).
SPAN_PROVENANCE = (Annotation.updated_at, Annotation.sources, Annotation.adjudicator_id, Annotation.origin)
RELATION_PROVENANCE = (
    Relation.sources,
    Relation.adjudicator_id,
    (Relation.sources.is_not(None)) | (Relation.adjudicator_id.is_not(None)),
)


def iter_documents(
    session: Session,
    project_id: int,
    *,
    chunk: int = 500,
    document_ids: Sequence[int] | None = None,
    provenance: bool = False,
    bounds: tuple[int, int | None] = (0, None),
) -> Iterator[ExportDoc]:
    """Stream a project's documents with their spans and relations, ``chunk`` documents at a time.

    Memory stays bounded by one chunk, whatever the size of the project. ``provenance``: the same
    reads also fetch what a native export carries (``SPAN_PROVENANCE`` in each span's row,
    ``ExportDoc.gold_relations``), so that it does not read every span a second time.
    ``bounds``: only documents with ids from the first up to (not including) the second (None: no
    end), a part of an export that runs in two processes (``annotator.export_halves``).
    """
    extra_spans = SPAN_PROVENANCE if provenance else ()
    extra_relations = RELATION_PROVENANCE if provenance else ()
    # Core rows on the session's connection: the ORM's per-row bookkeeping costs more than the read.
    conn = session.connection()
    # JSON and time columns come raw and go through their type's own converter only when not NULL
    # (the values are those SQLAlchemy gives; most of them are NULL, and converting a NULL per
    # column and row was a tenth of a large export's time).
    span_json = _converter(conn, Annotation.attributes)
    fragments_json = _converter(conn, Annotation.fragments)
    sources_json = _converter(conn, Annotation.sources)
    span_time = _converter(conn, Annotation.updated_at)
    relation_json = _converter(conn, Relation.attributes)
    # Spans written together share their time (an import, a suggestion run): each distinct raw
    # value (SQLite's text; exact as a key) is parsed once. Values the driver already converted
    # (PostgreSQL) are kept as they come.
    cache_stamps = span_time is not _same
    stamps: dict[Any, Any] = {}
    for docs in document_chunks(conn, project_id, chunk, document_ids, bounds):
        ids = [d.id for d in docs]
        spans: dict[int, list[ExportSpan]] = {i: [] for i in ids}
        gold: dict[int, list[tuple[Any, ...]]] = {}
        # A range scan on the (document_id, start) index; rows of documents not asked for are skipped.
        for row in conn.execute(
            select(
                Annotation.document_id,
                *SPAN_COLUMNS,
                _raw(Annotation.attributes),
                _raw(Annotation.fragments),
                Annotation.actor_id,
                *(_raw(c) if c.key in ("updated_at", "sources") else c for c in extra_spans),
            )
            .where(Annotation.document_id.between(ids[0], ids[-1]))
            .order_by(Annotation.document_id, Annotation.start, Annotation.end, Annotation.id)
        ).all():
            bucket = spans.get(row[0])
            if bucket is None:
                continue
            values, parts = row[7], row[8]
            if not provenance:
                if values is not None or parts is not None:  # the row with its values converted
                    values = None if values is None else span_json(values)
                    parts = None if parts is None else fragments_json(parts)
                    kept: Sequence[Any] = (*row[:7], values, parts, *row[9:])
                    bucket.append(kept)
                else:
                    bucket.append(row)
                continue
            when, sources = row[10], row[11]
            if when is not None:
                when = stamps.get(when) if cache_stamps else None
                if when is None:  # a time not seen yet in this export (or not cached)
                    when = span_time(row[10])
                    if cache_stamps:
                        stamps[row[10]] = when
            if values is not None or parts is not None or sources is not None:
                bucket.append(
                    (
                        *row[:7],
                        None if values is None else span_json(values),
                        None if parts is None else fragments_json(parts),
                        row[9],
                        when,
                        None if sources is None else sources_json(sources),
                        row[12],
                        row[13],
                    )
                )
            else:  # (most spans: nothing but the time to convert)
                bucket.append((*row[:10], when, None, row[12], row[13]))
        relations: dict[int, list[RelationRow]] = {i: [] for i in ids}
        for rrow in conn.execute(
            select(
                Relation.document_id,
                Relation.id,
                Relation.source_id,
                Relation.target_id,
                Relation.type_id,
                Relation.annotator_id,
                _raw(Relation.attributes),
                *extra_relations,
            )
            .where(Relation.document_id.between(ids[0], ids[-1]))
            .order_by(Relation.document_id, Relation.id)
        ).all():
            links = relations.get(rrow[0])
            if links is not None:
                values = rrow[6]
                links.append(
                    RelationRow(
                        rrow[1],
                        rrow[2],
                        rrow[3],
                        rrow[4],
                        rrow[5],
                        None if values is None else relation_json(values),
                    )
                )
                if provenance and rrow[9]:  # sources or adjudicator not NULL in the database
                    gold.setdefault(rrow[0], []).append((rrow[2], rrow[3], rrow[4], rrow[7], rrow[8]))
        valued: dict[int, dict[int, dict[str, Any]]] = {}
        for d, who, found in conn.execute(select(*DOCUMENT_VALUES).where(DOCUMENT_VALUES[0].in_(ids))).all():
            valued.setdefault(d, {})[who] = found
        for doc in docs:
            yield ExportDoc(
                doc,
                spans[doc.id],
                relations[doc.id],
                valued.get(doc.id, {}),
                gold.get(doc.id, []) if provenance else None,
            )


def document_chunks(
    conn: Connection,
    project_id: int,
    chunk: int,
    document_ids: Sequence[int] | None = None,
    bounds: tuple[int, int | None] = (0, None),
) -> Iterator[list[Row[Any]]]:
    """The project's documents (every column), ``chunk`` at a time in id order, from ``bounds[0]``
    up to (not including) ``bounds[1]``: what each layer's read of an export walks through."""
    last = bounds[0] - 1
    while True:
        query = select(*Document.__table__.columns).where(
            Document.project_id == project_id, Document.id > last
        )
        if bounds[1] is not None:
            query = query.where(Document.id < bounds[1])
        if document_ids is not None:
            query = query.where(Document.id.in_(document_ids))
        docs = list(conn.execute(query.order_by(Document.id).limit(chunk)).all())
        if not docs:
            return
        yield docs
        last = docs[-1].id


def document_record(d: Row[Any]) -> DocRecord:
    """A document row as a record without annotations: what every layer's records start from."""
    tokens, sentences = unpack(getattr(d, "tokens", None))
    return DocRecord(
        **document_fields(d),
        status=d.status,
        meta=d.meta or {},
        doc_id=d.id,
        tokens=tokens,
        sentences=sentences,
    )


def _raw(column: Any) -> Any:
    """``column`` as the driver gives it (no converter: see ``_converter``)."""
    return type_coerce(column, NullType()).label(column.key)


def _converter(conn: Connection, column: Any) -> Callable[[Any], Any]:
    """What SQLAlchemy runs on ``column``'s values on this connection's database (none: as is)."""
    dialect = conn.dialect
    convert = column.type.dialect_impl(dialect).result_processor(dialect, None)
    return convert if convert is not None else _same


def _same(value: Any) -> Any:
    return value
