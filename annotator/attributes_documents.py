"""Document-level attribute values (scope "document": genre, topic, outlet stance).

Each annotator codes a document on their own (one ``DocumentAttribute`` row per document and
annotator), so these values are owned, undone and compared like spans: setting one is a step of
the annotator's layer in that document, refused for another annotator's values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from annotator.attributes import DOCUMENT
from annotator.attributes_values import check_value, definitions_for
from annotator.errors import NotFoundError
from annotator.formats.base import Writer, reporting_left_out
from annotator.model import Document, DocumentAttribute, utcnow
from annotator.tx import Tx
from annotator.undo import undoable
from annotator.undo.rows import Step


def set_document_value(tx: Tx, document_id: int, annotator_id: int, name: str, value: Any) -> dict[str, Any]:
    """Set (``value`` None: clear) ``annotator_id``'s value of document attribute ``name``;
    checked first (the document exists, the attribute is a document attribute, the value of its
    kind). Returns the annotator's values of the document now."""
    project_id = tx.session.scalar(select(Document.project_id).where(Document.id == document_id))
    if project_id is None:
        raise NotFoundError(f"no document with id {document_id}")
    tx.check_owner(annotator_id, f"the document values of annotator {annotator_id}")
    known = definitions_for(tx, DOCUMENT, project_id)
    if name not in known:
        raise NotFoundError(
            f"documents have no attribute {name!r} (attributes: {', '.join(known) or 'none'})"
        )
    row = tx.session.scalar(
        select(DocumentAttribute).where(
            DocumentAttribute.document_id == document_id, DocumentAttribute.annotator_id == annotator_id
        )
    )
    old = dict(row.attributes) if row is not None else {}
    new = {k: v for k, v in old.items() if k != name}
    if value is not None:
        new[name] = check_value(known[name], value)
    if new == old:
        return new
    if row is None:
        tx.session.add(DocumentAttribute(document_id=document_id, annotator_id=annotator_id, attributes=new))
    elif new:
        row.attributes, row.updated_at = new, utcnow()
    else:
        tx.session.execute(delete(DocumentAttribute).where(DocumentAttribute.id == row.id))
    tx.session.flush()
    detail = {
        "attribute": f"{DOCUMENT}.{name}",
        "annotator_id": annotator_id,
        "before": old.get(name),
        "after": new.get(name),
    }
    tx.record("document", "updated", (document_id,), (document_id,), detail)
    return new


def set_document_value_step(tx: Tx, document_id: int, annotator_id: int, name: str, value: Any) -> Step:
    """``set_document_value`` as one undoable step of the annotator."""
    title = f"{'Clear' if value is None else 'Set'} {name} of document {document_id}"
    with undoable(tx, title, [document_id], annotator_id=annotator_id) as step:
        set_document_value(tx, document_id, annotator_id, name, value)
    return step


def document_values(
    session: Session, document_ids: Sequence[int] | None = None, annotator_ids: Sequence[int] | None = None
) -> dict[tuple[int, int], dict[str, Any]]:
    """Document-level values by (document id, annotator id)."""
    query = select(
        DocumentAttribute.document_id, DocumentAttribute.annotator_id, DocumentAttribute.attributes
    )
    if document_ids is not None:
        query = query.where(DocumentAttribute.document_id.in_(list(document_ids)))
    if annotator_ids is not None:
        query = query.where(DocumentAttribute.annotator_id.in_(list(annotator_ids)))
    return {(d, a): v for d, a, v in session.execute(query) if v}


# Export formats with a place for document-level values: native JSONL (by annotator) and the
# who-said-what CSV (the row's annotator's, as JSON). Every other format reports leaving them out.
HOLD_DOCUMENT_VALUES = frozenset({"jsonl", "native", "whosaid", "w3c", "spacy", "labelstudio"})
NO_DOCUMENT_VALUES = "documents' own attribute values (genre, topic…: the format has no place for them)"


def said_document_values_lost(fmt: str, writer: Writer) -> Writer:
    """``writer``, reporting each document that has document-level values ``fmt`` cannot hold."""
    if fmt in HOLD_DOCUMENT_VALUES:
        return writer
    return reporting_left_out(writer, NO_DOCUMENT_VALUES, lambda record: bool(record.attributes))
