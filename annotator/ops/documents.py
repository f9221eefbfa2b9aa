"""Documents: status changes (imports are in ``annotator.ops.importer``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update

from annotator.errors import NotFoundError, ValidationError
from annotator.model import DocStatus, Document
from annotator.store import Tx


def set_status(tx: Tx, document_ids: Sequence[int], status: DocStatus | str) -> None:
    """Mark documents new / in progress / done."""
    value = DocStatus(status).value if status in {s.value for s in DocStatus} else None
    if value is None:
        raise ValidationError(f"unknown status {status!r} (new, in progress, done)")
    found = tx.session.scalars(select(Document.id).where(Document.id.in_(document_ids))).all()
    missing = set(document_ids) - set(found)
    if missing:
        raise NotFoundError(f"no document with id {min(missing)}")
    tx.session.execute(update(Document).where(Document.id.in_(document_ids)).values(status=value))
    tx.record("document", "updated", list(document_ids), tuple(document_ids))
