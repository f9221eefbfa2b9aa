"""Changing which reading a gold span holds without losing what hangs on it.

When the reviewer takes bob's boundaries (or label) for a quote whose alice reading is in gold,
the gold span is *moved* onto bob's reading: it keeps its id, so the relations already accepted
on it stay attached (those whose type no longer fits a new label are removed, and reported in
the audit log). When a superseded gold span goes away, its relations move to the span that takes
its place. Nothing here ever leaves two gold spans with the same offsets and label.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from annotator.model import Annotation, Document, Relation, utcnow
from annotator.ops.relations import fitting_types
from annotator.review.readings import GoldIndex
from annotator.store import Tx


def _relations_of(tx: Tx, span_id: int) -> list[Relation]:
    query = select(Relation).where(or_(Relation.source_id == span_id, Relation.target_id == span_id))
    return list(tx.session.scalars(query))


def _drop(tx: Tx, relations: list[Relation], document_id: int, why: str) -> None:
    if relations:
        ids = [r.id for r in relations]
        for relation in relations:
            tx.session.delete(relation)
        tx.session.flush()
        tx.record("relation", "deleted", ids, (document_id,), {"why": why})


def drop_unfitting(tx: Tx, span: Annotation) -> None:
    """Remove the relations of ``span`` whose type no longer fits its (new) label."""
    gone = []
    for relation in _relations_of(tx, span.id):
        source = tx.session.get_one(Annotation, relation.source_id)
        target = tx.session.get_one(Annotation, relation.target_id)
        if relation.type_id not in {t.id for t in fitting_types(tx, source, target)}:
            gone.append(relation)
    _drop(tx, gone, span.document_id, "its type does not fit the gold span's new label")


def move(
    tx: Tx,
    span: Annotation,
    key: tuple[int, int, int],
    sources: list[str],
    reviewer: int | None,
    index: GoldIndex,
) -> None:
    """Put the gold ``span`` onto the reading ``key`` (start, end, label id), taken from ``sources``."""
    start, end, label = key
    before = {"start": span.start, "end": span.end, "label_id": span.label_id}
    index.remove(span.id)
    relabelled = label != span.label_id
    span.start, span.end, span.label_id = start, end, label
    span.text = tx.session.get_one(Document, span.document_id).text[start:end]
    span.sources = sorted(sources)
    span.adjudicator_id = reviewer
    span.version += 1
    span.updated_at = utcnow()
    tx.session.flush()
    index.add(start, end, span.id, label)
    tx.record(
        "annotation",
        "updated",
        (span.id,),
        (span.document_id,),
        {
            "before": before,
            "after": {"start": start, "end": end, "label_id": label},
            "accepted_from": sorted(sources),
        },
    )
    if relabelled:
        drop_unfitting(tx, span)


def absorb(tx: Tx, keep: Annotation, old: Annotation, index: GoldIndex) -> None:
    """``old`` gives way to ``keep``: its relations move over where they fit, then it goes."""
    moved, dropped = [], []
    for relation in _relations_of(tx, old.id):
        source_id = keep.id if relation.source_id == old.id else relation.source_id
        target_id = keep.id if relation.target_id == old.id else relation.target_id
        source = tx.session.get_one(Annotation, source_id)
        target = tx.session.get_one(Annotation, target_id)
        twin = tx.session.scalar(
            select(Relation.id).where(
                Relation.source_id == source_id,
                Relation.target_id == target_id,
                Relation.type_id == relation.type_id,
                Relation.annotator_id == relation.annotator_id,
            )
        )
        fits = relation.type_id in {t.id for t in fitting_types(tx, source, target)}
        if source_id == target_id or twin is not None or not fits:
            dropped.append(relation)
            continue
        relation.source_id, relation.target_id = source_id, target_id
        moved.append(relation.id)
    tx.session.flush()
    if moved:
        tx.record("relation", "updated", moved, (old.document_id,), {"moved_to": keep.id})
    _drop(tx, dropped, old.document_id, "its gold span gave way to another reading")
    index.remove(old.id)
    old_id, document_id = old.id, old.document_id
    tx.session.delete(old)
    tx.session.flush()
    tx.record("annotation", "deleted", (old_id,), (document_id,), {"superseded_by": keep.id})
