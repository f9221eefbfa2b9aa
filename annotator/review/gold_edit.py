"""The reviewer's own edits of gold relations: link two gold spans, retype a link, remove one.

Only reviewers, and only between spans of the gold layer (annotators' layers are theirs). Each op
is one small change the review view wraps in an undo step (``annotator.review.state``).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from annotator.errors import NotFoundError, ValidationError
from annotator.model import Annotation, Annotator, Relation, RelationType, Role, utcnow
from annotator.ops.annotations import delete_spans, update_span
from annotator.ops.relations import delete_relation, fitting_types
from annotator.review.gold import withdraw_rejection
from annotator.review.rejected import drop_rejected_relations, rejections_in_gold
from annotator.review.supersede import drop_unfitting
from annotator.store import Tx


def _reviewer(tx: Tx) -> int | None:
    if tx.actor is not None and tx.actor.role != Role.REVIEWER.value:
        raise ValidationError(f"{tx.actor.name} is not a reviewer; only reviewers adjudicate")
    return tx.actor.id if tx.actor is not None else None


def _gold_span(tx: Tx, span_id: int) -> Annotation:
    span = tx.session.get(Annotation, span_id)
    if span is None:
        raise NotFoundError(f"no annotation with id {span_id}")
    role = tx.session.scalar(select(Annotator.role).where(Annotator.id == span.annotator_id))
    if role != Role.GOLD.value:
        raise ValidationError(f"span {span_id} is not in the gold layer")
    return span


def _gold_relation(tx: Tx, relation_id: int) -> Relation:
    relation = tx.session.get(Relation, relation_id)
    if relation is None:
        raise NotFoundError(f"no relation with id {relation_id}")
    _gold_span(tx, relation.source_id)
    return relation


def _check_type(tx: Tx, source: Annotation, target: Annotation, type_id: int) -> None:
    rtype = tx.session.get(RelationType, type_id)
    if rtype is None:
        raise NotFoundError(f"no relation type with id {type_id}")
    if type_id not in {t.id for t in fitting_types(tx, source, target)}:
        raise ValidationError(f"relation type {rtype.name!r} does not fit these two gold spans")


def _withdraw_relation_rejections(tx: Tx, relation: Relation) -> None:
    """The reviewer put this relation into gold themselves: their later decision stands, so no
    rejection it holds stays."""
    for rejection, relation_id in rejections_in_gold(tx, relation.document_id, relation.annotator_id):
        if relation_id == relation.id:
            tx.session.delete(rejection)
    tx.session.flush()


def _drop_rejected_relations(tx: Tx, span: Annotation) -> None:
    """A gold span moved or relabelled may make its relations (or those of the span that now
    stands for a reading) ones the reviewer rejected: the rejection stands, they leave gold."""
    drop_rejected_relations(tx, span.document_id, span.annotator_id)


def delete_gold_spans(tx: Tx, span_ids: Sequence[int]) -> None:
    """The reviewer deletes gold spans: another gold span may now stand for a reading whose
    relation they rejected, so the sweep follows the delete."""
    _reviewer(tx)
    spans = [_gold_span(tx, i) for i in span_ids]
    ends = sorted({(s.document_id, s.annotator_id) for s in spans})
    with tx.reviewing():
        delete_spans(tx, list(span_ids))
    for document_id, gold_id in ends:
        drop_rejected_relations(tx, document_id, gold_id)


def link_gold(tx: Tx, source_id: int, target_id: int, type_id: int) -> int:
    """A gold relation the reviewer draws (withdrawing a rejection of it); returns its id."""
    reviewer = _reviewer(tx)
    source, target = _gold_span(tx, source_id), _gold_span(tx, target_id)
    if source.id == target.id or source.document_id != target.document_id:
        raise ValidationError("a relation links two different spans of one document")
    _check_type(tx, source, target, type_id)
    twin = select(Relation.id).where(
        Relation.source_id == source_id, Relation.target_id == target_id, Relation.type_id == type_id
    )
    if tx.session.scalar(twin) is not None:
        raise ValidationError("gold has this relation already")
    relation = Relation(
        document_id=source.document_id,
        source_id=source_id,
        target_id=target_id,
        type_id=type_id,
        annotator_id=source.annotator_id,
        created_at=utcnow(),
        sources=[],
        adjudicator_id=reviewer,
    )
    tx.session.add(relation)
    tx.session.flush()
    _withdraw_relation_rejections(tx, relation)
    tx.record("relation", "created", (relation.id,), (relation.document_id,))
    return relation.id


def retype_gold(tx: Tx, relation_id: int, type_id: int) -> None:
    """Give a gold relation another type (same id, same ends; a rejection of it is withdrawn)."""
    reviewer = _reviewer(tx)
    relation = _gold_relation(tx, relation_id)
    if relation.type_id == type_id:
        return
    source = tx.session.get_one(Annotation, relation.source_id)
    target = tx.session.get_one(Annotation, relation.target_id)
    _check_type(tx, source, target, type_id)
    twin = select(Relation.id).where(
        Relation.source_id == relation.source_id,
        Relation.target_id == relation.target_id,
        Relation.type_id == type_id,
    )
    if tx.session.scalar(twin) is not None:
        raise ValidationError("gold has a relation of that type between these spans already")
    before = relation.type_id
    relation.type_id = type_id
    relation.adjudicator_id = reviewer
    tx.session.flush()
    _withdraw_relation_rejections(tx, relation)
    tx.record(
        "relation",
        "updated",
        (relation.id,),
        (relation.document_id,),
        {"type_before": before, "type_after": type_id},
    )


def unlink_gold(tx: Tx, relation_id: int) -> None:
    """Remove a gold relation (its spans stay)."""
    _reviewer(tx)
    _gold_relation(tx, relation_id)
    with tx.reviewing():
        delete_relation(tx, relation_id)


def edit_gold_span(
    tx: Tx,
    span_id: int,
    *,
    label_id: int | None = None,
    start: int | None = None,
    end: int | None = None,
    expected_version: int | None = None,
) -> None:
    """Relabel or resize a gold span. Its sources then name the annotators who have exactly the
    new reading (none: the reviewer's own), so gold never claims a reading came from someone who
    did not make it. A rejection of the new reading is withdrawn: the reviewer chose it now."""
    reviewer = _reviewer(tx)
    span = _gold_span(tx, span_id)
    with tx.reviewing():
        update_span(tx, span_id, label_id=label_id, start=start, end=end, expected_version=expected_version)
    who = tx.session.scalars(
        select(Annotator.name)
        .join(Annotation, Annotation.annotator_id == Annotator.id)
        .where(
            Annotation.document_id == span.document_id,
            Annotation.annotator_id != span.annotator_id,
            Annotation.start == span.start,
            Annotation.end == span.end,
            Annotation.label_id == span.label_id,
        )
    )
    span.sources = sorted(set(who))
    span.adjudicator_id = reviewer
    withdraw_rejection(tx, span.document_id, (span.start, span.end, span.label_id))
    tx.session.flush()
    if label_id is not None:
        drop_unfitting(tx, span)
    _drop_rejected_relations(tx, span)
