"""Operations on a span's parts: add a fragment to a span, remove one. Each changes the one
annotation row (its ``fragments``, and its hull when an outer part moves), so the undo log's row
images carry the parts back and forth; callers run them inside ``undoable`` as for any edit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator import fragments
from annotator.errors import ConflictError
from annotator.model import Annotation, Document, utcnow
from annotator.ops.annotations import _get as owned_span
from annotator.tx import Tx


def _span(tx: Tx, annotation_id: int, by: int | None, expected_version: int | None) -> Annotation:
    span = owned_span(tx, annotation_id, by)  # the same checks as any edit of a span
    if expected_version is not None and span.version != expected_version:
        raise ConflictError(f"annotation {annotation_id} was changed by someone else meanwhile; reload")
    return span


def _set(tx: Tx, span: Annotation, parts: list[fragments.Part], what: str) -> Annotation:
    """Store ``parts`` on the span (hull, text of the hull, fragments) and record the change."""
    text = tx.session.scalar(select(Document.text).where(Document.id == span.document_id)) or ""
    before = {"start": span.start, "end": span.end, "fragments": span.fragments}
    start, end = fragments.hull(parts)
    span.start, span.end, span.text = start, end, text[start:end]
    span.fragments = fragments.stored(parts)
    span.updated_at = utcnow()
    span.version += 1
    tx.session.flush()
    after = {"start": span.start, "end": span.end, "fragments": span.fragments}
    tx.record(
        "annotation",
        "updated",
        (span.id,),
        (span.document_id,),
        {what: True, "before": before, "after": after},
    )
    return span


def add_fragment(
    tx: Tx,
    annotation_id: int,
    start: int,
    end: int,
    *,
    by: int | None = None,
    expected_version: int | None = None,
) -> Annotation:
    """Add ``start``–``end`` to the span's parts (a part it overlaps or touches grows into it).

    Refused, with nothing written, when the fragment lies outside the document's text."""
    span = _span(tx, annotation_id, by, expected_version)
    text = tx.session.scalar(select(Document.text).where(Document.id == span.document_id)) or ""
    (new,) = fragments.check([[start, end]], len(text), "new ")
    old = fragments.parts_of(span.start, span.end, span.fragments)
    return _set(tx, span, fragments.add(old, new), "fragment_added")


def remove_fragment(
    tx: Tx, annotation_id: int, index: int, *, by: int | None = None, expected_version: int | None = None
) -> Annotation:
    """Take the ``index``-th part (0-based, in text order) out of a multi-part span."""
    span = _span(tx, annotation_id, by, expected_version)
    old = fragments.parts_of(span.start, span.end, span.fragments)
    return _set(tx, span, fragments.remove(old, index), "fragment_removed")


def parts_in_document(
    session: Session, document_id: int, span_ids: Sequence[int] | None = None
) -> dict[int, list[fragments.Part]]:
    """The parts of a document's multi-part spans, by span id (what the article draws); with
    ``span_ids``, of those spans only (a primary-key lookup: an edit re-reads its own spans, not
    the document's 50,000)."""
    query = select(Annotation.id, Annotation.fragments).where(
        Annotation.document_id == document_id, Annotation.fragments.is_not(None)
    )
    if span_ids is not None:
        query = query.where(Annotation.id.in_(span_ids))
    return {i: fragments.parts_of(0, 0, parts) for i, parts in session.execute(query) if parts}
