"""Adjudication: reviewers accept, reject or edit annotators' work into the project's gold layer.

The gold layer is the spans and relations of one annotator with the role ``gold``; each gold
span records which annotators' spans it came from (``sources``) and who adjudicated it.
Rejections are kept per (offsets, label), relation rejections per (type, both ends' readings).
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, delete, select, update

from annotator.attributes import agreeing
from annotator.errors import NotFoundError, ValidationError
from annotator.model import (
    Annotation,
    Annotator,
    Document,
    Rejection,
    Relation,
    RelationRejection,
    ReviewStatus,
    Role,
    utcnow,
)
from annotator.ops.relations import delete_relation, fitting_types
from annotator.review.readings import GoldIndex
from annotator.review.rejected import drop_rejected_relations
from annotator.review.supersede import absorb, move
from annotator.store import Tx

GOLD_NAME = "gold"
SpanKey = tuple[int, int, int]  # start, end, label id
Decision = TypeVar("Decision", Rejection, RelationRejection)


def gold_annotator(tx: Tx, project_id: int) -> Annotator:
    """The project's gold annotator, created on first use."""
    gold = tx.session.scalar(
        select(Annotator).where(Annotator.project_id == project_id, Annotator.role == Role.GOLD.value)
    )
    if gold is None:
        if tx.session.scalar(
            select(Annotator.id).where(Annotator.project_id == project_id, Annotator.name == GOLD_NAME)
        ):
            raise ValidationError(f"an annotator named {GOLD_NAME!r} exists and is not the gold layer")
        gold = Annotator(project_id=project_id, name=GOLD_NAME, role=Role.GOLD.value)
        tx.session.add(gold)
        tx.session.flush()
        tx.record("annotator", "created", (gold.id,))
    return gold


def _require_reviewer(tx: Tx) -> int | None:
    """Adjudication is for reviewers (scripts without an actor act as the system); the role is
    read from the database, not taken from the actor."""
    return tx.require_reviewer()


def _project_of(tx: Tx, document_id: int) -> int:
    project_id = tx.session.scalar(select(Document.project_id).where(Document.id == document_id))
    if project_id is None:
        raise NotFoundError(f"no document with id {document_id}")
    return project_id


class Overlap(enum.StrEnum):
    """What accepting a reading does to a gold span of the same label that it overlaps."""

    REPLACE = "replace"  # the new reading takes that span's place (its relations stay attached)
    KEEP = "keep"  # both stay: the reviewer ticked several readings on purpose
    SKIP = "skip"  # gold has a reading there already; leave it (accept all agreed)


def gold_index(tx: Tx, document_id: int, gold_id: int) -> GoldIndex:
    rows = tx.session.execute(
        select(Annotation.start, Annotation.end, Annotation.id, Annotation.label_id).where(
            Annotation.document_id == document_id, Annotation.annotator_id == gold_id
        )
    ).all()
    return GoldIndex((r[0], r[1], r[2], r[3]) for r in rows)


def accept_spans(
    tx: Tx,
    annotation_ids: Sequence[int],
    *,
    overlap: Overlap = Overlap.REPLACE,
    instead_of: Sequence[int] = (),
) -> list[int]:
    """Put annotators' readings into gold, one gold span per distinct (offsets, label); returns
    the gold ids (those left alone by ``Overlap.SKIP`` excepted).

    A reading gold already holds exactly gains the new annotators as sources. Otherwise, with
    ``Overlap.REPLACE``, the gold span of the same label that stands for it (``readings``) is
    moved onto it: the same gold span, so relations accepted on it stay attached, and never a
    second overlapping copy. ``instead_of`` names gold spans the reviewer chose against (other
    readings of the same unit, e.g. another label): the first takes the new reading when nothing
    else does, the others give way (their relations move to the accepted span where they fit).
    """
    reviewer = _require_reviewer(tx)
    spans = list(tx.session.scalars(select(Annotation).where(Annotation.id.in_(annotation_ids))))
    if len(spans) != len(set(annotation_ids)):
        raise NotFoundError("some of the spans to accept no longer exist")
    if not spans:
        return []
    docs = {s.document_id for s in spans}
    if len(docs) != 1:
        raise ValidationError("accept spans of one document at a time")
    document_id = docs.pop()
    gold = gold_annotator(tx, _project_of(tx, document_id))
    names = dict(tx.session.execute(select(Annotator.id, Annotator.name)).all())
    groups: dict[tuple[int, int, int], set[str]] = defaultdict(set)
    values: dict[tuple[int, int, int], Any] = {}
    for span in spans:
        if span.annotator_id == gold.id:
            raise ValidationError("that span is already in the gold layer")
        groups[k := (span.start, span.end, span.label_id)].add(names[span.annotator_id])
        values[k] = (span.attributes or None, span.actor_id or values.get(k, (None, None))[1])  # gold's
    index = gold_index(tx, document_id, gold.id)
    spare = [i for i in instead_of if index.key_of(i) is not None]
    bad = set(instead_of) - set(spare)
    if bad:
        raise NotFoundError(f"no gold span with id {min(bad)} in this document")
    accepted: list[int] = []
    now = utcnow()
    for key, sources in sorted(groups.items()):
        start, end, label_id = key
        exact = index.exact(key)
        stand_in = index.representative(key) if overlap != Overlap.KEEP else None
        if stand_in in accepted:  # two readings accepted together both stay
            stand_in = None
        if exact is not None:
            existing = tx.session.get_one(Annotation, exact)
            existing.sources = sorted(set(existing.sources or []) | sources)
            existing.adjudicator_id = reviewer
            existing.version += 1
            tx.session.flush()
            tx.record(
                "annotation", "updated", (existing.id,), (document_id,), {"accepted_from": sorted(sources)}
            )
        elif stand_in is not None and overlap == Overlap.SKIP:
            continue
        elif stand_in is not None or spare:
            taken = stand_in if stand_in is not None else spare[0]
            existing = tx.session.get_one(Annotation, taken)
            move(tx, existing, key, sorted(sources), reviewer, index)
        else:
            text = tx.session.get_one(Document, document_id).text[start:end]
            existing = Annotation(
                document_id=document_id,
                label_id=label_id,
                annotator_id=gold.id,
                start=start,
                end=end,
                text=text,
                created_at=now,
                updated_at=now,
                sources=sorted(sources),
                adjudicator_id=reviewer,
            )
            tx.session.add(existing)
            tx.session.flush()
            index.add(start, end, existing.id, label_id)
            tx.record(
                "annotation", "created", (existing.id,), (document_id,), {"accepted_from": sorted(sources)}
            )
        existing.attributes, existing.actor_id = values[key][0], values[key][1] or existing.actor_id
        if existing.id in spare:
            spare.remove(existing.id)
        withdraw_rejection(tx, document_id, key)
        accepted.append(existing.id)
    if accepted:
        keepers = [tx.session.get_one(Annotation, i) for i in accepted]
        for old_id in spare:
            old = tx.session.get_one(Annotation, old_id)
            keep = next((k for k in keepers if k.label_id == old.label_id), keepers[0])
            absorb(tx, keep, old, index)
    drop_rejected_relations(tx, document_id, gold.id)  # a moved span may now stand for one
    _mark_in_review(tx, document_id)
    return accepted


def withdraw_rejection(tx: Tx, document_id: int, key: SpanKey) -> None:
    """The reviewer put this reading into gold after all: their later decision stands."""
    start, end, label_id = key
    tx.session.execute(
        delete(Rejection).where(
            Rejection.document_id == document_id,
            Rejection.label_id == label_id,
            Rejection.start == start,
            Rejection.end == end,
        )
    )


def accept_agreed(tx: Tx, document_id: int, annotator_ids: Sequence[int]) -> list[int]:
    """Accept in one step every span on which all of ``annotator_ids`` agree exactly, where gold
    has no reading of it yet (a reviewer's decision there stands)."""
    if len(annotator_ids) < 2:
        raise ValidationError("choose at least two annotators whose agreement to accept")
    rows = tx.session.execute(
        select(
            Annotation.id, Annotation.annotator_id, Annotation.start, Annotation.end, Annotation.label_id
        ).where(Annotation.document_id == document_id, Annotation.annotator_id.in_(annotator_ids))
    ).all()
    by_key: dict[tuple[int, int, int], dict[int, int]] = defaultdict(dict)
    for span_id, who, start, end, label in rows:
        by_key[(start, end, label)][who] = span_id
    groups = [list(people.values()) for people in by_key.values() if set(people) >= set(annotator_ids)]
    agreed = agreeing(tx.session, document_id, groups)  # other attribute values: not agreed
    return accept_spans(tx, agreed, overlap=Overlap.SKIP) if agreed else []


def reject(tx: Tx, document_id: int, label_id: int, start: int, end: int) -> int:
    """Keep a span (by offsets and label) out of gold; removes a gold span there. Returns the id."""
    reviewer = _require_reviewer(tx)
    gold = gold_annotator(tx, _project_of(tx, document_id))
    in_gold = tx.session.scalars(
        select(Annotation.id).where(
            Annotation.document_id == document_id,
            Annotation.annotator_id == gold.id,
            Annotation.label_id == label_id,
            Annotation.start == start,
            Annotation.end == end,
        )
    ).all()
    if in_gold:
        from annotator.ops.annotations import delete_spans

        with tx.reviewing():
            delete_spans(tx, list(in_gold))
        drop_rejected_relations(tx, document_id, gold.id)
    existing = tx.session.scalar(
        select(Rejection.id).where(
            Rejection.document_id == document_id,
            Rejection.label_id == label_id,
            Rejection.start == start,
            Rejection.end == end,
        )
    )
    if existing is not None:
        return existing
    rejection = Rejection(
        document_id=document_id,
        label_id=label_id,
        start=start,
        end=end,
        reviewer_id=reviewer,
        created_at=utcnow(),
    )
    tx.session.add(rejection)
    tx.session.flush()
    tx.record("document", "updated", (document_id,), (document_id,), {"rejected": [start, end, label_id]})
    _mark_in_review(tx, document_id)
    return rejection.id


def unreject(tx: Tx, rejection_id: int) -> None:
    _unreject(tx, Rejection, rejection_id, "unrejected")


def _unreject(tx: Tx, model: type[Decision], rejection_id: int, note: str) -> None:
    _require_reviewer(tx)
    rejection = tx.session.get(model, rejection_id)
    if rejection is None:
        what = "rejection" if model is Rejection else "relation rejection"
        raise NotFoundError(f"no {what} with id {rejection_id}")
    document_id = rejection.document_id
    tx.session.delete(rejection)
    tx.session.flush()
    tx.record("document", "updated", (document_id,), (document_id,), {note: rejection_id})


def _gold_end(tx: Tx, span: Annotation, index: GoldIndex) -> int:
    """The gold span a relation's end stands on: the reading gold holds for it (a reviewer's
    choice of boundaries stands), else the annotator's span, accepted now."""
    key = _key(span)
    found = index.representative(key)
    if found is not None and found != index.exact(key):
        return found
    gold_id = accept_spans(tx, [span.id], overlap=Overlap.KEEP)[0]
    if index.key_of(gold_id) is None:
        index.add(*key[:2], gold_id, key[2])
    return gold_id


def accept_relations(tx: Tx, relation_ids: Sequence[int]) -> list[int]:
    """Copy relations into gold; returns gold relation ids.

    Each end lands on the gold span that stands for it (``readings``): a quote whose boundaries
    the reviewer took from bob gets alice's speaker link, not a second copy of alice's quote.
    Ends gold has no reading of are accepted with the relation.
    """
    reviewer = _require_reviewer(tx)
    accepted: list[int] = []
    names = dict(tx.session.execute(select(Annotator.id, Annotator.name)).all())
    for relation in tx.session.scalars(select(Relation).where(Relation.id.in_(relation_ids))):
        gold_id = gold_annotator(tx, _project_of(tx, relation.document_id)).id
        ends = (
            tx.session.get_one(Annotation, relation.source_id),
            tx.session.get_one(Annotation, relation.target_id),
        )
        if ends[0].annotator_id == gold_id:
            raise ValidationError("that relation is already in the gold layer")
        index = gold_index(tx, relation.document_id, gold_id)
        source_gold, target_gold = _gold_end(tx, ends[0], index), _gold_end(tx, ends[1], index)
        if source_gold == target_gold:
            raise ValidationError("both ends of that relation stand on the same gold span")
        existing = tx.session.scalar(
            select(Relation).where(
                Relation.source_id == source_gold,
                Relation.target_id == target_gold,
                Relation.type_id == relation.type_id,
                Relation.annotator_id == gold_id,
            )
        )
        source_name = names[relation.annotator_id]
        source, target = (
            tx.session.get_one(Annotation, source_gold),
            tx.session.get_one(Annotation, target_gold),
        )
        for key in {(_key(ends[0]), _key(ends[1])), (_key(source), _key(target))}:
            tx.session.execute(
                delete(RelationRejection).where(
                    relation_rejection_is(relation.document_id, relation.type_id, *key)
                )
            )
        if existing is None:
            if relation.type_id not in {t.id for t in fitting_types(tx, source, target)}:
                raise ValidationError("the relation's type does not fit its gold spans")
            existing = Relation(
                document_id=relation.document_id,
                source_id=source_gold,
                target_id=target_gold,
                type_id=relation.type_id,
                annotator_id=gold_id,
                created_at=utcnow(),
                sources=[source_name],
                adjudicator_id=reviewer,
            )
            tx.session.add(existing)
            tx.session.flush()
            tx.record(
                "relation",
                "created",
                (existing.id,),
                (relation.document_id,),
                {"accepted_from": [source_name]},
            )
        else:
            existing.sources = sorted(set(existing.sources or []) | {source_name})
            tx.session.flush()
        accepted.append(existing.id)
    return accepted


def _key(span: Annotation) -> SpanKey:
    return (span.start, span.end, span.label_id)


def relation_rejection_is(
    document_id: int, type_id: int, source: SpanKey, target: SpanKey
) -> ColumnElement[bool]:
    """The relation rejection of a relation of ``type_id`` from ``source`` to ``target``."""
    return and_(
        RelationRejection.document_id == document_id,
        RelationRejection.type_id == type_id,
        RelationRejection.source_start == source[0],
        RelationRejection.source_end == source[1],
        RelationRejection.source_label_id == source[2],
        RelationRejection.target_start == target[0],
        RelationRejection.target_end == target[1],
        RelationRejection.target_label_id == target[2],
    )


def reject_relation(tx: Tx, document_id: int, type_id: int, source: SpanKey, target: SpanKey) -> int:
    """Keep a relation (by type and its ends' offsets and labels) out of gold; removes a gold
    relation there (its spans stay). Returns the rejection's id."""
    reviewer = _require_reviewer(tx)
    gold = gold_annotator(tx, _project_of(tx, document_id))
    index = gold_index(tx, document_id, gold.id)
    ends = index.representative(source), index.representative(target)
    in_gold = (
        tx.session.scalars(
            select(Relation.id).where(
                Relation.document_id == document_id,
                Relation.annotator_id == gold.id,
                Relation.type_id == type_id,
                Relation.source_id == ends[0],
                Relation.target_id == ends[1],
            )
        ).all()
        if None not in ends
        else []
    )
    with tx.reviewing():
        for relation_id in in_gold:
            delete_relation(tx, relation_id)
    existing = tx.session.scalar(
        select(RelationRejection.id).where(relation_rejection_is(document_id, type_id, source, target))
    )
    if existing is not None:
        return existing
    rejection = RelationRejection(
        document_id=document_id,
        type_id=type_id,
        source_start=source[0],
        source_end=source[1],
        source_label_id=source[2],
        target_start=target[0],
        target_end=target[1],
        target_label_id=target[2],
        reviewer_id=reviewer,
        created_at=utcnow(),
    )
    tx.session.add(rejection)
    tx.session.flush()
    detail: dict[str, Any] = {"rejected_relation": [type_id, list(source), list(target)]}
    tx.record("document", "updated", (document_id,), (document_id,), detail)
    _mark_in_review(tx, document_id)
    return rejection.id


def unreject_relation(tx: Tx, rejection_id: int) -> None:
    _unreject(tx, RelationRejection, rejection_id, "unrejected_relation")


def _mark_in_review(tx: Tx, document_id: int) -> None:
    tx.session.execute(
        update(Document)
        .where(Document.id == document_id, Document.review_status == ReviewStatus.UNREVIEWED.value)
        .values(review_status=ReviewStatus.IN_REVIEW.value)
    )


def set_review_status(tx: Tx, document_ids: Sequence[int], status: ReviewStatus | str) -> None:
    """Mark documents unreviewed / in review / adjudicated."""
    _require_reviewer(tx)
    if status not in {s.value for s in ReviewStatus}:
        raise ValidationError(f"unknown review status {status!r} (unreviewed, in review, adjudicated)")
    tx.session.execute(
        update(Document).where(Document.id.in_(document_ids)).values(review_status=str(status))
    )
    tx.record("document", "updated", list(document_ids), tuple(document_ids), {"review_status": str(status)})
