"""Undo of a delete: spans and relations put back with their old ids (``annotations.delete_spans``
returns what this takes)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import insert

from annotator.model import Annotation, Relation
from annotator.ops.annotations import RelationData, SpanData, relation_records, span_records
from annotator.store import Tx


def restore(tx: Tx, spans: Iterable[SpanData], relations: Iterable[RelationData] = ()) -> None:
    """Put deleted spans and relations back with their old ids (undo of a delete).

    The same owners may do this as may create them: their annotators, and the gold layer only in
    a review operation.
    """
    spans, relations = list(spans), list(relations)
    for owner in sorted({s.annotator_id for s in spans} | {r.annotator_id for r in relations}):
        tx.check_owner(owner, "a span or relation to restore")
    span_rows: list[dict[str, Any]] = [
        {
            "id": s.id,
            "document_id": s.document_id,
            "start": s.start,
            "end": s.end,
            "label_id": s.label_id,
            "annotator_id": s.annotator_id,
            "text": s.text,
            "created_at": s.created_at,
            "updated_at": s.updated_at,
            "version": 1,
        }
        for s in spans
    ]
    relation_rows: list[dict[str, Any]] = [
        {
            "id": r.id,
            "document_id": r.document_id,
            "source_id": r.source_id,
            "target_id": r.target_id,
            "type_id": r.type_id,
            "annotator_id": r.annotator_id,
            "created_at": r.created_at,
        }
        for r in relations
    ]
    if span_rows:
        tx.session.execute(insert(Annotation), span_rows)
        docs = tuple({row["document_id"] for row in span_rows})
        tx.record(
            "annotation", "created", [row["id"] for row in span_rows], docs, details=span_records(tx, spans)
        )
    if relation_rows:
        tx.session.execute(insert(Relation), relation_rows)
        docs = tuple({row["document_id"] for row in relation_rows})
        tx.record(
            "relation",
            "created",
            [row["id"] for row in relation_rows],
            docs,
            details=relation_records(tx, relations),
        )
