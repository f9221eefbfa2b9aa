"""A merge of a teammate's work (``annotator.review.merge``) as one undoable step.

A merge adds documents, adds and removes the merged annotators' spans and relations in documents
the project has, adds comments and assignments, and may add labels and annotators. The step keeps
(annotators it added stay, without labels: people are never deleted, row security forbids it):

- for the documents the project already had (those the plan touches): the merged annotators'
  layer, the documents' status, comments and assignments imaged before and after, as any step;
- the project's schema imaged before and after (a few rows);
- for each document the merge added, a marker (``merged_document``) with the ids of its spans
  and relations: undo deletes those documents with everything on them (no tombstone: merging the
  file again brings them back) and keeps their rows in the step (``merged:TABLE``), so redo puts
  them back with the same ids. A span added to such a document since refuses the undo.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from annotator.errors import ConflictError
from annotator.model import Annotation, DeletedDocument, Relation
from annotator.ops.documents import DeletedDocuments, delete_documents, restore_documents
from annotator.tx import Tx
from annotator.undo import rows, schema
from annotator.undo.rows import RowChange, Scope, Snapshot, Step

KIND = "merge"
NEW = "merged_document"
SAVED = "merged:"
DOCS = 200  # documents imaged per statement


def _capture(session: Session, project_id: int, documents: Sequence[int], owners: Sequence[int]) -> Snapshot:
    out = schema.capture(session, project_id, (), ())
    t = rows.TABLES
    out["actor"] = rows._read(session, "actor", t["actor"].c.project_id == project_id)  # actors carried
    for lo in range(0, len(documents), DOCS):
        part = list(documents[lo : lo + DOCS])
        for name, found in rows.capture(session, Scope(tuple(part), tuple(owners))).items():
            out.setdefault(name, {}).update(found)
        for name in ("comment", "assignment"):
            out.setdefault(name, {}).update(rows._read(session, name, t[name].c.document_id.in_(part)))
    return out


class MergeJournal:
    """Images what a merge changes; ``step`` after the merge wrote."""

    def __init__(self, tx: Tx, project_id: int, documents: Sequence[int], owners: Sequence[int]) -> None:
        self.tx, self.project_id, self.documents = tx, project_id, list(documents)
        tx.session.flush()
        self.before = _capture(tx.session, project_id, self.documents, owners)
        self.mark = len(tx.changes)

    def step(self, title: str, owners: Sequence[int]) -> Step:
        """The step: rows that differ in the documents the project had, and the new documents."""
        session = self.tx.session
        session.flush()
        after = _capture(session, self.project_id, self.documents, owners)
        for name, found in self.before.items():  # rows the merge removed from the scope still count
            missing = [i for i in found if i not in after.setdefault(name, {})]
            after[name].update(rows.read_ids(session, name, missing))
        changes = rows.diff(self.before, after)
        added = sorted(
            {
                i
                for c in self.tx.changes[self.mark :]
                if c.entity == "document" and c.action == "created"
                for i in c.ids
            }
        )
        changes += [RowChange(NEW, doc, None, _contents(session, [doc])) for doc in added]
        docs = {doc for c in changes if c.table not in rows.SCHEMA for doc in _documents(c)}
        return Step(title, KIND, documents=tuple(sorted(docs)), changes=changes)


def _documents(c: RowChange) -> list[int]:
    if c.table == NEW or c.table == "document":
        return [c.id]
    image = c.before or c.after or {}
    return [int(image["document_id"])] if image.get("document_id") is not None else []


def _contents(session: Session, documents: list[int]) -> dict[str, Any]:
    spans = sorted(session.scalars(select(Annotation.id).where(Annotation.document_id.in_(documents))))
    links = sorted(session.scalars(select(Relation.id).where(Relation.document_id.in_(documents))))
    return {"id": documents[0], "spans": spans, "relations": links}


def apply(tx: Tx, step: Step, *, undo: bool) -> list[RowChange]:
    """Undo or redo a merge; returns the step's changes as they are to be kept (undo keeps the
    rows of the documents it deleted, for redo)."""
    markers = [c for c in step.changes if c.table == NEW]
    plain = [c for c in step.changes if c.table in rows.TABLES]
    if undo:
        saved = _take_out(tx, markers)
        rows.apply(tx, plain, undo=True, owners=False)
        return plain + markers + saved
    rows.apply(tx, plain, undo=False, owners=False)
    kept = [c for c in step.changes if c.table.startswith(SAVED)]
    if markers:
        tables: dict[str, list[dict[str, Any]]] = {}
        for c in kept:
            table = c.table[len(SAVED) :]
            tables.setdefault(table, []).append(rows.from_json(table, dict(c.before or {})))
        saved_rows = tuple((name, tuple(found)) for name, found in tables.items())
        restore_documents(tx, DeletedDocuments(tuple(c.id for c in markers), 0, 0, saved_rows))
    return plain + markers


def _take_out(tx: Tx, markers: list[RowChange]) -> list[RowChange]:
    """Delete the documents the merge added, unless someone labelled them since."""
    ids = [c.id for c in markers]
    if not ids:
        return []
    for c in markers:
        now = _contents(tx.session, [c.id])
        for kind, word in (("spans", "span"), ("relations", "relation")):
            extra = sorted(set(now[kind]) - set((c.after or {}).get(kind, [])))
            if extra:
                raise ConflictError(
                    f"{word} {extra[0]} was added to merged document {c.id} since; undo refused"
                )
    actor, tx.actor = tx.actor, None  # taking back the merge's own documents, whoever labelled them
    try:
        deleted = delete_documents(tx, ids)
    finally:
        tx.actor = actor
    tx.session.execute(delete(DeletedDocument).where(DeletedDocument.document_id.in_(ids)))
    return [
        RowChange(SAVED + name, int(row["id"]), rows.to_json(row), None)
        for name, found in deleted.rows
        for row in found
    ]
