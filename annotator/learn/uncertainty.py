"""Active learning: which document to label next, by how unsure the suggestions on it are.

A suggestion scored 0.5 is the model's coin toss, one scored 0.95 or 0.05 it is sure of; a
document's uncertainty is the mean of ``1 - |2·score - 1|`` over its suggestions this annotator
has not decided yet. The next document is the most uncertain one not done, so a person's time
goes where the model learns most from them (uncertainty sampling). Documents without pending
suggestions follow, in list order.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from annotator.model import DocStatus, Document, Suggestion, SuggestionDecision


def uncertainty(session: Session, documents: Sequence[int], annotator_id: int) -> dict[int, float]:
    """Each document's mean uncertainty over the suggestions ``annotator_id`` has not decided."""
    if not documents:
        return {}
    decided = and_(
        SuggestionDecision.suggestion_id == Suggestion.id, SuggestionDecision.annotator_id == annotator_id
    )
    rows = session.execute(
        select(Suggestion.document_id, func.avg(1 - func.abs(2 * Suggestion.score - 1)))
        .outerjoin(SuggestionDecision, decided)
        .where(
            Suggestion.document_id.in_(documents),
            SuggestionDecision.id.is_(None),
            or_(Suggestion.for_annotator_id.is_(None), Suggestion.for_annotator_id == annotator_id),
        )
        .group_by(Suggestion.document_id)
    ).all()
    return {doc: float(value) for doc, value in rows}


def most_uncertain(
    session: Session, candidates: Sequence[int], annotator_id: int, current: int | None
) -> int | None:
    """The next document to label: the most uncertain of ``candidates`` that is not done (ties and
    documents without pending suggestions in the candidates' order), never ``current``."""
    open_docs = [
        d
        for d in session.scalars(
            select(Document.id).where(Document.id.in_(candidates), Document.status != DocStatus.DONE.value)
        )
        if d != current
    ]
    if not open_docs:
        return None
    scores = uncertainty(session, open_docs, annotator_id)
    order = {d: i for i, d in enumerate(candidates)}
    return min(open_docs, key=lambda d: (-scores.get(d, -1.0), order.get(d, 0)))
