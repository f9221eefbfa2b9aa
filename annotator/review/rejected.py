"""Which gold relations hold a relation the reviewer rejected, and taking them out of gold.

A relation rejection names its ends by reading (offsets and label), so which gold relation it
hits depends on which gold spans stand for those readings (``readings``). Any decision that
moves, relabels, deletes or rejects a gold span can change that; each such decision ends with
``drop_rejected_relations`` so gold never holds a rejected relation (the rejection stands).
"""

from __future__ import annotations

from sqlalchemy import select

from annotator.model import Annotation, Relation, RelationRejection
from annotator.ops.relations import delete_relation
from annotator.review.readings import GoldIndex
from annotator.store import Tx


def rejections_in_gold(tx: Tx, document_id: int, gold_id: int) -> list[tuple[RelationRejection, int]]:
    """Each relation rejection with the gold relation that holds it, as ``gold_problems`` reads
    them (its ends' readings stand on that relation's gold spans, same type)."""
    rejections = list(
        tx.session.scalars(select(RelationRejection).where(RelationRejection.document_id == document_id))
    )
    if not rejections:
        return []
    index = GoldIndex(
        (r[0], r[1], r[2], r[3])
        for r in tx.session.execute(
            select(Annotation.start, Annotation.end, Annotation.id, Annotation.label_id).where(
                Annotation.document_id == document_id, Annotation.annotator_id == gold_id
            )
        )
    )
    links = {
        (r.source_id, r.target_id, r.type_id): r.id
        for r in tx.session.scalars(
            select(Relation).where(Relation.document_id == document_id, Relation.annotator_id == gold_id)
        )
    }
    found = []
    for r in rejections:
        source = index.representative((r.source_start, r.source_end, r.source_label_id))
        target = index.representative((r.target_start, r.target_end, r.target_label_id))
        if source is None or target is None:
            continue
        relation_id = links.get((source, target, r.type_id))
        if relation_id is not None:
            found.append((r, relation_id))
    return found


def drop_rejected_relations(tx: Tx, document_id: int, gold_id: int) -> list[int]:
    """Take out of gold every relation that now holds a rejected one; returns their ids."""
    held = sorted({i for _r, i in rejections_in_gold(tx, document_id, gold_id)})
    with tx.reviewing():
        for relation_id in held:
            delete_relation(tx, relation_id)
    return held
