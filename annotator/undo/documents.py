"""Deleting documents as an undoable step: the rows the deletion removed, put back on undo.

``delete_documents`` already returns every row it removed (parents first); the step keeps them
as images (``before``, ``after`` None) so undo restores the same ids, and redo deletes again only
while the documents still hold exactly those rows (a span a teammate added since refuses it).
"""

from __future__ import annotations

from typing import Any

from annotator.errors import ConflictError
from annotator.ops.documents import DeletedDocuments, delete_documents, restore_documents
from annotator.tx import Tx
from annotator.undo.rows import RowChange, Step, from_json, same, to_json


def changes_of(deleted: DeletedDocuments) -> list[RowChange]:
    return [RowChange(name, row["id"], to_json(row), None) for name, rows in deleted.rows for row in rows]


def apply(tx: Tx, step: Step, *, undo: bool) -> None:
    rows: dict[str, list[dict[str, Any]]] = {}
    for c in step.changes:
        assert c.before is not None
        rows.setdefault(c.table, []).append(from_json(c.table, c.before))
    spans, links = len(rows.get("annotation", [])), len(rows.get("relation", []))
    if undo:
        saved = tuple((name, tuple(values)) for name, values in rows.items())
        restore_documents(tx, DeletedDocuments(step.documents, spans, links, saved))
        return
    again = {(c.table, c.id): c for c in changes_of(delete_documents(tx, step.documents))}
    for c in step.changes:
        now = again.pop((c.table, c.id), None)
        if now is None or not same(now.before, c.before):
            raise ConflictError(f"{c.table.replace('_', ' ')} {c.id} of these documents changed since")
    if again:
        table, key = next(iter(again))
        raise ConflictError(f"{table.replace('_', ' ')} {key} was added to these documents since")
