"""What must always hold of a document's gold layer, checked in one read.

The adjudication ops keep these true; tests check them after random review sequences, and any
client may ask (an empty list means the gold layer is sound):

- no two gold spans with the same label and offsets;
- every gold relation links two gold spans of its own document;
- no gold span holds a reading the reviewer rejected, no gold relation one they rejected;
- every gold span's text is its document's text at its offsets.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.errors import NotFoundError
from annotator.model import Annotation, Annotator, Document, Rejection, Relation, RelationRejection, Role
from annotator.review.readings import GoldIndex


def gold_problems(session: Session, document_id: int) -> list[str]:
    """Every way the document's gold layer breaks the rules above, as sentences."""
    doc = session.execute(
        select(Document.project_id, Document.text).where(Document.id == document_id)
    ).first()
    if doc is None:
        raise NotFoundError(f"no document with id {document_id}")
    gold_id = session.scalar(
        select(Annotator.id).where(Annotator.project_id == doc[0], Annotator.role == Role.GOLD.value)
    )
    if gold_id is None:
        return []
    spans = list(
        session.scalars(
            select(Annotation).where(
                Annotation.document_id == document_id, Annotation.annotator_id == gold_id
            )
        )
    )
    problems: list[str] = []
    keys = Counter((s.start, s.end, s.label_id) for s in spans)
    problems += [f"{n} gold spans with label {k[2]} on {k[0]}–{k[1]}" for k, n in keys.items() if n > 1]
    problems += [
        f"gold span {s.id} has text {s.text!r}, not its document's"
        for s in spans
        if s.text != doc[1][s.start : s.end]
    ]
    rejected = set(
        session.execute(
            select(Rejection.start, Rejection.end, Rejection.label_id).where(
                Rejection.document_id == document_id
            )
        ).all()
    )
    problems += [
        f"gold span {s.id} holds a rejected reading"
        for s in spans
        if (s.start, s.end, s.label_id) in rejected
    ]
    by_id = {s.id: s for s in spans}
    index = GoldIndex((s.start, s.end, s.id, s.label_id) for s in spans)
    links = list(
        session.scalars(
            select(Relation).where(Relation.annotator_id == gold_id, Relation.document_id == document_id)
        )
    )
    stray = session.scalars(
        select(Relation.id).where(
            Relation.annotator_id == gold_id,
            Relation.document_id != document_id,
            Relation.source_id.in_(list(by_id)),
        )
    ).all()
    problems += [f"gold relation {i} reaches into another document" for i in stray]
    gold_links = set()
    for link in links:
        if link.source_id not in by_id or link.target_id not in by_id:
            problems.append(f"gold relation {link.id} has an end outside the gold layer")
        gold_links.add((link.source_id, link.target_id, link.type_id))
    for r in session.scalars(select(RelationRejection).where(RelationRejection.document_id == document_id)):
        ends = (
            index.representative((r.source_start, r.source_end, r.source_label_id)),
            index.representative((r.target_start, r.target_end, r.target_label_id)),
        )
        if (*ends, r.type_id) in gold_links:
            problems.append(f"a rejected relation (rejection {r.id}) is in gold")
    return problems
