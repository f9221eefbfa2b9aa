"""The export's read of a project: documents with their spans, relations and values, streamed.

Split from ``annotator.queries`` (files stay under 450 lines). One pass of range scans a chunk of
documents at a time; a native export asks for the columns it carries too (``provenance``), so
that ``annotator.review.carry`` need not read every span again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from annotator.model import Annotation, Document, DocumentAttribute, Relation
from annotator.queries import SPAN_COLUMNS, RelationRow, SpanRow


@dataclass(slots=True)
class ExportDoc:
    """A document with its spans and relations, as exporters stream them."""

    document: Row[Any]  # every column of the document table, by attribute
    spans: list[SpanRow]
    relations: list[RelationRow]
    attributes: dict[int, dict[str, Any]] = field(default_factory=dict)  # document values by annotator id
    # Read with ``provenance=True`` (a native export, see annotator.review.carry): span id →
    # (updated_at, sources, adjudicator id, origin), and the relations that have gold provenance
    # as (source id, target id, type id, sources, adjudicator id).
    provenance: dict[int, tuple[Any, ...]] | None = None
    gold_relations: list[tuple[Any, ...]] | None = None


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
) -> Iterator[ExportDoc]:
    """Stream a project's documents with their spans and relations, ``chunk`` documents at a time.

    Memory stays bounded by one chunk, whatever the size of the project. ``provenance``: the same
    reads also fetch what a native export carries (``ExportDoc.provenance``), so that it does not
    read every span a second time.
    """
    extra_spans = SPAN_PROVENANCE if provenance else ()
    extra_relations = RELATION_PROVENANCE if provenance else ()
    # Core rows on the session's connection: the ORM's per-row bookkeeping costs more than the read.
    conn = session.connection()
    last = 0
    while True:
        query = select(*Document.__table__.columns).where(
            Document.project_id == project_id, Document.id > last
        )
        if document_ids is not None:
            query = query.where(Document.id.in_(document_ids))
        docs = conn.execute(query.order_by(Document.id).limit(chunk)).all()
        if not docs:
            return
        ids = [d.id for d in docs]
        spans: dict[int, list[SpanRow]] = {i: [] for i in ids}
        carried: dict[int, dict[int, tuple[Any, ...]]] = {}
        gold: dict[int, list[tuple[Any, ...]]] = {}
        # A range scan on the (document_id, start) index; rows of documents not asked for are skipped.
        for row in conn.execute(
            select(
                Annotation.document_id,
                *SPAN_COLUMNS,
                Annotation.attributes,
                Annotation.fragments,
                Annotation.actor_id,
                *extra_spans,
            )
            .where(Annotation.document_id.between(ids[0], ids[-1]))
            .order_by(Annotation.document_id, Annotation.start, Annotation.end, Annotation.id)
        ).all():
            bucket = spans.get(row[0])
            if bucket is not None:
                bucket.append(SpanRow(*row[1:10]))
                if provenance:
                    carried.setdefault(row[0], {})[row[1]] = tuple(row[10:])
        relations: dict[int, list[RelationRow]] = {i: [] for i in ids}
        for rrow in conn.execute(
            select(
                Relation.document_id,
                Relation.id,
                Relation.source_id,
                Relation.target_id,
                Relation.type_id,
                Relation.annotator_id,
                Relation.attributes,
                *extra_relations,
            )
            .where(Relation.document_id.between(ids[0], ids[-1]))
            .order_by(Relation.document_id, Relation.id)
        ).all():
            links = relations.get(rrow[0])
            if links is not None:
                links.append(RelationRow(rrow[1], rrow[2], rrow[3], rrow[4], rrow[5], rrow[6]))
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
                carried.get(doc.id, {}) if provenance else None,
                gold.get(doc.id, []) if provenance else None,
            )
        last = ids[-1]
