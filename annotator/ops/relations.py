"""Relations between two spans of one document (QUOTE --speaker--> ACTOR, ...)."""

from __future__ import annotations

from sqlalchemy import delete, select

from annotator.errors import NotFoundError, ValidationError
from annotator.model import Annotation, Label, Relation, RelationType, utcnow
from annotator.ops.annotations import RelationData, check_deleted, relation_data, relation_records
from annotator.store import Tx


def fitting_types(tx: Tx, source: Annotation, target: Annotation) -> list[RelationType]:
    """The relation types whose label restrictions admit ``source`` → ``target``."""
    project_id = tx.session.scalar(select(Label.project_id).where(Label.id == source.label_id))
    types = tx.session.scalars(select(RelationType).where(RelationType.project_id == project_id))
    return [
        t
        for t in types
        if t.from_label_id in (None, source.label_id) and t.to_label_id in (None, target.label_id)
    ]


def create_relation(tx: Tx, source_id: int, target_id: int, type_id: int, annotator_id: int) -> Relation:
    """Link two spans; refused across documents, onto itself, or when the type does not fit."""
    tx.check_owner(annotator_id, "a relation made in another annotator's name")
    source = tx.session.get(Annotation, source_id)
    target = tx.session.get(Annotation, target_id)
    if source is None or target is None:
        raise NotFoundError(f"no annotation with id {source_id if source is None else target_id}")
    if source.document_id != target.document_id:
        raise ValidationError("a relation must link two spans of the same document")
    if source_id == target_id:
        raise ValidationError("a relation must link two different spans")
    rtype = tx.session.get(RelationType, type_id)
    if rtype is None:
        raise NotFoundError(f"no relation type with id {type_id}")
    if rtype not in fitting_types(tx, source, target):
        names = {
            label.id: label.name
            for label in tx.session.scalars(
                select(Label).where(Label.id.in_([source.label_id, target.label_id]))
            )
        }
        raise ValidationError(
            f"relation type {rtype.name!r} does not fit {names[source.label_id]} → {names[target.label_id]}"
        )
    duplicate = select(Relation.id).where(
        Relation.source_id == source_id,
        Relation.target_id == target_id,
        Relation.type_id == type_id,
        Relation.annotator_id == annotator_id,
    )
    if tx.session.scalar(duplicate) is not None:
        raise ValidationError("this relation exists already")
    relation = Relation(
        document_id=source.document_id,
        source_id=source_id,
        target_id=target_id,
        type_id=type_id,
        annotator_id=annotator_id,
        created_at=utcnow(),
    )
    tx.session.add(relation)
    tx.session.flush()
    [detail] = relation_records(tx, [relation_data(relation)])
    tx.record("relation", "created", (relation.id,), (relation.document_id,), detail)
    return relation


def delete_relation(tx: Tx, relation_id: int, by: int | None = None) -> RelationData:
    relation = tx.session.get(Relation, relation_id)
    if relation is None:
        raise NotFoundError(f"no relation with id {relation_id}")
    if by is not None and relation.annotator_id != by:
        raise ValidationError(f"relation {relation_id} belongs to another annotator")
    tx.check_owner(relation.annotator_id, f"relation {relation_id}")
    data = relation_data(relation)
    [detail] = relation_records(tx, [data])
    gone = tx.session.execute(delete(Relation).where(Relation.id == relation_id))
    check_deleted(gone, 1, "relations")
    tx.session.expunge(relation)
    tx.record("relation", "deleted", (relation_id,), (data.document_id,), detail)
    return data


def fitting_type_ids(tx: Tx, source_id: int, target_id: int) -> list[int]:
    """Ids of the relation types that fit ``source_id`` → ``target_id``, in id order.

    The GUI asks this before creating a relation, to pick the type or offer a choice; an empty
    list means no type fits that direction.
    """
    source = tx.session.get(Annotation, source_id)
    target = tx.session.get(Annotation, target_id)
    if source is None or target is None:
        raise NotFoundError(f"no annotation with id {source_id if source is None else target_id}")
    if source_id == target_id or source.document_id != target.document_id:
        return []
    return sorted(t.id for t in fitting_types(tx, source, target) if not t.retired)  # retired: no new ones
