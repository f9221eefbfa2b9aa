"""Documents: status changes, deletion (with everything on them) and its undo, import batches.

Deleting a document keeps a tombstone (the hash of its text) so that a merge or an import of the
same text does not silently bring it back; ``deleted_hashes`` is what they consult. Deletion
returns a snapshot of every row it removed so that undo puts them back with the same ids.
(Imports themselves are in ``annotator.ops.importer``.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Table, delete, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from annotator.audit import default_actor_name
from annotator.errors import ConflictError, NotFoundError, ValidationError
from annotator.model import (
    Annotation,
    Base,
    DeletedDocument,
    DocStatus,
    Document,
    ImportBatch,
    Relation,
    Role,
    utcnow,
)
from annotator.store import Tx

CHUNK = 500  # documents per statement: SQLite allows a limited number of bound parameters
DOCUMENT: Table = Document.__table__  # type: ignore[assignment]


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


@dataclass(frozen=True, slots=True)
class DeletedDocuments:
    """What ``delete_documents`` removed: every row, parents first, for ``restore_documents``."""

    document_ids: tuple[int, ...]
    spans: int
    relations: int
    # (table name, rows as column → value); empty when the caller asked for no snapshot.
    rows: tuple[tuple[str, tuple[dict[str, Any], ...]], ...] = ()

    def summary(self) -> str:
        return (
            f"deleted {len(self.document_ids)} document(s) with {self.spans} span(s) "
            f"and {self.relations} relation(s)"
        )


def _dependents() -> list[tuple[Table, list[tuple[str, str]]]]:
    """Tables whose rows go when a document goes (foreign keys ON DELETE CASCADE, directly or
    through spans), in creation order, each with its (column, referenced table) pairs.

    Read from the model, so a table added later (review decisions, …) is covered without change here.
    """
    reached = {"document"}
    plan: list[tuple[Table, list[tuple[str, str]]]] = []
    for table in Base.metadata.sorted_tables:
        refs = [
            (fk.parent.name, fk.column.table.name)
            for fk in table.foreign_keys
            if fk.column.table.name in reached and (fk.ondelete or "").upper() == "CASCADE"
        ]
        if refs and table.name != "document":
            reached.add(table.name)
            plan.append((table, refs))
    return plan


def _selections(document_ids: Sequence[int]) -> dict[str, Select[Any]]:
    """For each dependent table, a query of the ids of its rows that belong to ``document_ids``."""
    ids: dict[str, Select[Any]] = {"document": select(DOCUMENT.c.id).where(DOCUMENT.c.id.in_(document_ids))}
    for table, refs in _dependents():
        condition = or_(*(table.c[column].in_(ids[target]) for column, target in refs))
        ids[table.name] = select(table.c.id).where(condition)
    return ids


def _check_may_delete(tx: Tx, document_ids: Sequence[int]) -> None:
    """An annotator may delete only documents that hold no one else's labels (reviewers and
    scripts may delete any)."""
    actor = tx.actor
    if actor is None or actor.id is None or actor.role == Role.REVIEWER.value:
        return
    for model in (Annotation, Relation):
        other = tx.session.scalar(
            select(model.document_id)
            .where(model.document_id.in_(document_ids), model.annotator_id != actor.id)
            .limit(1)
        )
        if other is not None:
            raise ValidationError(
                f"document {other} holds other annotators' labels; only a reviewer may delete it"
            )


def delete_documents(tx: Tx, document_ids: Sequence[int], *, snapshot: bool = True) -> DeletedDocuments:
    """Delete documents with their spans, relations and review decisions; audited, tombstoned.

    All or nothing: an unknown id deletes nothing. With ``snapshot`` the result holds every
    removed row so that ``restore_documents`` can undo it (the command line, deleting whole
    batches, does without).
    """
    wanted = list(dict.fromkeys(document_ids))
    if not wanted:
        return DeletedDocuments((), 0, 0)
    session = tx.session
    docs: dict[int, tuple[int, str, str | None, int | None]] = {}
    for part in _chunks(wanted):
        query = select(
            Document.id, Document.project_id, Document.content_hash, Document.title, Document.batch_id
        )
        for row in session.execute(query.where(Document.id.in_(part))):
            docs[row[0]] = (row[1], row[2], row[3], row[4])
    missing = [i for i in wanted if i not in docs]
    if missing:
        raise NotFoundError(f"no document with id {missing[0]}; nothing was deleted")
    saved: dict[str, list[dict[str, Any]]] = {}
    spans: dict[int, int] = {}
    relations: dict[int, int] = {}
    for part in _chunks(wanted):
        _check_may_delete(tx, part)
        spans.update(_counts(session, Annotation, part))
        relations.update(_counts(session, Relation, part))
        if snapshot:
            for name, ids in _selections(part).items():
                table = Base.metadata.tables[name]
                found = session.execute(select(table).where(table.c.id.in_(ids)).order_by(table.c.id))
                saved.setdefault(name, []).extend(dict(row._mapping) for row in found)
        session.execute(delete(Document).where(Document.id.in_(part)))
    who = tx.actor.name if tx.actor else default_actor_name()
    now = utcnow()
    tombstones = [
        {
            "project_id": project_id,
            "content_hash": digest,
            "document_id": doc_id,
            "title": title,
            "spans": spans.get(doc_id, 0),
            "deleted_at": now,
            "deleted_by": who,
        }
        for doc_id, (project_id, digest, title, _batch) in docs.items()
    ]
    _forget(session, [(project_id, digest) for project_id, digest, _t, _b in docs.values()])
    session.execute(insert(DeletedDocument), tombstones)
    session.expire_all()
    for doc_id, (_project, digest, title, batch) in docs.items():
        detail = {
            "title": title,
            "content_hash": digest,
            "spans": spans.get(doc_id, 0),
            "relations": relations.get(doc_id, 0),
            "batch": batch,
        }
        tx.record("document", "deleted", (doc_id,), (doc_id,), detail)
    order = [table.name for table in Base.metadata.sorted_tables if table.name in saved]
    return DeletedDocuments(
        tuple(wanted),
        sum(spans.values()),
        sum(relations.values()),
        tuple((name, tuple(saved[name])) for name in order),
    )


def restore_documents(tx: Tx, deleted: DeletedDocuments) -> None:
    """Put deleted documents back exactly as they were, with the same ids (undo of a delete)."""
    if not deleted.rows:
        raise ValidationError("nothing to restore: the deletion kept no copy of the documents")
    session = tx.session
    documents = dict(deleted.rows)["document"]
    hashes = [(row["project_id"], row["content_hash"]) for row in documents]
    for project_id, digest in hashes:
        again = session.scalar(
            select(Document.id).where(Document.project_id == project_id, Document.content_hash == digest)
        )
        if again is not None:
            raise ConflictError(f"the text of a deleted document is in the project again (document {again})")
    try:
        session.execute(insert(Base.metadata.tables["document"]), list(documents))
        back = _from_trash(session, [row["id"] for row in documents])
        for name, rows in deleted.rows:
            left = [row for row in rows if name != "document" and row["document_id"] not in back]
            if left:
                session.execute(insert(Base.metadata.tables[name]), left)
    except IntegrityError as exc:  # the caller's transaction rolls back: nothing half restored
        raise ConflictError(
            "the deleted documents cannot come back: a label, relation type or annotator "
            "their spans use was removed since"
        ) from exc
    _forget(session, hashes)
    for row in documents:
        detail = {"title": row["title"], "content_hash": row["content_hash"], "restored": True}
        tx.record("document", "created", (row["id"],), (row["id"],), detail)


def _from_trash(session: Session, document_ids: Sequence[int]) -> set[int]:
    """PostgreSQL: the documents whose rows the server put back from ``document_trash`` (migration
    0024): every teammate's labels, which this login could not write itself. Elsewhere, or for a
    document deleted before the server kept its rows, none: the snapshot's rows go back instead."""
    if session.get_bind().dialect.name != "postgresql":
        return set()
    restore = text("SELECT annotator_restore_trash(:doc)")
    return {doc for doc in document_ids if session.scalar(restore, {"doc": doc}) is not None}


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _counts(session: Session, model: type[Annotation] | type[Relation], ids: Sequence[int]) -> dict[int, int]:
    query = (
        select(model.document_id, func.count()).where(model.document_id.in_(ids)).group_by(model.document_id)
    )
    return {doc: n for doc, n in session.execute(query).all()}


def _forget(session: Session, hashes: Sequence[tuple[int, str]]) -> None:
    """Drop the tombstones of these (project, text hash) pairs."""
    by_project: dict[int, list[str]] = {}
    for project_id, digest in hashes:
        by_project.setdefault(project_id, []).append(digest)
    for project_id, digests in by_project.items():
        for part in range(0, len(digests), CHUNK):
            session.execute(
                delete(DeletedDocument).where(
                    DeletedDocument.project_id == project_id,
                    DeletedDocument.content_hash.in_(digests[part : part + CHUNK]),
                )
            )


# --- tombstones: what merges and imports consult ---------------------------------------------


def deleted_hashes(session: Session, project_id: int) -> set[str]:
    """Hashes of the texts of documents deleted from the project (and not brought back since)."""
    return set(
        session.scalars(select(DeletedDocument.content_hash).where(DeletedDocument.project_id == project_id))
    )


def forget_restored(tx: Tx, project_id: int) -> None:
    """Drop the tombstones of texts that are in the project again (an import with
    ``restore_deleted``): a later merge must not skip them."""
    present = select(Document.content_hash).where(Document.project_id == project_id)
    tx.session.execute(
        delete(DeletedDocument).where(
            DeletedDocument.project_id == project_id, DeletedDocument.content_hash.in_(present)
        )
    )


# --- import batches ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BatchRow:
    id: int
    created_at: datetime
    actor: str
    source: str
    added: int
    remaining: int


def batches(session: Session, project_id: int) -> list[BatchRow]:
    """The project's import batches, oldest first, with how many of their documents remain."""
    remaining = (
        select(Document.batch_id, func.count().label("n"))
        .where(Document.project_id == project_id, Document.batch_id.is_not(None))
        .group_by(Document.batch_id)
        .subquery()
    )
    query = (
        select(ImportBatch, func.coalesce(remaining.c.n, 0))
        .outerjoin(remaining, remaining.c.batch_id == ImportBatch.id)
        .where(ImportBatch.project_id == project_id)
        .order_by(ImportBatch.id)
    )
    return [
        BatchRow(b.id, b.created_at, b.actor, b.source, b.documents, n)
        for b, n in session.execute(query).all()
    ]


def batch_documents(session: Session, project_id: int, batch: int) -> list[int]:
    """Ids of the documents batch ``batch`` added that are still in the project."""
    exists = session.scalar(
        select(ImportBatch.id).where(ImportBatch.id == batch, ImportBatch.project_id == project_id)
    )
    if exists is None:
        raise NotFoundError(f"no import batch {batch} in this project (see `annotator batches`)")
    query = select(Document.id).where(Document.batch_id == batch).order_by(Document.id)
    return list(session.scalars(query))
